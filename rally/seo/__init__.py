"""Found by search engines and maps: canonical and language addresses, ``robots.txt``, the
sitemap, schema.org JSON-LD, Open Graph tags and their images.

It sits at the top beside ``site``: it reads stores, spots, news and campaigns, and no room
imports it. Pages get their head markup from one include in ``base.html``
(``seo/_head.html``), filled from :data:`rally.seo.urls.PUBLIC_PAGES` and the page's objects.
"""

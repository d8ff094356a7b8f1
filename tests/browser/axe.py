"""axe-core (shipped in the axe-playwright-python package) run inside a Playwright page."""

import os

import axe_playwright_python

AXE_JS = os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js")
with open(AXE_JS, encoding="utf-8") as _file:
    AXE_SOURCE = _file.read()
BLOCKING = {"serious", "critical"}


def violations(page, impacts=BLOCKING) -> list[str]:
    """axe's violations on the page's current document whose impact is in ``impacts``."""
    # Evaluated through the DevTools protocol: the page's Content-Security-Policy refuses
    # the inline <script> that add_script_tag would insert.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]

"""The open API under ``/api/v1`` (issue 22): public reads of what the site shows anyone,
a resident's own data with a personal token, tokens for the association's own apps.

The OpenAPI 3.1 document is generated from the code by flask-smorest (marshmallow schemas,
apispec); see :mod:`rally.api.core` for the shared machinery and :mod:`rally.api.public`
for how one resource is added. Reads go through the rooms' own queries: this room decides
no visibility of its own.
"""

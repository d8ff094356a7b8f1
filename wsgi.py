"""WSGI entry point: ``gunicorn wsgi:app``."""

from rally import create_app

app = create_app()

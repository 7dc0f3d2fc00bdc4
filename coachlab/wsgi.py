"""The WSGI entry point for production servers: ``gunicorn coachlab.wsgi:app``."""

from coachlab import create_app

app = create_app()

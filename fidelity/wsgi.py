"""The WSGI entry point for a production server: `gunicorn 'fidelity.wsgi:app'`."""

from fidelity import create_app

app = create_app()

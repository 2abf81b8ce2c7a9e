"""WSGI entry point: `flask --app app run` or any WSGI server. Logging is set up first (tracker/logs.py)."""

from tracker import create_app, logs

logs.configure()
app = create_app()

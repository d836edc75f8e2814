"""gunicorn settings for `gunicorn -c gunicorn.conf.py fidelity.wsgi:app`; each can be overridden on the command line
or by GUNICORN_CMD_ARGS."""

import os

bind = os.environ.get("FIDELITY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("FIDELITY_WORKERS", "4"))
# Threads let a worker answer other requests while one waits on the database or renders a PDF.
threads = int(os.environ.get("FIDELITY_THREADS", "2"))
timeout = 120  # an area's PDF report is made in the background; a single review's PDF takes a few seconds at most
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
# The app is loaded once in the master and forked: start-up (scales, templates) is paid once.
preload_app = True

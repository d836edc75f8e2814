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
# Gunicorn's default line holds the query string and the referring page, and a journey search's query is a person's
# code: the log names the method, the path without its query, the status, the size, the browser and the time taken.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'
errorlog = "-"
# The app is loaded once in the master and forked: start-up (scales, templates) is paid once.
preload_app = True

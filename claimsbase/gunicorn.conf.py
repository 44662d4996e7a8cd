"""gunicorn settings for claimsbase in production, read from the environment.

    gunicorn -c claimsbase/gunicorn.conf.py

Every value has a default that suits one machine behind a TLS-terminating
proxy; the README's "Running in production" lists the variables. A malformed
number stops the start-up with a message instead of being guessed at.
"""

import multiprocessing
import os


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None


wsgi_app = "claimsbase.wsgi:application"

# Loopback by default: the proxy in front talks to the app server, nobody else.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Django answers one request at a time per thread and spends much of it waiting
# on the database, so two processes per core keep the cores busy; threads add
# concurrency for slow clients at a small memory cost each.
workers = _env_int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count())
threads = _env_int("GUNICORN_THREADS", 1)

# A request still running after this many seconds is a stuck worker: it is
# killed and replaced. The slowest legitimate requests (exports of a large
# filtered list) stay well under it.
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)

# Replacing each worker after a few thousand requests bounds any slow growth of
# its memory; the jitter keeps the workers from restarting together.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 500)

# Only the proxy may say which scheme and client a request came with.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Errors to standard error; one access-log line per request only when asked
# ("-" for standard output, or a file).
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None

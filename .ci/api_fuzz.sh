#!/usr/bin/env bash
# Fuzz the API as it runs in production (gunicorn, DEBUG off) against its own
# OpenAPI schema with schemathesis: no server error, no response that breaks
# the schema, and no status an operation does not document. Two runs, each
# with every phase including the stateful one (chains of requests following
# the schema's links): as an editor (a token of the editor role, not a
# superuser) and anonymously. The demo data is loaded first, on the empty
# database named by API_FUZZ_DATABASE_URL (PostgreSQL; then API_FUZZ_WORKERS
# requests at a time) or on a scratch SQLite database (one at a time, as
# SQLite takes one writer at a time). Prints how many requests the server
# answered in all, by status, and fails below API_FUZZ_MIN_REQUESTS.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Production settings, on plain HTTP on loopback: no HTTPS redirect or secure-only
# cookies. Throttling and the login lockout would refuse the fuzzer's volume of
# requests and wrong passwords (429s that hide what is being tested): both limits
# are raised out of reach.
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1
SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
export API_THROTTLE_ANON=100000000/minute API_THROTTLE_USER=100000000/minute
export LOGIN_FAILURE_LIMIT=100000000
# Refusals (4xx) are what fuzzing asks for: the server log keeps only errors.
export LOG_LEVEL=ERROR
if [ -n "${API_FUZZ_DATABASE_URL:-}" ]; then
  export DATABASE_URL="$API_FUZZ_DATABASE_URL"
  workers="${API_FUZZ_WORKERS:-2}"
  export GUNICORN_WORKERS=2 GUNICORN_THREADS=4
else
  export DATABASE_URL="sqlite:///$work/fuzz.sqlite3"
  workers=1
  export GUNICORN_WORKERS=1 GUNICORN_THREADS=1
fi

.venv/bin/python manage.py migrate --noinput -v 0
# As `make serve` does: without DEBUG, pages name their static files by the manifest
# collectstatic writes (a page outside the API, such as the 404 page, links them).
STATIC_ROOT="$work/static" .venv/bin/python manage.py collectstatic --noinput -v 0
export STATIC_ROOT="$work/static"
.venv/bin/python manage.py load_demo --no-user -v 0 >/dev/null
token="$(.venv/bin/python manage.py shell -c '
from django.contrib.auth import get_user_model
from knox.models import AuthToken
from claimsbase.permissions import EDITOR, role_grant
user = get_user_model().objects.create_user("fuzz-editor", "fuzz@example.org", "fuzz-only")
role_grant(user=user, role=EDITOR)
print(AuthToken.objects.create(user)[1])' | tail -n 1 | tr -d '[:space:]')"

port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
GUNICORN_BIND="127.0.0.1:$port" GUNICORN_ACCESS_LOG="$work/access.log" GUNICORN_LOG_LEVEL=warning \
  .venv/bin/gunicorn -c claimsbase/gunicorn.conf.py --access-logformat '%(s)s %(m)s' \
  2>"$work/server.log" &
server=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/healthz" -o /dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$port/healthz" -o /dev/null || { cat "$work/server.log"; exit 1; }

# Every check schemathesis has, including that each status is one the operation
# documents (.ci/schemathesis.toml tunes them). Revoking tokens is left out, as
# it would sign the run out. A wrong password costs a full password hash, so a
# burst of them on two busy cores can take longer than schemathesis's 10 s default.
schemathesis_run() {
  .venv/bin/python .ci/schemathesis_cli.py --config-file .ci/schemathesis.toml \
    run "http://127.0.0.1:$port/api/schema/" \
    --checks "${API_FUZZ_CHECKS:-all}" \
    --exclude-operation-id v1_tokens_destroy \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "${API_FUZZ_EXAMPLES:-6}" \
    --seed "${API_FUZZ_SEED:-1}" \
    --workers "$workers" \
    --request-timeout 60 \
    --no-color \
    "$@"
}
# CPython 3.11's parser can fail when worker threads parse source at once ("AST
# constructor recursion depth mismatch", raised inside Hypothesis while it names a
# strategy): an error of the fuzzer, not of the API. .ci/schemathesis_cli.py
# serialises those parses; should one still fail that way, with no failed check,
# the run goes once more. Any failed check fails the step.
fuzz() {
  local out="$work/fuzz-$RANDOM.log"
  if schemathesis_run "$@" 2>&1 | tee "$out"; then return 0; fi
  if grep -q "AST constructor recursion depth mismatch" "$out" && ! grep -q "= FAILURES =" "$out"; then
    printf '\n-- the fuzzer itself failed (CPython parser error in a worker thread); once more\n'
    schemathesis_run "$@"
    return
  fi
  return 1
}
status=0
printf '\n-- as an editor\n'
fuzz --header "Authorization: Token $token" || status=1
printf '\n-- anonymously\n'
fuzz || status=1

# Counted by the server, so every phase's requests are in it (the schema fetches too):
# one line per request with its status and method only, as a fuzzed path may hold a
# line break; the server log names the path of any server error.
total="$(wc -l <"$work/access.log" | tr -d ' ')"
printf '\n-- the server answered %s requests; by status:\n' "$total"
cut -d ' ' -f 1 "$work/access.log" | sort | uniq -c
if grep -q '^5' "$work/access.log"; then
  echo "Server errors:"; grep '^5' "$work/access.log" | head -n 20; status=1
fi
# Django logs every refusal too; only what went wrong on the server is shown.
if grep -qE 'Traceback|Error|CRITICAL' "$work/server.log"; then
  echo "-- server log:"; grep -E -A 30 'Traceback|Error|CRITICAL' "$work/server.log" | head -n 100
fi
if [ "$total" -lt "${API_FUZZ_MIN_REQUESTS:-5000}" ]; then
  echo "Only $total requests, fewer than ${API_FUZZ_MIN_REQUESTS:-5000}: raise API_FUZZ_EXAMPLES."
  status=1
fi
exit "$status"

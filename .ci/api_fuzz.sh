#!/usr/bin/env bash
# Fuzz the running API against its own OpenAPI schema with schemathesis:
# no server error and no response that breaks the schema. Runs with the
# worked example loaded, on a free local port, on a scratch SQLite database
# or on the empty database named by API_FUZZ_DATABASE_URL (then with
# API_FUZZ_WORKERS requests at a time; SQLite takes one writer at a time).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=1 API_THROTTLE_ANON=100000/minute API_THROTTLE_USER=100000/minute
work="$(mktemp -d)"
export DATABASE_URL="${API_FUZZ_DATABASE_URL:-sqlite:///$work/fuzz.sqlite3}"
.venv/bin/python manage.py migrate --noinput -v 0
if [ -f fixtures/seed_article.json ]; then .venv/bin/python manage.py loaddata fixtures/seed_article.json -v 0; fi
token="$(.venv/bin/python manage.py shell -c '
from django.contrib.auth import get_user_model
from knox.models import AuthToken
user = get_user_model().objects.create_superuser("fuzz", "fuzz@example.org", "fuzz-only")
print(AuthToken.objects.create(user)[1])' | tail -n 1 | tr -d '[:space:]')"
port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
.venv/bin/python manage.py runserver "127.0.0.1:$port" --noreload >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 30); do curl -sf "http://127.0.0.1:$port/api/schema/" -o /dev/null && break; sleep 1; done
# Every check schemathesis has; revoking tokens is left out, as it would sign the run out.
.venv/bin/schemathesis --config-file .ci/schemathesis.toml run "http://127.0.0.1:$port/api/schema/" \
  --checks "${API_FUZZ_CHECKS:-all}" \
  --exclude-operation-id v1_tokens_destroy \
  --header "Authorization: Token $token" \
  --max-examples "${API_FUZZ_EXAMPLES:-15}" \
  --phases examples,coverage,fuzzing \
  --seed "${API_FUZZ_SEED:-1}" \
  --workers "${API_FUZZ_WORKERS:-1}" \
  --no-color

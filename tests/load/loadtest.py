"""Load test: readers and analysts at once against the production server, then integrity.

    .venv/bin/python tests/load/loadtest.py [--duration 120] [--claims 20000] [--reuse]
    make load                       # the same, LOAD_ARGS="--duration 60" to change it

PostgreSQL only (``LOAD_DATABASE_URL``, by default ``claimsbase_load`` on the
local server; dropped and recreated unless ``--reuse``): the demo data plus a
generated corpus (``generate_corpus --append``). The site is served as in
production: gunicorn with ``claimsbase/gunicorn.conf.py`` and its defaults,
DEBUG off, static files collected, on loopback over plain HTTP, with the API
throttles raised (every client comes from one address).

For ``--duration`` seconds:

* ``--readers`` anonymous clients (100) each loop over a read mix: the home
  page, the claim list page, a claim page, a search (page and API), the API
  claim list and a claim through the API;
* ``--analysts`` analysts (20), each with a token of the analyst role, assess
  claims drawn from a small shared set (so that they collide): GET the claim
  for its ETag, POST an assessment with ``If-Match``, and on 412 read again
  and retry.

It prints requests per second, p50/p95/p99 latencies and errors per kind of
request (an error is a failed connection, a 5xx or a status the kind never
answers), writes ``var/load/report.json``, and then checks integrity: every
claim's status equals its latest assessment, and every 201 the analysts got
is an assessment row. It exits non-zero on any error or violation.

Only the standard library drives the load (threads and ``http.client``); the
file's name keeps pytest from collecting it, as it takes minutes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Each reader picks its next request with these weights: mostly single claims
# and lists, as people read, with searches and the home page among them.
READ_MIX = {
    "home page": 1,
    "claim list page": 2,
    "claim page": 3,
    "search page": 1,
    "search API": 1,
    "API claim list": 2,
    "API claim": 3,
}
WARM_UP = [
    "/",
    "/claims/",
    "/claims/{claim}/",
    "/claims/?q=Kursk",
    "/api/v1/claims/",
    "/api/v1/claims/?q=Kursk",
    "/api/v1/claims/{claim}/",
]
SEARCH_WORDS = ["Kursk", "settlements", "ceasefire", "Gerasimov", "attacks", "territory"]
STATUSES = ["in_review", "verified", "partly_verified", "disputed", "false", "unverifiable"]
# Analysts work on this many claims between them, so they often assess the same one at once.
CONTESTED_CLAIMS = 200
RETRIES = 5


@dataclass
class Tally:
    """Every request of a run: latencies and statuses per kind, and the errors."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    errors: list[str] = field(default_factory=list)
    assessed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int, seconds: float, *, expected: tuple[int, ...]):
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            if status not in expected:
                self.errors.append(f"{kind}: {status}")


def server_environment(database_url: str, static_root: str) -> dict[str, str]:
    """Production settings: DEBUG off, a fresh secret key, loopback over plain HTTP."""
    return {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": static_root,
        # Every client comes from 127.0.0.1: the per-address limit would refuse the readers.
        "API_THROTTLE_ANON": "100000000/minute",
        "API_THROTTLE_USER": "100000000/minute",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


def request(
    port: int, method: str, path: str, *, headers: dict | None = None, body: dict | None = None
) -> tuple[int, dict, bytes, float]:
    """(status, headers, body, seconds) of one request on a new connection."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        sent = {"Accept": "application/json" if path.startswith("/api/") else "text/html"}
        sent.update(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body)
            sent["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data, time.perf_counter() - started
    finally:
        connection.close()


def reader(port: int, claim_ids: list[int], stop: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    kinds, weights = list(READ_MIX), list(READ_MIX.values())
    while time.monotonic() < stop:
        kind = rng.choices(kinds, weights)[0]
        claim = rng.choice(claim_ids)
        word = rng.choice(SEARCH_WORDS)
        path = {
            "home page": "/",
            "claim list page": rng.choice(["/claims/", "/claims/?status=disputed"]),
            "claim page": f"/claims/{claim}/",
            "search page": f"/claims/?q={word}",
            "search API": f"/api/v1/claims/?q={word}",
            "API claim list": rng.choice(["/api/v1/claims/", "/api/v1/claims/?status=verified"]),
            "API claim": f"/api/v1/claims/{claim}/",
        }[kind]
        try:
            status, _, _, seconds = request(port, "GET", path)
        except OSError as error:
            with tally.lock:
                tally.errors.append(f"{kind}: {error!r}")
            continue
        tally.record(kind, status, seconds, expected=(200,))


def analyst(port: int, token: str, claim_ids: list[int], stop: float, tally: Tally, seed: int):
    rng = random.Random(seed)
    auth = {"Authorization": f"Token {token}"}
    while time.monotonic() < stop:
        claim = rng.choice(claim_ids)
        body = {
            "status": rng.choice(STATUSES),
            "credibility": rng.randint(1, 6),
            "rationale": f"Load test judgement {rng.getrandbits(32):08x}.",
        }
        try:
            for _ in range(RETRIES):
                status, headers, _, seconds = request(
                    port, "GET", f"/api/v1/claims/{claim}/", headers=auth
                )
                tally.record("analyst: read claim", status, seconds, expected=(200,))
                if status != 200:
                    break
                status, _, _, seconds = request(
                    port,
                    "POST",
                    f"/api/v1/claims/{claim}/assessments/",
                    headers={**auth, "If-Match": headers.get("ETag", "*")},
                    body=body,
                )
                # 412: another analyst assessed the claim since it was read; read it again.
                tally.record("analyst: assess", status, seconds, expected=(201, 412))
                if status == 201:
                    with tally.lock:
                        tally.assessed += 1
                if status != 412:
                    break
        except OSError as error:
            with tally.lock:
                tally.errors.append(f"analyst: {error!r}")


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0–100) of ``samples``, in milliseconds."""
    ordered = sorted(samples)
    index = max(0, -(-len(ordered) * share // 100) - 1)
    return ordered[int(index)] * 1000 if ordered else 0.0


def summary(tally: Tally, seconds: float) -> dict:
    rows = {}
    every = [value for values in tally.latencies.values() for value in values]
    for kind, values in [*sorted(tally.latencies.items()), ("all", every)]:
        rows[kind] = {
            "requests": len(values),
            "per_second": round(len(values) / seconds, 1),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
        }
    return rows


class Server:
    """gunicorn with the production config on a free loopback port."""

    def __init__(self, environment: dict[str, str]) -> None:
        from claims.benchmark import free_port

        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "claimsbase/gunicorn.conf.py"],
            env={
                **os.environ,
                **environment,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_LOG_LEVEL": "warning",
            },
            cwd=ROOT,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit("gunicorn stopped while starting; see its output above.")
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz within 60 s.")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def prepare(database_url: str, *, claims: int, reuse: bool) -> None:
    """A fresh database with the demo data and a corpus (unless ``reuse``)."""
    from django.core.management import call_command

    from claims.benchmark import database_create

    if not reuse:
        name = database_url.rsplit("/", 1)[1].split("?")[0]
        database_create(database_url, name, drop=True)
    call_command("migrate", "--noinput", verbosity=0)
    from claims.models import Claim

    if not Claim.objects.exists():
        print("Loading the demo data and a corpus of", f"{claims:,}", "claims…", flush=True)
        call_command("load_demo", "--no-user", verbosity=0)
        call_command("generate_corpus", "--claims", str(claims), "--append", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)


def analyst_tokens(count: int) -> list[str]:
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    from claimsbase.permissions import ANALYST, role_grant

    tokens = []
    for number in range(count):
        user, _ = get_user_model().objects.get_or_create(username=f"load-analyst-{number}")
        role_grant(user=user, role=ANALYST)
        tokens.append(AuthToken.objects.create(user)[1])
    return tokens


def last_assessment_id() -> int:
    from django.db.models import Max

    from claims.models import Assessment

    return Assessment.objects.aggregate(last=Max("id"))["last"] or 0


def integrity(after_id: int) -> tuple[int, int]:
    """(claims whose status is not their latest assessment's, assessments the analysts
    recorded after ``after_id``)."""
    from django.db.models import F, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from claims.models import Assessment, Claim, VerificationStatus

    latest = (
        Assessment.objects.filter(claim=OuterRef("pk"))
        .order_by("-assessed_at", "-id")
        .values("status")[:1]
    )
    violations = (
        Claim.objects.annotate(
            latest=Coalesce(Subquery(latest), Value(VerificationStatus.UNVERIFIED))
        )
        .exclude(status=F("latest"))
        .count()
    )
    by_analysts = Assessment.objects.filter(
        id__gt=after_id, assessed_by__username__startswith="load-analyst-"
    ).count()
    return violations, by_analysts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=120, help="Seconds of load.")
    parser.add_argument("--readers", type=int, default=100, help="Concurrent reading clients.")
    parser.add_argument("--analysts", type=int, default=20, help="Concurrent assessing analysts.")
    parser.add_argument("--claims", type=int, default=20_000, help="Generated corpus size.")
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the load database if it holds data."
    )
    args = parser.parse_args()

    database_url = os.environ.get(
        "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/claimsbase_load"
    )
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("LOAD_DATABASE_URL must be a postgres:// URL.", file=sys.stderr)
        return 2
    static_root = tempfile.mkdtemp(prefix="claimsbase-load-static-")
    environment = server_environment(database_url, static_root)
    os.environ.update(environment)
    os.environ["DJANGO_SETTINGS_MODULE"] = "claimsbase.settings"
    import django

    django.setup()
    from django.db import connection

    from claims.models import Claim

    prepare(database_url, claims=args.claims, reuse=args.reuse)
    tokens = analyst_tokens(args.analysts)
    claim_ids = list(Claim.objects.order_by("?").values_list("id", flat=True)[:5000])
    contested = claim_ids[:CONTESTED_CLAIMS]
    total_claims = Claim.objects.count()
    after_id = last_assessment_id()
    connection.close()

    tally = Tally()
    with Server(environment) as server:
        # Unmeasured: every worker compiles its templates and warms its connection first.
        for _ in range(2 * (os.cpu_count() or 1)):
            for path in WARM_UP:
                request(server.port, "GET", path.format(claim=claim_ids[0]))
        print(
            f"Load: {args.readers} readers and {args.analysts} analysts for {args.duration:.0f} s "
            f"against gunicorn on 127.0.0.1:{server.port} ({total_claims:,} claims)…",
            flush=True,
        )
        stop = time.monotonic() + args.duration
        threads = [
            threading.Thread(target=reader, args=(server.port, claim_ids, stop, tally, n))
            for n in range(args.readers)
        ] + [
            threading.Thread(
                target=analyst, args=(server.port, token, contested, stop, tally, 1000 + n)
            )
            for n, token in enumerate(tokens)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

    rows = summary(tally, elapsed)
    violations, by_analysts = integrity(after_id)
    print(f"\n{'request':<22} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, row in rows.items():
        print(
            f"{kind:<22} {row['requests']:>7} {row['per_second']:>7} {row['p50_ms']:>8} "
            f"{row['p95_ms']:>8} {row['p99_ms']:>8}"
        )
    stale = tally.statuses["analyst: assess"].get(412, 0)
    print(f"\nerrors: {len(tally.errors)}", *sorted(set(tally.errors))[:20], sep="\n  ")
    print(f"assessments: {tally.assessed} made, {stale} refused as stale and retried")
    print(f"integrity: {violations} claims whose status is not their latest assessment")
    lost = tally.assessed - by_analysts
    print(f"integrity: {by_analysts} assessment rows by the analysts ({lost} lost)")

    report = Path(ROOT / "var" / "load" / "report.json")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        json.dumps(
            {
                "duration_s": round(elapsed, 1),
                "readers": args.readers,
                "analysts": args.analysts,
                "claims": total_claims,
                "requests": rows,
                "errors": len(tally.errors),
                "assessments": tally.assessed,
                "stale_refused": stale,
                "violations": violations,
                "lost_assessments": lost,
            },
            indent=2,
        )
    )
    print(f"\nReport: {report.relative_to(ROOT)}")
    return 1 if tally.errors or violations or lost else 0


if __name__ == "__main__":
    sys.exit(main())

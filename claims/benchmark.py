"""Measuring claimsbase at the working size, under gunicorn with DEBUG off.

``manage.py bench`` drives these pieces: a generated corpus in a database of
its own, the site served by gunicorn (2 workers, the same for every figure),
and a load made with the standard library only (threads and http.client).
Each figure stands beside its target; throughput is a ratio to a bare
``JsonResponse`` view served by the same workers in the same run, so the
figures compare across machines.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg import sql

from claims.corpus import Corpus, transliterations
from claims.models import Claim

WORKERS = 2
CLIENTS = 4


@dataclass
class Figure:
    """One measured figure, its target, and whether the target is met (None: no target)."""

    name: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None
    note: str = ""

    def shown(self) -> str:
        number = f"{self.value:,.1f}" if self.value < 1000 else f"{self.value:,.0f}"
        return f"{number} {self.unit}".strip()


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0–100) of ``samples``."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


# --- the database -----------------------------------------------------------------


def database_exists(url: str, name: str) -> bool:
    with psycopg.connect(_maintenance(url), autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def database_create(url: str, name: str, *, drop: bool) -> None:
    """Create the bench database, dropping an earlier one first when ``drop``."""
    with psycopg.connect(_maintenance(url), autocommit=True) as connection:
        quoted = sql.Identifier(name)
        if drop:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(quoted))
        if not drop and database_exists(url, name):
            return
        connection.execute(sql.SQL("CREATE DATABASE {}").format(quoted))


def _maintenance(url: str) -> str:
    """The same server's ``postgres`` database, from which others are created and dropped."""
    return re.sub(r"^(\w+://[^/]*/)[^?]*", r"\1postgres", url)


def holds_corpus(url: str, *, claims: int, seed: int) -> bool:
    """Whether the database holds exactly the corpus of ``claims`` claims for ``seed``."""
    rows, _ = next(Corpus(claims=claims, seed=seed).claim_batches(1))
    first_id, first_statement = rows[Claim][0][:2]
    try:
        with psycopg.connect(url) as connection:
            count = connection.execute("SELECT count(*) FROM claims_claim").fetchone()[0]
            found = connection.execute(
                "SELECT statement FROM claims_claim WHERE id = %s", [first_id]
            ).fetchone()
    except psycopg.Error:
        return False
    return count == claims and found is not None and found[0] == first_statement


# --- what to search for -------------------------------------------------------------


@dataclass
class Queries:
    """The four searches, picked from the generated vocabulary, the same for a corpus."""

    common: str
    rare: str
    misspelt: str
    phrase: str
    claimants: list[int]
    country: int
    claim_ids: list[int]


def pick_queries(url: str, *, claims: int, seed: int) -> Queries:
    """Common: the word in most statements; rare: an operation name a handful of claims
    carry; misspelt: a transliteration of a leading claimant's name stored nowhere as an
    alias; phrase: two adjacent words of the first statement."""
    with psycopg.connect(url) as connection:
        sample = [
            row[0]
            for row in connection.execute(
                "SELECT statement FROM claims_claim ORDER BY id LIMIT 2000"
            )
        ]
        words = Counter(
            word.lower()
            for statement in sample
            for word in set(re.findall(r"[A-Za-z]{5,}", statement))
        )
        common = words.most_common(1)[0][0]
        rare = ""
        for codename in Corpus(claims=claims, seed=seed).codenames:
            count = connection.execute(
                "SELECT count(*) FROM claims_claim WHERE statement ILIKE %s", [f"%{codename}%"]
            ).fetchone()[0]
            if 1 <= count <= 50:
                rare = codename
                break
        claimants = [
            row[0]
            for row in connection.execute(
                "SELECT claimant_id FROM claims_claim GROUP BY claimant_id "
                "ORDER BY count(*) DESC, claimant_id LIMIT 20"
            )
        ]
        misspelt = ""
        for actor_id in claimants:
            name, kind = connection.execute(
                "SELECT name, kind FROM claims_actor WHERE id = %s", [actor_id]
            ).fetchone()
            if kind != "person":
                continue
            aliases = {
                row[0]
                for row in connection.execute(
                    "SELECT name FROM claims_actoralias WHERE actor_id = %s", [actor_id]
                )
            }
            unstored = [variant for variant in transliterations(name) if variant not in aliases]
            if unstored:
                misspelt = unstored[0].split()[-1]
                break
        pairs = re.findall(r"(?=\b([a-z]{4,}) ([a-z]{4,})\b)", sample[0])
        phrase = " ".join(pairs[len(pairs) // 2]) if pairs else sample[0].split()[0]
        country = connection.execute(
            "SELECT id FROM claims_place WHERE parent_id IS NULL ORDER BY id LIMIT 1"
        ).fetchone()[0]
        low, high = connection.execute("SELECT min(id), max(id) FROM claims_claim").fetchone()
    rng = random.Random(seed)
    return Queries(
        common=common,
        rare=rare,
        misspelt=misspelt,
        phrase=phrase,
        claimants=claimants[:10],
        country=country,
        claim_ids=[rng.randint(low, high) for _ in range(40)],
    )


# --- serving -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str) -> dict[str, str]:
    """Production settings for one run: DEBUG off, a fresh secret key, loopback only."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_BARE_VIEW": "1",
        # Plain HTTP on loopback; and the load must not be throttled.
        "SECURE_SSL_REDIRECT": "0",
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


class Server:
    """gunicorn serving the site on a free loopback port, with its workers' pids."""

    def __init__(self, environment: dict[str, str], base_dir: Path) -> None:
        self.port = free_port()
        # Without DEBUG, pages link static files by their hashed names from collectstatic.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            env=environment,
            cwd=base_dir,
            check=True,
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "claimsbase.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            env=environment,
            cwd=base_dir,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/bench/bare/")[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting; see its output above.")
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s.")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def get(self, path: str) -> tuple[int, bytes, float]:
        """(status, body, seconds) of one GET, on a new connection as a browser's first."""
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            # A script asks the API for JSON, a browser asks a page for HTML; an API
            # request that preferred HTML would be answered with DRF's browsable page.
            accept = "application/json" if path.startswith("/api/") else "text/html"
            connection.request("GET", path, headers={"Accept": accept})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        return response.status, body, time.perf_counter() - started

    def worker_pids(self) -> list[int]:
        workers = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                workers.append(int(entry.name))
        return sorted(workers)

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes


@dataclass
class Timing:
    samples: list[float]
    failures: int

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50) * 1000

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95) * 1000


def timed(server: Server, paths: list[str], *, budget: float = 20.0, least: int = 5) -> Timing:
    """Time GETs of ``paths`` in turn, after one unmeasured warm-up of the first.

    Stops after every path was asked once or ``budget`` seconds, but not
    before ``least`` samples, so a slow search cannot hold the run for minutes.
    """
    server.get(paths[0])
    samples, failures, started = [], 0, time.monotonic()
    for index, path in enumerate(paths):
        if index >= least and time.monotonic() - started > budget:
            break
        status, _, seconds = server.get(path)
        samples.append(seconds)
        failures += status != 200
    return Timing(samples, failures)


def throughput(server: Server, path: str, *, duration: float) -> tuple[float, int]:
    """Requests per second with CLIENTS concurrent clients for ``duration``; and failures."""
    done, failures, lock = [0], [0], threading.Lock()
    stop = time.monotonic() + duration

    def client() -> None:
        while time.monotonic() < stop:
            status, _, _ = server.get(path)
            with lock:
                done[0] += 1
                failures[0] += status != 200

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.monotonic() - started), failures[0]


# --- importing -------------------------------------------------------------------


def measure_import(count: int, seed: int) -> dict:
    """Claims per second written through the bulk import service, rolled back afterwards.

    Runs inside Django, pointed at the bench database. Each row is what a
    script sends to ``POST /api/v1/claims/import/``: a claimant, one quantity,
    and one appearance anchored on a sentence of an existing source with a
    two-step attribution chain, in batches of ``claims.bulk.MAX_BATCH_SIZE``.
    """
    from django.db import transaction

    from claims import bulk
    from claims.models import Actor
    from sources.models import Excerpt

    rng = random.Random(seed)
    actors = list(Actor.objects.order_by("id").values_list("pk", flat=True)[:50])
    excerpts = list(Excerpt.objects.order_by("id").values("source", "exact", "start")[:count])
    rows = [
        {
            "statement": f"Imported: {excerpt['exact'][:150]}",
            "claimant": rng.choice(actors),
            "external_id": f"bench-{number}",
            "quantities": [
                {"value": rng.randint(1, 500), "unit": "km²", "counted": "territory regained"}
            ],
            "appearances": [
                {
                    "source": excerpt["source"],
                    "exact": excerpt["exact"],
                    "start": excerpt["start"],
                    "chain": [
                        {"actor": rng.choice(actors), "fidelity": "original"},
                        {"label": "briefing", "fidelity": "paraphrase"},
                    ],
                }
            ],
        }
        for number, excerpt in enumerate(excerpts)
    ]
    with transaction.atomic():
        started = time.perf_counter()
        for start in range(0, len(rows), bulk.MAX_BATCH_SIZE):
            batch = rows[start : start + bulk.MAX_BATCH_SIZE]
            bulk.claims_import(rows=batch, by=None, source_system="bench")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "claims": len(rows),
        "seconds": seconds,
        "per_second": len(rows) / seconds,
        "service": "claims.bulk.claims_import",
    }


# --- the run ---------------------------------------------------------------------


def search_paths(query: str, *, api: bool) -> list[str]:
    prefix = "/api/v1/claims/?" if api else "/claims/?"
    return [prefix + urlencode({"q": query})] * 15


def filtered_paths(queries: Queries, *, api: bool) -> list[str]:
    prefix = "/api/v1/claims/?" if api else "/claims/?"
    statuses = ["disputed", "verified", "unverified", "false"]
    return [
        prefix
        + urlencode(
            {
                "status": statuses[index % len(statuses)],
                "claimant": claimant,
                "place": queries.country,
                "as_of": "2024-06-30",
            }
        )
        for index, claimant in enumerate(queries.claimants * 2)
    ]


def run(server: Server, queries: Queries, *, duration: float) -> tuple[list[Figure], dict]:
    """Every figure measured against one server, each beside its target."""
    figures: list[Figure] = []
    details: dict = {}

    def latency(name: str, timing: Timing, which: str, limit: float) -> None:
        value = timing.p95 if which == "p95" else timing.p50
        note = f"{timing.failures} answers were not 200" if timing.failures else ""
        figures.append(
            Figure(f"{name} {which}", value, "ms", f"≤ {limit:g} ms", value <= limit, note)
        )
        details[f"{name}"] = {"p50_ms": timing.p50, "p95_ms": timing.p95, "n": len(timing.samples)}

    searches = {
        "common word": queries.common,
        "rare word": queries.rare,
        "misspelt name": queries.misspelt,
        "quoted phrase": f'"{queries.phrase}"',
    }
    for label, query in searches.items():
        for api in (True, False):
            timing = timed(server, search_paths(query, api=api))
            latency(f"search {label} ({'API' if api else 'page'})", timing, "p95", 50)
    claim_pages = [f"/claims/{claim_id}/" for claim_id in queries.claim_ids]
    timing = timed(server, claim_pages)
    latency("claim page", timing, "p50", 30)
    figures.append(Figure("claim page p95", timing.p95, "ms"))
    for api in (True, False):
        timing = timed(server, filtered_paths(queries, api=api))
        latency(f"filtered list ({'API' if api else 'page'})", timing, "p95", 100)

    bare, bare_failures = throughput(server, "/bench/bare/", duration=duration)
    listed, list_failures = throughput(server, "/api/v1/claims/", duration=duration)
    ratio = listed / bare * 100
    figures.append(
        Figure(
            "API claim list throughput",
            ratio,
            "% of bare",
            "≥ 50 %",
            ratio >= 50,
            f"{listed:.1f} req/s vs bare view {bare:.1f} req/s, {CLIENTS} clients"
            + (
                f"; {bare_failures + list_failures} failures"
                if bare_failures + list_failures
                else ""
            ),
        )
    )
    details["throughput"] = {"api_list_rps": listed, "bare_rps": bare, "clients": CLIENTS}

    status, body, _ = server.get("/claims/")
    size = len(body) / 1024
    figures.append(
        Figure("claim list page size", size, "KB", "< 200 KB", size < 200, f"HTTP {status}")
    )
    # Every page kind was served by now: the workers' memory after all of them.
    server.get("/api/v1/claims/" + str(queries.claim_ids[0]) + "/")
    rss = server.worker_rss_mb()
    details["worker_rss_mb"] = rss
    largest = max(rss) if rss else 0.0
    figures.append(
        Figure(
            "gunicorn worker RSS", largest, "MB", "< 300 MB", largest < 300, f"{len(rss)} workers"
        )
    )
    return figures, details


def write_report(
    directory: Path, *, config: dict, queries: Queries, figures: list[Figure], details: dict
) -> str:
    """Write report.md and report.json into ``directory``; returns the table as text."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.json").write_text(
        json.dumps(
            {
                "config": config,
                "queries": asdict(queries) | {"claim_ids": queries.claim_ids[:5]},
                "figures": [asdict(figure) for figure in figures],
                "details": details,
            },
            indent=2,
            default=str,
        )
    )
    marks = {True: "yes", False: "NO", None: ""}
    lines = [
        "| figure | value | target | met | note |",
        "| --- | --- | --- | --- | --- |",
        *(f"| {f.name} | {f.shown()} | {f.target} | {marks[f.met]} | {f.note} |" for f in figures),
    ]
    table = "\n".join(lines)
    setting = ", ".join(f"{key}={value}" for key, value in config.items())
    searched = (
        f"common `{queries.common}`, rare `{queries.rare}`, misspelt `{queries.misspelt}`, "
        f'phrase `"{queries.phrase}"`'
    )
    (directory / "report.md").write_text(
        f"# claimsbase benchmark\n\n{setting}\n\nSearches: {searched}\n\n{table}\n"
    )
    return table

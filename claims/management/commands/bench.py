"""``manage.py bench --claims N [--seed S] [--reuse] [--duration S]``: the working-size figures.

PostgreSQL only. Generates the corpus into a database of its own
(``BENCH_DATABASE_URL``, by default ``claimsbase_bench`` on the server of
``DATABASE_URL``), serves the site with gunicorn (DEBUG off, a fresh secret
key, 2 workers, loopback only) and measures, in one run: search, the claim
page, a filtered list, API throughput as a ratio to a bare view, import
speed, the list page's size and the workers' memory. Writes
``var/bench/report.md`` and ``var/bench/report.json`` and prints each figure
beside its target.

Without ``--reuse`` the bench database is dropped and the corpus generated
afresh (and timed); with it, a database already holding the corpus of that
size and seed is kept, and the generation time of the run that made it is
reported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims import benchmark

BENCH_DATABASE = "claimsbase_bench"


def bench_database_url() -> str:
    """``BENCH_DATABASE_URL``, or ``claimsbase_bench`` on the server of ``DATABASE_URL``."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        default = settings.DATABASES["default"]
        if default["ENGINE"] != "django.db.backends.postgresql":
            return ""
        user = default.get("USER") or "postgres"
        password = f":{default['PASSWORD']}" if default.get("PASSWORD") else ""
        host = default.get("HOST") or "127.0.0.1"
        port = f":{default['PORT']}" if default.get("PORT") else ""
        url = f"postgres://{user}{password}@{host}{port}/{BENCH_DATABASE}"
    if dj_database_url.parse(url)["ENGINE"] != "django.db.backends.postgresql":
        return ""
    return url


class Command(BaseCommand):
    help = (
        "Generate a corpus of N claims into the bench database, serve it with gunicorn and "
        "measure search, pages, throughput, import speed and memory against their targets."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--claims", type=int, default=20_000, help="Corpus size.")
        parser.add_argument("--seed", type=int, default=1, help="Corpus seed.")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep the bench database if it already holds this corpus.",
        )
        parser.add_argument(
            "--duration", type=float, default=10.0, help="Seconds of each throughput test."
        )
        parser.add_argument(
            "--import-claims", type=int, default=5000, help="Claims written to time the import."
        )

    def handle(self, *args, claims, seed, reuse, duration, import_claims, **options) -> None:
        url = bench_database_url()
        if not url:
            raise CommandError(
                "bench measures PostgreSQL only: set DATABASE_URL or BENCH_DATABASE_URL "
                "to a postgres:// URL."
            )
        if claims < 100 or duration <= 0 or import_claims < 1:
            raise CommandError("Give --claims ≥ 100, --duration > 0 and --import-claims ≥ 1.")
        base_dir = Path(settings.BASE_DIR)
        report_dir = base_dir / "var" / "bench"
        record = report_dir / "corpus.json"
        environment = benchmark.server_environment(url)
        name = dj_database_url.parse(url)["NAME"]

        reused = (
            reuse
            and benchmark.database_exists(url, name)
            and benchmark.holds_corpus(url, claims=claims, seed=seed)
        )
        if reused:
            self.stdout.write(f"Reusing the corpus of {claims} claims (seed {seed}) in {name}.")
            generation = json.loads(record.read_text()) if record.exists() else {}
            seconds = generation.get("seconds") if generation.get("claims") == claims else None
        else:
            self.stdout.write(f"Generating {claims} claims (seed {seed}) into {name}…")
            benchmark.database_create(url, name, drop=True)
            self._manage(["migrate", "--noinput", "-v0"], environment, base_dir)
            started = time.monotonic()
            self._manage(
                ["generate_corpus", "--claims", str(claims), "--seed", str(seed)],
                environment,
                base_dir,
            )
            seconds = time.monotonic() - started
            report_dir.mkdir(parents=True, exist_ok=True)
            record.write_text(json.dumps({"claims": claims, "seed": seed, "seconds": seconds}))

        queries = benchmark.pick_queries(url, claims=claims, seed=seed)
        self.stdout.write("Serving with gunicorn and measuring…")
        with benchmark.Server(environment, base_dir) as server:
            figures, details = benchmark.run(server, queries, duration=duration)
        imported = self._import(import_claims, seed, environment, base_dir)
        figures.insert(
            -2,
            benchmark.Figure(
                "import",
                imported["per_second"],
                "claims/s",
                "≥ 5,000 claims/s",
                imported["per_second"] >= 5000,
                f"{imported['service']}, {imported['claims']} claims",
            ),
        )
        if seconds is not None:
            per_million = seconds * 1_000_000 / claims
            figures.append(
                benchmark.Figure(
                    "corpus generation",
                    seconds,
                    "s",
                    "1M claims < 30 min",
                    per_million < 1800,
                    f"{claims} claims; {per_million / 60:.1f} min per million (linear)",
                )
            )
        config = {
            "claims": claims,
            "seed": seed,
            "database": name,
            "workers": benchmark.WORKERS,
            "clients": benchmark.CLIENTS,
            "DEBUG": 0,
            "CONN_MAX_AGE": environment["CONN_MAX_AGE"],
        }
        table = benchmark.write_report(
            report_dir, config=config, queries=queries, figures=figures, details=details
        )
        self.stdout.write(table)
        self.stdout.write(f"Written to {report_dir / 'report.md'} and report.json.")

    def _manage(self, arguments: list[str], environment: dict, base_dir: Path) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            env=environment,
            cwd=base_dir,
            stdout=subprocess.PIPE,
            text=True,
        )
        if done.returncode:
            raise CommandError(f"manage.py {arguments[0]} failed (exit {done.returncode}).")
        return done.stdout

    def _import(self, count: int, seed: int, environment: dict, base_dir: Path) -> dict:
        """Time the import in a child process, which Django points at the bench database."""
        code = (
            "import json; from claims.benchmark import measure_import; "
            f"print(json.dumps(measure_import({count}, {seed})))"
        )
        output = self._manage(["shell", "-c", code], environment, base_dir)
        return json.loads(output.strip().splitlines()[-1])

"""schemathesis's command line, with Python's parser used by one thread at a time.

With several workers, Hypothesis (under schemathesis) parses the source of the
lambdas it names from worker threads at once, and CPython 3.11's parser keeps
its recursion depth per interpreter, not per thread: two parses at once can
fail with "AST constructor recursion depth mismatch", an error of the fuzzer
that says nothing about the API. A lock around ``ast.parse`` serialises those
parses; the requests themselves still run in parallel.
"""

import ast
import sys
import threading

_parse, _lock = ast.parse, threading.Lock()


def _parse_one_at_a_time(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


ast.parse = _parse_one_at_a_time

from schemathesis.cli import schemathesis  # noqa: E402 (after the parser is guarded)

if __name__ == "__main__":
    sys.exit(schemathesis())

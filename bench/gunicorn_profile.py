"""gunicorn settings that profile, inside each worker, the requests whose path matches
`BENCH_PROFILE_PATH` (a regular expression), and write one cProfile file per worker to
`BENCH_PROFILE_DIR` when it exits: where a scenario's CPU goes in the server itself, with its
concurrency, its pool and its cache, which `bench/profile_view.py` (in-process) cannot show.

    make bench REUSE=1 BENCH_ARGS="--only community_feed --profile '^/fr/community/$'"
    .venv/bin/python -c "import pstats; pstats.Stats(*__import__('glob').glob(
        'bench/.data/profiles/*.prof')).sort_stats('cumulative').print_stats(40)"

The profiler's own cost slows the profiled requests (about twice as slow): read the shares,
not the durations.
"""

import cProfile
import os
import re

_pattern = re.compile(os.environ.get("BENCH_PROFILE_PATH", "^$"))
_directory = os.environ.get("BENCH_PROFILE_DIR", "")
_profile = cProfile.Profile()


def pre_request(worker, req):
    if _pattern.search(req.path):
        req.profiled = True
        _profile.enable()


def post_request(worker, req, environ, resp):
    if getattr(req, "profiled", False):
        _profile.disable()


def worker_exit(server, worker):
    if _directory:
        _profile.dump_stats(os.path.join(_directory, f"worker-{worker.pid}.prof"))

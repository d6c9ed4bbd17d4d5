"""How fast `esent verify` checks a large database, against `cat FILE > /dev/null` of the same
file in the same run, with the page cache warm and dropped.

    python benchmarks/verify_speed.py [--size-gib 1] [--repeat 5] [--dir DIR] [--keep]

The database (default 1 GiB) is grown from the in-use pages of a real Windows-written sample
(shared/ese-samples/SRUDB.dat), each page re-stamped with the checksum of its new page number,
so every page is a real, in-use, verified page.  Three timings per round:

- `cat`: `cat FILE > /dev/null`, the raw sequential read;
- `esent verify`: the whole command, `python -m esent verify -q FILE`, interpreter start-up
  included (about 0.07 s with bytecode cached, the same whatever the file size);
- `verify_path`: the verification alone, in this process (`esent.offline.verify_path`).

"cold" rounds drop the page cache before each timing (`echo 3 > /proc/sys/vm/drop_caches`,
root only; skipped otherwise).  Medians are printed as MB/s (10^6 bytes per second) and as
ratios to `cat` (goal: within 1.5x), and so are the best runs, which on a shared machine are the
ones least disturbed by other work.  Timed assertions never go into the test suite; this
script only reports.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import esent
from esent.offline import verify_path
from esent.offline.synthesize import write_grown_database

REPO = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = REPO.parent / "shared" / "ese-samples" / "SRUDB.dat"
DROP_CACHES = pathlib.Path("/proc/sys/vm/drop_caches")
# The esent this script imported, for the `esent verify` subprocess too.
PACKAGE_ROOT = pathlib.Path(esent.__file__).resolve().parent.parent


def drop_caches() -> None:
    os.sync()
    DROP_CACHES.write_text("3\n")


def can_drop_caches() -> bool:
    return DROP_CACHES.exists() and os.access(DROP_CACHES, os.W_OK)


def timed_command(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def timed_verify(path: pathlib.Path) -> float:
    started = time.perf_counter()
    report = verify_path(path)
    elapsed = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"the benchmark database does not verify: {report.all_problems()[:3]}")
    return elapsed


def command_env() -> dict[str, str]:
    """The environment of the `esent verify` subprocess: this script's esent, and bytecode
    caching allowed (as after a pip install), so start-up does not include compiling the
    package from source, which PYTHONDONTWRITEBYTECODE=1 would force on every run."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")])))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(path: pathlib.Path, rounds: int, cold: bool) -> dict[str, list[float]]:
    env = command_env()
    runs: dict[str, callable] = {
        "cat": lambda: timed_command(["sh", "-c", f"cat '{path}' > /dev/null"]),
        "esent verify": lambda: timed_command(
            [sys.executable, "-m", "esent", "verify", "-q", str(path)], env),
        "verify_path": lambda: timed_verify(path),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    if not cold:
        runs["cat"]()  # bring the file into the page cache
        runs["esent verify"]()  # and the package's bytecode into __pycache__
    for _ in range(rounds):
        for name, run in runs.items():
            if cold:
                drop_caches()
            times[name].append(run())
    return times


def report(label: str, size: int, times: dict[str, list[float]]) -> None:
    """Median and best of each timing, as MB/s and as a ratio to cat's median and best.  On a
    shared machine the best run is the one least disturbed by other work."""
    base_median = statistics.median(times["cat"])
    base_best = min(times["cat"])
    print(f"{label}:")
    for name, values in times.items():
        median, best = statistics.median(values), min(values)
        print(f"  {name:<13} median {median:6.3f} s {size / median / 1e6:6.0f} MB/s "
              f"{median / base_median:5.2f}x | best {best:6.3f} s {size / best / 1e6:6.0f} MB/s "
              f"{best / base_best:5.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-gib", type=float, default=1.0, help="database size (default 1)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds per mode (default 5)")
    parser.add_argument("--dir", help="where to build the database (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not SAMPLE.exists():
        print(f"needs the sample database {SAMPLE} (shared/ese-samples)", file=sys.stderr)
        return 2
    folder = pathlib.Path(args.dir or tempfile.mkdtemp(prefix="esent-verify-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "grown.edb"
    try:
        started = time.perf_counter()
        size = write_grown_database(SAMPLE.read_bytes(), path, int(args.size_gib * (1 << 30)))
        print(f"built {path}: {size} bytes ({size / (1 << 30):.2f} GiB) of re-stamped in-use "
              f"pages from {SAMPLE.name} in {time.perf_counter() - started:.1f} s")
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"esent {esent.__version__}, Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs, load average {load}; median of {args.repeat} rounds")
        report("warm page cache", size, measure(path, args.repeat, cold=False))
        if can_drop_caches():
            report("cold (page cache dropped before each timing)", size,
                   measure(path, args.repeat, cold=True))
        else:
            print("cold: skipped (dropping the page cache needs root)")
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
            if not args.dir:
                shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

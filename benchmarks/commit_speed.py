"""Durable commits per second through the Python API, esent (libese) against Python's sqlite3
on the same rows in the same run, with 1 and 8 threads.

    python benchmarks/commit_speed.py [--seconds 3] [--repeat 5] [--threads 1,8]
                                      [--engines esent,full,normal] [--dir DIR]

Rows are small: a Long id (primary key) and a 100-byte Binary payload.  Every insert is its own
commit; each thread inserts as fast as it can for ``--seconds``, and the rate is the rows
inserted by all threads divided by the time from the common start to the last thread's end.

- `esent`: one esent.Instance on a fresh folder; each thread has its own session, its own
  open_database and its own open table handle on the one shared database, and calls
  ``table.insert``.  An update outside a transaction is one durable, logged commit (libese waits
  until the log is fsynced past its commit record; one fsync serves every session waiting:
  group commit, the database latch being released before the wait).
- `esent lazy` (``esent-lazy``): the same rows, each in its own transaction committed with
  JET_bitCommitLazyFlush (``session.transaction(lazy=True)``): the commit returns before the
  fsync; a crash may lose the last lazy commits, never part of one.  Compare with sqlite NORMAL.
- `esent, 1 db per thread` (``esent-dbs``): the same as `esent`, but each thread creates and
  fills a database of its own in the one instance (one log).
- `sqlite FULL`: sqlite3, WAL journal, ``synchronous=FULL`` (the WAL is fsynced at every
  commit: durable), one connection per thread, autocommit (one row per transaction).
- `sqlite NORMAL`: the same with ``synchronous=NORMAL`` (no fsync at commit, only at WAL
  checkpoints: survives a process crash, not a power loss -- not a durable commit).
- `fsync probe`: one thread writing 4 KiB at the next offset of a pre-filled file and fsyncing,
  as a log writer does; its rate bounds how many fsyncs per second the file system gives, so
  esent's rate divided by it is a lower bound on commits per fsync (libese counts its fsyncs
  but does not expose the count to Python).

Each round runs every configuration once, in a rotated order, each on fresh files in a
temporary folder (default under /tmp).  Medians over the rounds are printed, with the ratios
esent/sqlite (ratio of medians, and median of the per-round ratios).  Compare numbers within
one run only: the machine is shared.  Timed assertions never go into the test suite; this
script only reports.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from typing import Callable

import esent

PAYLOAD_SIZE = 100
ID_STRIDE = 100_000_000  # thread t inserts ids t*ID_STRIDE, t*ID_STRIDE+1, ... (fits a Long)
PROBE_FILE_SIZE = 16 << 20
PROBE_BLOCK = 4096


def run_threads(count: int, seconds: float,
                setup: Callable[[int], tuple[Callable[[int], None], Callable[[], None]]]) -> float:
    """Start `count` threads; each calls setup(thread) -> (insert, close), then, after a common
    start, insert(n) for n = 0, 1, ... until `seconds` have passed.  Returns rows per second."""
    start = [0.0]
    # the clock starts when the last thread (or this one) arrives, before anyone is released
    barrier = threading.Barrier(count + 1, action=lambda: start.__setitem__(0, time.perf_counter()))
    done = [0] * count
    ended = [0.0] * count
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        insert, close = setup(index)
        try:
            barrier.wait()
            deadline = start[0] + seconds
            n = 0
            base = index * ID_STRIDE
            while time.perf_counter() < deadline:
                insert(base + n)
                n += 1
            ended[index] = time.perf_counter()
            done[index] = n
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            barrier.abort()
        finally:
            close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(done) / (max(ended) - start[0])


ROW_COLUMNS = [esent.Column("id", esent.ColumnType.LONG, not_null=True),
               esent.Column("payload", esent.ColumnType.BINARY, max_size=PAYLOAD_SIZE)]
ROW_INDEXES = [esent.Index("pk", ["+id"], primary=True)]


def esent_rate(folder: pathlib.Path, threads: int, seconds: float, name: str,
               separate: bool = False, lazy: bool = False) -> float:
    """Each thread: its own session and table handle, on one shared database (or, with
    `separate`, on a database of its own, all in the one instance and so the one log)."""
    path = folder / "rows.edb"
    with esent.Instance(name, system_path=folder) as inst:
        with inst.session() as session:
            db = session.create_database(path)
            db.create_table("rows", ROW_COLUMNS, ROW_INDEXES)

            def setup(index: int):
                own = inst.session()
                if separate:
                    table = own.create_database(folder / f"rows-{index}.edb").create_table(
                        "rows", ROW_COLUMNS, ROW_INDEXES)
                else:
                    table = own.open_database(path).table("rows")
                payload = bytes([index + 1]) * PAYLOAD_SIZE
                if lazy:
                    def insert(i: int) -> None:
                        with own.transaction(lazy=True):
                            table.insert({"id": i, "payload": payload})
                    return insert, own.close
                return (lambda i: table.insert({"id": i, "payload": payload})), own.close

            rate = run_threads(threads, seconds, setup)
            db.close()
    return rate


def sqlite_rate(folder: pathlib.Path, threads: int, seconds: float, synchronous: str) -> float:
    path = folder / "rows.sqlite"
    with sqlite3.connect(path, isolation_level=None) as first:
        first.execute("PRAGMA journal_mode=WAL")
        first.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
    first.close()

    def setup(index: int):
        conn = sqlite3.connect(path, timeout=600, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA synchronous={synchronous}")
        payload = bytes([index + 1]) * PAYLOAD_SIZE
        sql = "INSERT INTO rows (id, payload) VALUES (?, ?)"
        return (lambda i: conn.execute(sql, (i, payload))), conn.close

    return run_threads(threads, seconds, setup)


def fsync_rate(folder: pathlib.Path, seconds: float) -> float:
    """One thread: write 4 KiB at the next offset of a pre-filled file, fsync; per second."""
    path = folder / "probe"
    block = b"\xa5" * PROBE_BLOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.write(fd, bytes(PROBE_FILE_SIZE))
        os.fsync(fd)
        count = 0
        started = time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            os.pwrite(fd, block, (count * PROBE_BLOCK) % PROBE_FILE_SIZE)
            os.fsync(fd)
            count += 1
        return count / (time.perf_counter() - started)
    finally:
        os.close(fd)


ENGINES = {
    "esent": "esent",
    "esent-lazy": "esent lazy",
    "esent-dbs": "esent, 1 db per thread",
    "full": "sqlite FULL",
    "normal": "sqlite NORMAL",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per configuration (3)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--threads", default="1,8", help="thread counts (default 1,8)")
    parser.add_argument("--engines", default="esent,full,normal,esent-lazy,esent-dbs",
                        help="any of esent,full,normal,esent-lazy,esent-dbs (default all)")
    parser.add_argument("--no-probe", action="store_true", help="skip the fsync probe")
    parser.add_argument("--dir", help="parent of the temporary folder (default /tmp)")
    args = parser.parse_args()
    thread_counts = [int(t) for t in args.threads.split(",")]
    engines = [e for e in args.engines.split(",") if e]
    for engine in engines:
        if engine not in ENGINES:
            parser.error(f"unknown engine {engine!r}")
    configs = [(engine, threads) for threads in thread_counts for engine in engines]
    if not args.no_probe:
        configs.append(("probe", 1))

    parent = pathlib.Path(args.dir or "/tmp")
    root = pathlib.Path(tempfile.mkdtemp(prefix="esent-commit-bench-", dir=parent))
    stat = os.statvfs(root)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"esent {esent.__version__} (libese: {bool(esent._esent.HAVE_LIBESE)}), "
          f"sqlite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {load}")
    print(f"files under {root} (block size {stat.f_bsize}); {args.repeat} rounds of "
          f"{args.seconds:g} s per configuration; rows: Long id + {PAYLOAD_SIZE}-byte Binary")

    rates: dict[tuple[str, int], list[float]] = {config: [] for config in configs}
    serial = 0
    try:
        for round_ in range(args.repeat):
            shift = round_ % len(configs)
            for engine, threads in configs[shift:] + configs[:shift]:
                serial += 1
                folder = root / f"{serial:03d}-{engine}-{threads}"
                folder.mkdir()
                if engine.startswith("esent"):
                    rate = esent_rate(folder, threads, args.seconds, f"commit-bench-{serial}",
                                      separate=engine == "esent-dbs", lazy=engine == "esent-lazy")
                elif engine == "probe":
                    rate = fsync_rate(folder, args.seconds)
                else:
                    rate = sqlite_rate(folder, threads, args.seconds, engine.upper())
                rates[(engine, threads)].append(rate)
                shutil.rmtree(folder, ignore_errors=True)
            print(f"round {round_ + 1}: " + ", ".join(
                f"{ENGINES.get(e, 'fsync')} x{t} {rates[(e, t)][-1]:.0f}/s" for e, t in configs),
                flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    def median(engine: str, threads: int) -> float:
        return statistics.median(rates[(engine, threads)])

    print()
    print("commits per second, median (min-max) of the rounds:")
    header = f"{'threads':>7} | " + " | ".join(f"{ENGINES[e]:>24}" for e in engines)
    print(header)
    print("-" * len(header))
    for threads in thread_counts:
        cells = []
        for engine in engines:
            values = rates[(engine, threads)]
            cells.append(f"{statistics.median(values):8.0f} "
                         f"({min(values):6.0f}-{max(values):6.0f})")
        print(f"{threads:>7} | " + " | ".join(f"{cell:>24}" for cell in cells))
    if "esent" in engines:
        others = [e for e in engines if e in ("full", "normal")]
        if others:
            print()
            print("esent / sqlite: ratio of the medians (median of the per-round ratios):")
            for threads in thread_counts:
                parts = []
                for engine in others:
                    for ours in [e for e in ("esent", "esent-lazy") if e in engines]:
                        paired = [a / b for a, b in zip(rates[(ours, threads)],
                                                        rates[(engine, threads)])]
                        ratio = median(ours, threads) / median(engine, threads)
                        parts.append(f"{ENGINES[ours]} / {ENGINES[engine]} {ratio:5.2f}x "
                                     f"({statistics.median(paired):5.2f}x)")
                print(f"  {threads} thread(s): " + ", ".join(parts))
        if len(thread_counts) > 1:
            low, high = min(thread_counts), max(thread_counts)
            print()
            print(f"scaling {high} vs {low} thread(s): " + ", ".join(
                f"{ENGINES[e]} {median(e, high) / median(e, low):.2f}x" for e in engines))
        if not args.no_probe:
            probe = median("probe", 1)
            print()
            print(f"fsync probe (4 KiB write + fsync, 1 thread): {probe:.0f}/s median "
                  f"({1e3 / probe:.3f} ms each)")
            for engine, threads in [(e, t) for e in engines if e.startswith("esent")
                                    for t in thread_counts]:
                print(f"  {ENGINES[engine]} x{threads}: {median(engine, threads) / probe:.2f} "
                      f"commits per probe fsync (a lower bound on commits per log fsync)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

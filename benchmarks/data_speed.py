"""The full data API's speed through the Python API, esent against Python's sqlite3 on the same
rows in the same run.

    python benchmarks/data_speed.py [--rows 1000000] [--seeks 100000] [--batch 1000]
                                    [--runs 3] [--range-rows 10000] [--dir DIR]

Rows are small: ``id`` (Long, primary key), ``a`` (Long, secondary index ``by_a``, a random
permutation of the ids), ``name`` (Text, about 10 characters).  Each run, on fresh files:

- insert: every row, in transactions of ``--batch`` rows (esent: ``table.insert_many``, each
  batch a durable commit; sqlite: ``executemany`` between BEGIN and COMMIT);
- seek: ``--seeks`` random point reads by primary key (esent: ``table.get``; sqlite:
  ``SELECT * WHERE id=?``);
- scan: every row in primary-key order, as tuples (esent: ``table.rows(as_tuple=True)``);
- range: ``--range-rows`` rows from the middle of the secondary index, in its order (esent:
  ``table.range(lo, hi, index="by_a", as_tuple=True)``; sqlite: ``WHERE a >= ? AND a < ?
  ORDER BY a``).

sqlite3 runs in WAL mode twice: ``synchronous=FULL`` (a durable commit, as esent's) and
``synchronous=NORMAL`` (no fsync at commit).  Every figure is the median over ``--runs``; the
ratio is esent's time over sqlite's (the goal is at most 2.0).  When the engine lacks secondary
indexes (libese before the full data API is merged), both engines run without ``by_a`` and the
range row says n/a.  Timed assertions never go into the test suite; this script only reports.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import esent  # noqa: E402
from esent import ColumnType as T  # noqa: E402
from esent import errors  # noqa: E402

STEPS = ("insert", "seek", "scan", "range")


def make_rows(n: int, seed: int) -> list[tuple[int, int, str]]:
    rng = random.Random(seed)
    a = list(range(n))
    rng.shuffle(a)
    return [(i, a[i], f"name-{i:08d}"[:14]) for i in range(n)]


def run_esent(folder: Path, rows: list, keys: list[int], batch: int, span: tuple[int, int],
              run: int, secondary: bool) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    columns = [esent.Column("id", T.LONG, not_null=True), esent.Column("a", T.LONG),
               esent.Column("name", T.TEXT)]
    indexes = [esent.Index("pk", ["+id"], primary=True)]
    if secondary:
        indexes.append(esent.Index("by_a", ["+a"]))
    with esent.Instance(f"data-speed-{os.getpid()}-{run}", system_path=folder / "esent") as inst:
        with inst.session() as session:
            db = session.create_database(folder / "esent" / "data.edb")
            table = db.create_table("t", columns, indexes)
            started = time.perf_counter()
            table.insert_many(rows, batch_size=batch)
            out["insert"] = time.perf_counter() - started

            get = table.get
            started = time.perf_counter()
            for k in keys:
                get(k)
            out["seek"] = time.perf_counter() - started

            started = time.perf_counter()
            count = sum(1 for _ in table.rows(as_tuple=True))
            out["scan"] = time.perf_counter() - started
            assert count == len(rows), count

            out["range"] = None
            if secondary:
                started = time.perf_counter()
                count = sum(1 for _ in table.range(span[0], span[1], index="by_a", as_tuple=True))
                out["range"] = time.perf_counter() - started
                assert count == span[1] - span[0], count
    return out


def run_sqlite(folder: Path, rows: list, keys: list[int], batch: int, span: tuple[int, int],
               synchronous: str, secondary: bool) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    con = sqlite3.connect(folder / f"sqlite-{synchronous}.db", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={synchronous}")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, name TEXT)")
    if secondary:
        con.execute("CREATE INDEX by_a ON t (a)")
    started = time.perf_counter()
    for i in range(0, len(rows), batch):
        con.execute("BEGIN")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", rows[i:i + batch])
        con.execute("COMMIT")
    out["insert"] = time.perf_counter() - started

    query = "SELECT id, a, name FROM t WHERE id = ?"
    execute = con.execute
    started = time.perf_counter()
    for k in keys:
        execute(query, (k,)).fetchone()
    out["seek"] = time.perf_counter() - started

    started = time.perf_counter()
    count = sum(1 for _ in con.execute("SELECT id, a, name FROM t ORDER BY id"))
    out["scan"] = time.perf_counter() - started
    assert count == len(rows)

    out["range"] = None
    if secondary:
        started = time.perf_counter()
        count = sum(1 for _ in con.execute(
            "SELECT id, a, name FROM t WHERE a >= ? AND a < ? ORDER BY a", span))
        out["range"] = time.perf_counter() - started
        assert count == span[1] - span[0]
    con.close()
    return out


def engine_has_secondary_indexes(folder: Path) -> bool:
    with esent.Instance(f"data-speed-probe-{os.getpid()}", system_path=folder / "probe") as inst:
        with inst.session() as session:
            db = session.create_database(folder / "probe" / "p.edb")
            try:
                db.create_table("p", [esent.Column("id", T.LONG), esent.Column("a", T.LONG)],
                                [esent.Index("pk", ["+id"], primary=True),
                                 esent.Index("by_a", ["+a"])])
            except errors.FeatureNotAvailableError:
                return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seeks", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--range-rows", type=int, default=10_000)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()

    print("$ python " + " ".join(shlex.quote(a) for a in sys.argv))
    base = Path(tempfile.mkdtemp(prefix="data-speed-", dir=args.dir))
    try:
        secondary = engine_has_secondary_indexes(base)
        if not secondary:
            print("note: this engine has no secondary indexes yet: both engines run without "
                  "by_a, and the range scan is n/a")
        rows = make_rows(args.rows, 1)
        rng = random.Random(2)
        keys = [rng.randrange(args.rows) for _ in range(args.seeks)]
        middle = args.rows // 2
        span = (middle, min(args.rows, middle + args.range_rows))
        results: dict[str, list[dict]] = {"esent": [], "sqlite FULL": [], "sqlite NORMAL": []}
        for run in range(args.runs):
            for name in results:
                folder = base / f"run{run}-{name.replace(' ', '-')}"
                folder.mkdir()
                if name == "esent":
                    r = run_esent(folder, rows, keys, args.batch, span, run, secondary)
                else:
                    r = run_sqlite(folder, rows, keys, args.batch, span, name.split()[1],
                                   secondary)
                results[name].append(r)
                shutil.rmtree(folder)
            print(f"run {run + 1}/{args.runs}: " + ", ".join(
                f"{name} insert {results[name][-1]['insert']:.2f}s" for name in results),
                flush=True)

        def median(name: str, step: str) -> float | None:
            values = [r[step] for r in results[name] if r[step] is not None]
            return statistics.median(values) if values else None

        print()
        print(f"{args.rows:,} rows, {args.seeks:,} seeks, batches of {args.batch:,}, "
              f"range of {span[1] - span[0]:,} rows; median of {args.runs} runs (seconds)")
        print()
        print("| step | esent | sqlite FULL | sqlite NORMAL | esent / FULL | esent / NORMAL |")
        print("|---|---:|---:|---:|---:|---:|")
        for step in STEPS:
            e, f, n = (median(name, step) for name in results)
            if e is None or f is None or n is None:
                print(f"| {step} | n/a | n/a | n/a | n/a | n/a |")
                continue
            print(f"| {step} | {e:.3f} | {f:.3f} | {n:.3f} | {e / f:.2f}x | {e / n:.2f}x |")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

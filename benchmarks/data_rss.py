"""Peak memory while loading and reading a database ten times larger than the cache.

    python benchmarks/data_rss.py [--cache-mib 32] [--factor 10] [--row-bytes 1000] [--dir DIR]

A fresh child process sets JET_paramCacheSizeMax (``esent.set_global_params``, in pages of the
process's database page size) to ``--cache-mib``, then, through the Python API, inserts rows of
``--row-bytes`` of payload until the database file is ``--factor`` times the cache (in
transactions of 1,000 rows, ``insert_many``), then reads every row back by a full scan and
10,000 random ``get``s.  It reports its peak RSS (VmHWM from /proc/self/status: ru_maxrss
would carry the parent's peak across exec on Linux) against the budget cache + 64 MiB, and the
Python interpreter's own RSS before esent was used.  Only reports; the test suite has the cache
budget's own tests.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def vm(field: str) -> int:
    """A /proc/self/status field in KiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(folder: Path, cache_mib: int, factor: int, row_bytes: int) -> None:
    sys.path.insert(0, str(ROOT))
    baseline = vm("VmRSS")
    import esent
    from esent import ColumnType as T

    page = int(esent.get_global_param("DatabasePageSize"))
    esent.set_global_params({"CacheSizeMax": cache_mib * 1024 * 1024 // page})
    target = factor * cache_mib * 1024 * 1024
    rows_total = target // row_bytes
    started = time.perf_counter()
    with esent.Instance(f"data-rss-{os.getpid()}", system_path=folder) as inst:
        with inst.session() as session:
            db = session.create_database(folder / "big.edb")
            table = db.create_table("t", [esent.Column("id", T.LONG, not_null=True),
                                          esent.Column("payload", T.LONG_BINARY)],
                                    [esent.Index("pk", ["+id"], primary=True)])
            payload = os.urandom(row_bytes)
            written = 0
            while written < rows_total or os.path.getsize(folder / "big.edb") < target:
                table.insert_many(({"id": i, "payload": payload}
                                   for i in range(written, written + 10_000)), batch_size=1000)
                written += 10_000
            loaded = time.perf_counter() - started
            count = sum(1 for _ in table.rows(as_tuple=True))
            rng = random.Random(1)
            for _ in range(10_000):
                table.get(rng.randrange(written))
            size = os.path.getsize(folder / "big.edb")
    peak = vm("VmHWM")
    print(f"cache {cache_mib} MiB, database {size / 2**20:,.0f} MiB ({written:,} rows of "
          f"{row_bytes} bytes, loaded in {loaded:.1f} s, scanned {count:,})")
    print(f"peak RSS (VmHWM) {peak / 1024:,.1f} MiB; budget cache + 64 MiB = "
          f"{cache_mib + 64} MiB; the interpreter alone {baseline / 1024:,.1f} MiB")
    print("within budget" if peak / 1024 <= cache_mib + 64 else "OVER BUDGET")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-mib", type=int, default=32)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--row-bytes", type=int, default=1000)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.cache_mib, args.factor, args.row_bytes)
        return
    print("$ python " + " ".join(shlex.quote(a) for a in sys.argv))
    with tempfile.TemporaryDirectory(prefix="data-rss-", dir=args.dir) as folder:
        subprocess.run([sys.executable, __file__, "--child", folder,
                        "--cache-mib", str(args.cache_mib), "--factor", str(args.factor),
                        "--row-bytes", str(args.row_bytes)], check=True)


if __name__ == "__main__":
    main()

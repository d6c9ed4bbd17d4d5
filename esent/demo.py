"""``esent demo``: the job esent exists for, end to end, on this machine's engine.

An instance with a sample database; writer threads committing transactions throughout; a full
backup and then an incremental one taken while they write, each into a backup-set directory;
a restore of both into a fresh directory; and a check of the restored rows against what the
writers recorded: every transaction that returned before the incremental backup began is
there, none is there in part, and nothing appears that nobody committed.  Each step prints what
it did, with sizes and throughput.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

import esent

ROWS_PER_TRANSACTION = 5


@dataclass
class _Writer:
    number: int
    committed: list[tuple[int, int]] = field(default_factory=list)  # (seq, returned at)
    error: BaseException | None = None


def _columns() -> list[esent.Column]:
    return [esent.Column("id", esent.ColumnType.LONG_LONG),
            esent.Column("writer", esent.ColumnType.LONG),
            esent.Column("seq", esent.ColumnType.LONG),
            esent.Column("payload", esent.ColumnType.LONG_BINARY)]


def _row(writer: int, seq: int, part: int, payload: bytes) -> dict[str, object]:
    return {"id": (writer << 40) | (seq << 8) | part, "writer": writer, "seq": seq,
            "payload": payload}


def _write(inst: esent.Instance, path: pathlib.Path, writer: _Writer,
           stop: threading.Event) -> None:
    payload = os.urandom(300)
    try:
        with inst.session() as session:
            table = session.open_database(path).table("events")
            seq = 0
            while not stop.is_set():
                with session.transaction():
                    for part in range(ROWS_PER_TRANSACTION):
                        table.insert(_row(writer.number, seq, part, payload))
                writer.committed.append((seq, time.monotonic_ns()))
                seq += 1
    except BaseException as failure:
        writer.error = failure


def _size(folder: pathlib.Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _mb(count: int) -> str:
    return f"{count / 1e6:,.1f} MB"


def run(args: argparse.Namespace) -> int:
    folder = pathlib.Path(args.dir or tempfile.mkdtemp(prefix="esent-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    live = folder / "live"
    db_path = live / "demo.edb"
    print(f"esent {esent.__version__} on {esent.ENGINE}; files in {folder}")

    writers = [_Writer(number) for number in range(args.writers)]
    stop = threading.Event()
    with esent.Instance("esent-demo", system_path=live) as inst, inst.session() as session:
        # This session keeps the database attached while the writers and backups run.
        db = session.create_database(db_path)
        table = db.create_table("events", _columns(),
                                [esent.Index("pk", ["+id"], primary=True)])
        started = time.perf_counter()
        payload = os.urandom(300)
        for seq in range(0, args.rows, 500):
            with session.transaction():
                for i in range(seq, min(seq + 500, args.rows)):
                    table.insert(_row(255, i, 0, payload))
        elapsed = time.perf_counter() - started
        print(f"  sample database: {args.rows:,} rows in {elapsed:.2f} s "
              f"({args.rows / elapsed:,.0f} rows/s), {_mb(db_path.stat().st_size)}")
        threads = [threading.Thread(target=_write, args=(inst, db_path, writer, stop))
                   for writer in writers]
        for thread in threads:
            thread.start()
        print(f"  {len(threads)} writer threads committing {ROWS_PER_TRANSACTION}-row "
              "transactions")
        try:
            time.sleep(args.pause)
            sets = []
            for kind, name in (("full", "full"), ("incremental", "incremental-1")):
                target = folder / "backups" / name
                began = time.monotonic_ns()
                started = time.perf_counter()
                inst.backup(target, incremental=kind == "incremental",
                            parent=sets[-1] if sets else None)
                elapsed = time.perf_counter() - started
                size = _size(target)
                print(f"  {kind} backup -> {target.relative_to(folder)}: {_mb(size)} in "
                      f"{elapsed:.2f} s ({size / elapsed / 1e6:,.0f} MB/s), while "
                      f"{sum(len(w.committed) for w in writers):,} transactions had committed")
                sets.append(target)
                if kind == "incremental":
                    incremental_began = began
                time.sleep(args.pause)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    for writer in writers:
        if writer.error is not None:
            raise writer.error
    total = sum(len(w.committed) for w in writers)
    print(f"  writers stopped after {total:,} transactions")

    started = time.perf_counter()
    restored = esent.restore(sets, folder / "restored")
    elapsed = time.perf_counter() - started
    print(f"  restored full + incremental into {(folder / 'restored').relative_to(folder)} in "
          f"{elapsed:.2f} s: {', '.join(r.path.name for r in restored)}")

    with esent.Instance("esent-demo-check", system_path=folder / "check") as inst:
        with inst.session() as session:
            rows = list(session.attach_database(restored[0].path).table("events"))
    parts: dict[tuple[int, int], int] = {}
    for row in rows:
        key = (row["writer"], row["seq"])
        parts[key] = parts.get(key, 0) + 1
    sample = sum(1 for (writer, _), _n in parts.items() if writer == 255)
    committed = {(w.number, seq): at for w in writers for seq, at in w.committed}
    must_have = {key for key, at in committed.items() if at < incremental_began}
    torn = [key for key, n in parts.items() if key[0] != 255 and n != ROWS_PER_TRANSACTION]
    unknown = [key for key in parts if key[0] != 255 and key not in committed]
    missing = must_have - set(parts)
    present = len(parts) - sample
    print(f"  restored database: {len(rows):,} rows; {sample:,} sample rows, {present:,} of "
          f"{total:,} writer transactions (those after the last backup's log listing are "
          "rightly absent)")
    print(f"  check: transactions committed before the incremental backup missing: "
          f"{len(missing)}, restored in part: {len(torn)}, never committed: {len(unknown)}")
    if missing or torn or unknown or sample != args.rows:
        print("esent demo: the restored database does not hold what was committed",
              file=sys.stderr)
        return 1
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser(
        "demo", help="back up a database under load, restore it and check it",
        description="Create an instance with a sample database, run writer threads, take a "
                    "full and an incremental backup while they write, restore both into a "
                    "fresh directory and check the restored rows.")
    demo.add_argument("--dir", help="folder for the demo's files (default: a new temporary one)")
    demo.add_argument("--rows", type=int, default=20000,
                      help="rows in the sample database (default 20000)")
    demo.add_argument("--writers", type=int, default=4, help="writer threads (default 4)")
    demo.add_argument("--pause", type=float, default=0.5, metavar="SECONDS",
                      help="writing time before and after each backup (default 0.5)")
    demo.set_defaults(run=run)

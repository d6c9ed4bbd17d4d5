"""Transactions survive a crash exactly as committed: a writer process commits random
transactions (durable, lazy, rolled back) and is killed with SIGKILL at a random moment; a new
instance runs recovery at JetInit, and then

- every transaction whose durable commit returned is there, all of its rows;
- every lazy commit followed by a flush (JET_bitWaitAllLevel0Commit) that returned is there;
- no rolled-back transaction is visible, and no transaction is there in part;
- nothing appears that the writer did not commit.

ESENT documentation: JetCommitTransaction (JET_bitCommitLazyFlush, JET_bitWaitAllLevel0Commit),
JetRollback, "Transaction Log Files".  Simulated power loss (which SIGKILL cannot produce) is
tested in libese by tests/c/test_crash.c and tests/c/test_trx.c.
"""

from __future__ import annotations

import os
import pathlib
import random
import subprocess
import sys
import time

import pytest

import esent

pytestmark = pytest.mark.contract

ROUNDS = int(os.environ.get("ESENT_CRASH_ROUNDS", "20"))
ROWS = 3

WRITER = r"""
import random, sys, esent
folder, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
with esent.Instance("trx-writer", system_path=folder) as inst:
    with inst.session() as s:
        db = s.create_database(folder + "/rows.edb")
        t = db.create_table("rows", [esent.Column("id", esent.ColumnType.LONG),
                                     esent.Column("trx", esent.ColumnType.LONG),
                                     esent.Column("payload", esent.ColumnType.LONG_BINARY)],
                            [esent.Index("pk", ["+id"], primary=True)])
        print("ready", flush=True)
        trx = 0
        while True:
            kind = rng.choice("DDLLR")
            s.begin_transaction()
            for part in range(3):
                t.insert({"id": trx * 3 + part, "trx": trx,
                          "payload": bytes([trx % 251]) * rng.randrange(0, 5000)})
            if kind == "R":
                s.rollback()
            else:
                s.commit(lazy=kind == "L")
            print(kind, trx, flush=True)
            if kind == "L" and rng.random() < 0.2:
                s.flush()
                print("F", trx, flush=True)
            trx += 1
"""


def one_round(folder: pathlib.Path, seed: int, delay: float) -> None:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(seed)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(delay)
    proc.kill()
    lines = [line.split() for line in proc.stdout.read().splitlines()]
    proc.wait()
    kinds: dict[int, str] = {}
    flushed_through = -1
    for fields in lines:
        if len(fields) != 2 or not fields[1].isdigit():
            continue  # the line being printed when the kill came
        kind, trx = fields[0], int(fields[1])
        if kind == "F":
            flushed_through = trx
        else:
            kinds[trx] = kind
    found: dict[int, int] = {}
    with esent.Instance("trx-reader", system_path=folder) as inst:
        with inst.session() as s:
            db = s.attach_database(folder / "rows.edb")
            for row in db.table("rows"):
                assert row["id"] // ROWS == row["trx"]
                found[row["trx"]] = found.get(row["trx"], 0) + 1
            db.close()
    last_reported = max(kinds, default=-1)
    for trx, count in found.items():
        assert count == ROWS, f"transaction {trx} recovered in part ({count} rows)"
        assert kinds.get(trx) != "R", f"rolled-back transaction {trx} is visible"
        # the one in flight when the kill came may be there (its commit was not reported)
        assert trx in kinds or trx == last_reported + 1, f"transaction {trx} never committed"
    for trx, kind in kinds.items():
        if kind == "D" or (kind == "L" and trx <= flushed_through):
            assert trx in found, f"{kind} transaction {trx} lost (flushed through " \
                                 f"{flushed_through})"


def test_transactions_survive_sigkill(tmp_path: pathlib.Path) -> None:
    rng = random.Random(0x7E5)
    for number in range(ROUNDS):
        folder = tmp_path / f"round{number}"
        folder.mkdir()
        one_round(folder, rng.randrange(1 << 30), rng.uniform(0.05, 0.4))

"""Fault walk: every allocation, read, write and fsync of a ~1,000-operation workload fails in
turn, and each failure must surface as a documented error, leave no committed work behind, and
let a new instance recover the folder.

The workload (``OPS``, fixed by a seed) goes through the Python API only: create an instance, a
database and a table (Long id, Text, LongBinary with values up to 20,000 bytes, i.e. larger than
a page, DateTime, Bit), then 705 inserts, 145 updates and 100 deletes, each its own implicit,
durable transaction (src/libese/DESIGN.md, "Durability"), with 48 seeks and 2 full scans checked
against a model along the way, then close the database and terminate the instance.

For every failure point N of a kind, in a fresh folder, the Nth operation of that kind fails
(``esent._testing.fail_nth``) and:

1. the first error is an ``esent.errors.EsentError`` with one of the codes documented for that
   kind (``ALLOWED``); after a failed log write or fsync (JET_errLogWriteFail -510 /
   JET_errLogDiskFull -529) the log is dead and every later update must fail with LogWriteFail
   or JET_errInstanceUnavailable (-1090), never succeed; a run may also complete with no error
   when the failed operation was optional work (counted; a measured lower bound of points must
   produce an error);
2. the instance is closed (errors on close are tolerated and recorded), a NEW instance starts on
   the folder (recovery at JetInit), the database attaches, and a full scan gives exactly the
   rows of every insert, update and delete that returned -- plus, at most, the one operation
   that was in flight when the error came (durable but not reported is allowed, as in
   docs/crash-recovery.md).

Sampling: a kind with at most ``EVERY_POINT_LIMIT`` operations in a clean run (read, fsync) is
walked at every N.  Allocations (about 46,000) and writes (about 1,800) are walked on a strided
sample: every N among the first 50 and the last 50 (setup and close/term, where the code paths
are the most varied), and every ``stride``-th N in between with the stride chosen so that
``STRIDED_POINTS`` points are walked in all.  The middle of the run repeats the same insert /
update / delete paths hundreds of times, so a stride loses little, while walking all 46,000
allocation points would take about an hour.  Measured: allocations 322 of 31,925 points
(stride 144), writes 323 of 1,877 (stride 8); the whole file takes 75-95 s on a 2-core VM, above
the one-minute aim, because read (804) and fsync (982) are walked at every point.
The folders live on /dev/shm when it exists: the injected failures sit in osal.c, above the
medium, so a RAM disk changes no outcome and makes each point about twice as fast (real-disk
durability is the crash tests' job).
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import itertools
import os
import pathlib
import random
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

import esent
from esent import errors

pytestmark = [
    pytest.mark.libese,
    pytest.mark.skipif(esent.ENGINE != "libese", reason="fault injection exists only in libese"),
]

if esent.ENGINE == "libese":
    from esent import _testing

OUT_OF_MEMORY = -1011
DISK_IO = -1022
READ_VERIFY_FAILURE = -1018
LOG_WRITE_FAIL = -510
LOG_DISK_FULL = -529
DISK_FULL = -1808
INSTANCE_UNAVAILABLE = -1090

ALLOWED = {
    "alloc": {OUT_OF_MEMORY},
    "read": {DISK_IO, READ_VERIFY_FAILURE},
    "write": {LOG_WRITE_FAIL, DISK_IO, LOG_DISK_FULL, DISK_FULL},
    "fsync": {LOG_WRITE_FAIL, DISK_IO, LOG_DISK_FULL, DISK_FULL},
}
LOG_DEAD = {LOG_WRITE_FAIL, LOG_DISK_FULL}
AFTER_LOG_DEATH = {LOG_WRITE_FAIL, INSTANCE_UNAVAILABLE}

EVERY_POINT_LIMIT = 1000
STRIDED_POINTS = 320
EDGE = 50

# -- the workload -----------------------------------------------------------------------------
COLUMNS = [
    esent.Column("id", esent.ColumnType.LONG, not_null=True),
    esent.Column("name", esent.ColumnType.TEXT, max_size=200),
    esent.Column("blob", esent.ColumnType.LONG_BINARY),
    esent.Column("when", esent.ColumnType.DATE_TIME),
    esent.Column("flag", esent.ColumnType.BIT),
]
INDEXES = [esent.Index("pk", ["+id"], primary=True)]
EPOCH = datetime.datetime(2001, 1, 1)
_names = itertools.count()


def _row(rng: random.Random, i: int) -> dict[str, Any]:
    size = rng.choice([10, 100, 1000, 5000, 12000, 20000]) if rng.random() < 0.6 else 0
    return {
        "id": i,
        "name": f"row-{i}-" + "x" * rng.randrange(0, 40),
        "blob": bytes([i % 251]) * size if size else None,
        "when": EPOCH + datetime.timedelta(seconds=rng.randrange(0, 10**8)),
        "flag": rng.random() < 0.5,
    }


def _script(seed: int = 0xFA17) -> list[tuple[Any, ...]]:
    rng = random.Random(seed)
    ops: list[tuple[Any, ...]] = []
    live: list[int] = []
    next_id = 0
    for step in range(950):
        r = rng.random()
        if r < 0.74 or len(live) < 10:
            row = _row(rng, next_id)
            next_id += 1
            live.append(row["id"])
            ops.append(("insert", row))
        elif r < 0.90:
            values: dict[str, Any] = {"name": f"upd-{step}", "flag": rng.random() < 0.5}
            if rng.random() < 0.5:
                values["blob"] = bytes([step % 251]) * rng.choice([3, 9000, 17000])
            ops.append(("update", rng.choice(live), values))
        else:
            ops.append(("delete", live.pop(rng.randrange(len(live)))))
        if step % 20 == 7:
            ops.append(("seek", rng.randrange(0, next_id + 5)))
        if step % 317 == 316:
            ops.append(("scan",))
    return ops


OPS = _script()


@dataclass
class Outcome:
    """What one run of the workload did."""

    model: dict[int, dict[str, Any]] = field(default_factory=dict)  # rows of returned updates
    inflight: tuple[Any, ...] | None = None  # the mutation that raised, if any
    error: int | None = None  # code of the first error
    where: str = ""  # which call raised it
    database_created: bool = False
    table_created: bool = False
    later: list[int] = field(default_factory=list)  # codes of the probe updates after the error
    close_errors: list[int] = field(default_factory=list)
    counts_at: dict[str, dict[str, int]] = field(default_factory=dict)  # per step, at its start


def _apply(model: dict[int, dict[str, Any]], op: tuple[Any, ...]) -> None:
    if op[0] == "insert":
        model[op[1]["id"]] = dict(op[1])
    elif op[0] == "update":
        model[op[1]].update(op[2])
    elif op[0] == "delete":
        del model[op[1]]


def _do(table: esent.Table, op: tuple[Any, ...], model: dict[int, dict[str, Any]]) -> None:
    if op[0] == "insert":
        table.insert(op[1])
    elif op[0] == "update":
        table.update(op[1], op[2])
    elif op[0] == "delete":
        table.delete(op[1])
    elif op[0] == "seek":
        assert table.get(op[1]) == model.get(op[1]), f"seek {op[1]} disagrees with the model"
    elif op[0] == "scan":
        assert {row["id"]: row for row in table} == model, "scan disagrees with the model"
    _apply(model, op)


def _probe(table: esent.Table, out: Outcome) -> None:
    """After the first error: two inserts and an update.  Their codes go to ``out.later``; one
    that succeeds goes to the model (and to ``later`` as 0)."""
    probes: list[tuple[Any, ...]] = [
        ("insert", _row(random.Random(1), 1_000_000)),
        ("insert", _row(random.Random(2), 1_000_001)),
    ]
    if out.model:
        probes.append(("update", min(out.model), {"name": "probed"}))
    for op in probes:
        try:
            _do(table, op, out.model)
        except errors.EsentError as exc:
            out.later.append(exc.code)
            # a probe that failed may still have been durable: it is in flight too
            out.inflight = out.inflight or op
            return
        out.later.append(0)


def run_workload(folder: pathlib.Path) -> Outcome:
    """The workload in ``folder``; stops at the first EsentError (then probes and closes)."""
    out = Outcome()
    inst = esent.Instance(f"walk-{os.getpid()}-{next(_names)}", system_path=folder)
    step = "JetInit"
    try:
        inst.init()
        step = "JetBeginSession"
        session = inst.session()
        step = "JetCreateDatabase2"
        db = session.create_database(folder / "walk.edb")
        out.database_created = True
        step = "JetCreateTableColumnIndex2"
        out.counts_at[step] = {kind: _testing.count(kind) for kind in _testing.KINDS}
        table = db.create_table("t", COLUMNS, INDEXES)
        out.table_created = True
        for i, op in enumerate(OPS):
            step = f"op {i} {op[0]}"
            try:
                _do(table, op, out.model)
            except errors.EsentError:
                if op[0] in ("insert", "update", "delete"):
                    out.inflight = op
                raise
        step = "close database"
        out.counts_at[step] = {kind: _testing.count(kind) for kind in _testing.KINDS}
        db.close()
        step = "close instance"
        inst.close()
        return out
    except errors.EsentError as exc:
        out.error, out.where = exc.code, step
        if out.table_created and step.startswith("op "):
            _probe(table, out)
    # close what is left; errors on the way are recorded, not raised
    try:
        inst.close()
    except errors.EsentError as exc:
        out.close_errors.append(exc.code)
    return out


def read_back(folder: pathlib.Path, out: Outcome) -> dict[int, dict[str, Any]] | None:
    """A new instance on ``folder`` (recovery), attach, full scan.  None: no table to read."""
    path = folder / "walk.edb"
    with esent.Instance(f"check-{os.getpid()}-{next(_names)}", system_path=folder) as inst:
        with inst.session() as session:
            if not out.database_created:
                if not path.exists():
                    return None
                try:
                    db = session.attach_database(path)
                except errors.EsentError:
                    return None  # the create never returned: a half-made file may be refused
            else:
                db = session.attach_database(path)
            try:
                table = db.table("t")
            except errors.ObjectNotFoundError:
                assert not out.table_created, "a created table is missing after recovery"
                return None
            rows = {row["id"]: row for row in table}
            db.close()
    return rows


# -- the walk ---------------------------------------------------------------------------------
@contextlib.contextmanager
def scratch() -> Iterator[pathlib.Path]:
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    folder = pathlib.Path(tempfile.mkdtemp(prefix="esent-walk-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def points(total: int) -> list[int]:
    if total <= EVERY_POINT_LIMIT:
        return list(range(1, total + 1))
    middle = range(EDGE + 1, total - EDGE + 1)
    stride = max(1, len(middle) // (STRIDED_POINTS - 2 * EDGE))
    chosen = set(range(1, EDGE + 1)) | set(range(total - EDGE + 1, total + 1)) | set(middle[::stride])
    return sorted(chosen)


@pytest.fixture(scope="module", autouse=True)
def deterministic_io() -> Iterator[None]:
    """Background checkpoint rounds run on a timer: without them every walked point is the
    same operation in every run (the checkpoint then moves only at JetInit and JetTerm)."""
    with _testing.no_background_checkpoints():
        yield


@pytest.fixture(scope="module")
def clean_run() -> Outcome:
    """A clean run (after a warm-up run: registries grow once per process); its
    ``counts_at["total"]`` holds the operations of each kind."""
    for _ in range(2):
        with scratch() as folder:
            _testing.reset()
            out = run_workload(folder)
            out.counts_at["total"] = {kind: _testing.count(kind) for kind in _testing.KINDS}
            assert out.error is None and out.close_errors == [], out
            assert read_back(folder, out) == out.model
    _testing.reset()
    return out


# Engine bugs this walk found (see the xfail tests below).  A point whose failure matches one of
# these exact signatures is counted, not failed, so the rest of the walk stays a regression test;
# each bug keeps one strict xfail that turns red once it is fixed.
BUG_EMPTY_CHECKPOINT = (
    "a JetInit that fails (ENOMEM / EIO / ENOSPC) on a new folder leaves a zero-length edb.chk, "
    "and every later JetInit on the folder fails with JET_errCheckpointCorrupt (-533)"
)
BUG_DIRTY_AFTER_FAILED_DETACH = (
    "a database write or fsync failing in JetDetachDatabase2 (closing the database) gives "
    "JET_errDiskIO, JetTerm2 then succeeds, and after recovery JetAttachDatabase2 fails with "
    "JET_errDatabaseDirtyShutdown (-550): every committed row is unreachable"
)
BUG_DIRTY_AFTER_LOG_FAIL_IN_CREATE_TABLE = (
    "the log write of JetCreateTableColumnIndex2's commit failing (JET_errLogWriteFail) leaves "
    "a database that JetAttachDatabase2 refuses after recovery with JET_errDatabaseDirtyShutdown "
    "(-550)"
)


def known_bug(out: Outcome, exc: errors.EsentError) -> str | None:
    if exc.code == -533 and out.where == "JetInit":
        return BUG_EMPTY_CHECKPOINT
    if exc.code == -550 and out.where == "close database":
        return BUG_DIRTY_AFTER_FAILED_DETACH
    if exc.code == -550 and out.where == "JetCreateTableColumnIndex2":
        return BUG_DIRTY_AFTER_LOG_FAIL_IN_CREATE_TABLE
    return None


def walk_point(kind: str, nth: int, disk_full: bool, *, tolerate_known: bool = True) -> Outcome:
    with scratch() as folder:
        with _testing.fail_nth(kind, nth, disk_full=disk_full):
            out = run_workload(folder)
        where = f"{kind}{'(ENOSPC)' if disk_full else ''} #{nth} at {out.where or 'no error'}"
        if out.error is not None:
            assert out.error in ALLOWED[kind], f"{where}: undocumented error {out.error}"
        if out.error in LOG_DEAD:
            assert all(code in AFTER_LOG_DEATH for code in out.later), \
                f"{where}: after the log died, later updates gave {out.later}"
        try:
            rows = read_back(folder, out)
        except errors.EsentError as exc:
            bug = known_bug(out, exc)
            if bug is None or not tolerate_known:
                raise AssertionError(f"{where}: recovery / attach / scan failed: {exc!r}") from exc
            out.where = "KNOWN BUG: " + bug
            return out
        if rows is None:
            assert not out.table_created, f"{where}: the table is gone after recovery"
        else:
            expected = [out.model]
            if out.inflight is not None:
                alt = {k: dict(v) for k, v in out.model.items()}
                with contextlib.suppress(KeyError):
                    _apply(alt, out.inflight)
                expected.append(alt)
            if rows not in expected:
                lost = sorted(set(out.model) - set(rows))[:10]
                extra = sorted(set(rows) - set(out.model))[:10]
                changed = sorted(k for k in set(rows) & set(out.model)
                                 if rows[k] != out.model[k])[:10]
                pytest.fail(f"{where}: after recovery lost {lost}, extra {extra}, "
                            f"changed {changed}")
    return out


CASES = [("alloc", False), ("read", False), ("write", False), ("fsync", False), ("write", True)]

# Measured (this workload): every walked point produced an error except 2 allocation points and
# 1 fsync point (work whose failure is absorbed).  Require at least 95% so that a failure that
# starts being swallowed on a hot path shows up.
MIN_ERROR_SHARE = 0.95


@pytest.mark.parametrize("kind,disk_full", CASES, ids=[k + ("-enospc" if d else "")
                                                       for k, d in CASES])
def test_fault_walk(kind: str, disk_full: bool, clean_run: Outcome) -> None:
    total = clean_run.counts_at["total"][kind]
    walked = points(total)
    codes: collections.Counter[int | None] = collections.Counter()
    bugs: collections.Counter[str] = collections.Counter()
    for nth in walked:
        out = walk_point(kind, nth, disk_full)
        codes[out.error] += 1
        if out.where.startswith("KNOWN BUG"):
            bugs[out.where] += 1
    print(f"\n{kind}{' ENOSPC' if disk_full else ''}: {len(walked)} of {total} points, "
          f"codes {dict(codes)}, known-bug points {dict(bugs)}")
    assert len(walked) == total or len(walked) >= 300
    assert sum(n for code, n in codes.items() if code is not None) >= MIN_ERROR_SHARE * len(walked)


def test_bug_failed_first_init_leaves_folder_usable(clean_run: Outcome) -> None:
    walk_point("read", 1, False, tolerate_known=False)


def test_bug_failed_detach_write_is_recovered(clean_run: Outcome) -> None:
    first_detach_write = clean_run.counts_at["close database"]["write"] + 1
    walk_point("write", first_detach_write, False, tolerate_known=False)


def test_bug_log_fail_in_create_table_is_recovered(clean_run: Outcome) -> None:
    first_create_table_write = clean_run.counts_at["JetCreateTableColumnIndex2"]["write"] + 1
    walk_point("write", first_create_table_write, False, tolerate_known=False)

"""Backup under load: 4 writer threads commit throughout a full backup and two incrementals; the
restored databases hold exactly what the log listing of the last backup promises.

The promise (ese-backup-facts.md §4.1, §4.3): the database copy is fuzzy and is made consistent
by replaying the logs the backup lists, and the first JetGetLogInfoInstance rolls the log, so
- every commit that returned before the last backup's log listing began is present,
- no commit that began after that listing returned is present,
- a commit that overlapped the listing is present entirely or not at all.
Each writer commits transactions of ROWS_PER_COMMIT rows and records when each began and
returned.  benchmarks/backup_soak.sh runs the same check for many rounds
(ESENT_BACKUP_ROUNDS).
"""

from __future__ import annotations

import os
import pathlib
import threading
import time
from dataclasses import dataclass, field

import pytest

import esent
from esent import manifest

pytestmark = pytest.mark.contract

ROUNDS = int(os.environ.get("ESENT_BACKUP_ROUNDS", "5"))
WRITERS = 4
ROWS_PER_COMMIT = 3


@dataclass
class Writer:
    number: int
    commits: list[tuple[int, int, int]] = field(default_factory=list)  # (seq, began, returned)
    error: BaseException | None = None


def _writer(inst: esent.Instance, db_path: pathlib.Path, writer: Writer,
            stop: threading.Event) -> None:
    try:
        with inst.session() as session:
            table = session.open_database(db_path).table("t")
            seq = 0
            while not stop.is_set():
                began = time.monotonic_ns()
                with session.transaction():
                    for part in range(ROWS_PER_COMMIT):
                        table.insert({"id": (writer.number << 40) | (seq << 8) | part,
                                      "writer": writer.number, "seq": seq})
                writer.commits.append((seq, began, time.monotonic_ns()))
                seq += 1
    except BaseException as failure:  # reported by the test
        writer.error = failure


def _backup(inst: esent.Instance, folder: pathlib.Path, parent: manifest.Manifest | None
            ) -> tuple[manifest.Manifest, int, int]:
    """One backup set; returns it and when its log listing began and returned."""
    writer = manifest.BackupSetWriter(folder, kind="incremental" if parent else "full",
                                      parent=parent, base_name="edb")
    with inst.external_backup(incremental=parent is not None, truncate=True) as bk:
        if parent is None:
            for name in bk.database_files():
                base = os.path.basename(name)
                copied = bk.copy(name, writer.database_path(base))
                writer.add_database(base, sha256=copied.sha256, original_path=name)
        time.sleep(0.05)  # let the writers commit while the database phase is over
        listing_began = time.monotonic_ns()
        logs = bk.log_files()
        listing_returned = time.monotonic_ns()
        for name in logs:
            base = os.path.basename(name)
            copied = bk.copy(name, writer.log_path(base))
            writer.add_log(base, sha256=copied.sha256)
        bk.truncate_logs()
    return writer.commit(), listing_began, listing_returned


def run_round(root: pathlib.Path, name: str) -> dict[str, int]:
    """One round: writers, full + 2 incrementals, restore, check.  Returns counts."""
    db_path = root / "live" / "data.edb"
    writers = [Writer(i) for i in range(WRITERS)]
    stop = threading.Event()
    with esent.Instance(name, system_path=root / "live") as inst, inst.session() as owner:
        # The owner session keeps the database attached while the writers and backups run.
        db = owner.create_database(db_path)
        db.create_table("t", [esent.Column("id", esent.ColumnType.LONG_LONG),
                              esent.Column("writer", esent.ColumnType.LONG),
                              esent.Column("seq", esent.ColumnType.LONG)],
                        [esent.Index("pk", ["+id"], primary=True)]).close()
        threads = [threading.Thread(target=_writer, args=(inst, db_path, w, stop))
                   for w in writers]
        for thread in threads:
            thread.start()
        try:
            time.sleep(0.1)
            sets, parent = [], None
            for number in range(3):
                parent, began, returned = _backup(inst, root / f"set{number}", parent)
                sets.append(root / f"set{number}")
                time.sleep(0.1)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    for w in writers:
        if w.error is not None:
            raise w.error
    restored = esent.restore(sets, root / "restored")
    assert [r.path.name for r in restored] == ["data.edb"]

    with esent.Instance(name + "-check", system_path=root / "check") as inst:
        with inst.session() as session:
            rows = list(session.attach_database(restored[0].path).table("t"))
    present: dict[tuple[int, int], int] = {}
    for row in rows:
        key = (row["writer"], row["seq"])
        present[key] = present.get(key, 0) + 1
    counts = {"before": 0, "after": 0, "between_present": 0, "between_absent": 0}
    for w in writers:
        for seq, commit_began, commit_returned in w.commits:
            parts = present.get((w.number, seq), 0)
            assert parts in (0, ROWS_PER_COMMIT), f"commit {w.number}/{seq} restored partly"
            if commit_returned < began:
                assert parts, f"commit {w.number}/{seq} returned before the listing but is lost"
                counts["before"] += 1
            elif commit_began > returned:
                assert not parts, f"commit {w.number}/{seq} began after the listing but is there"
                counts["after"] += 1
            else:
                counts["between_present" if parts else "between_absent"] += 1
    committed = {(w.number, seq) for w in writers for seq, _, _ in w.commits}
    assert set(present) <= committed, "a row nobody committed was restored"
    assert counts["before"] > 0 and counts["after"] > 0, counts
    return counts


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_backup_under_load(tmp_path: pathlib.Path, new_name, round_number: int) -> None:
    run_round(tmp_path, new_name(f"load{round_number}"))

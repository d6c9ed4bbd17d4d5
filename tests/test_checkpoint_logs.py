"""The checkpoint moves while the instance runs, and what follows from it for the log files:
circular logging deletes generations older than the checkpoint, never during a backup, and a
backup's truncation deletes real files.  (ESENT documentation: JET_paramCircularLog, "Transaction
Log Files"; ese-backup-facts.md §3.1 "circular-log deletion is paused", §3.7/§3.8 truncation.)

checkpoint_now is libese's test hook that runs one round of the background checkpointer at once,
so these tests need not wait for the timer; they are marked libese.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator

import pytest

import esent
from esent import _esent

pytestmark = [
    pytest.mark.libese,
    pytest.mark.skipif(not esent.HAVE_LIBESE, reason="checkpoint_now is a libese test hook"),
]


def generations(folder: pathlib.Path) -> list[int]:
    """Archived generations present (edbXXXXX.log), sorted."""
    return sorted(int(p.stem[3:], 16) for p in folder.glob("edb*.log")
                  if p.stem[3:] and all(c in "0123456789ABCDEF" for c in p.stem[3:]))


def fill(table: esent.Table, start: int, count: int) -> None:
    for i in range(start, start + count):
        table.insert({"id": i, "v": os.urandom(4000)})


@pytest.fixture(autouse=True)
def rounds_only_when_asked() -> Iterator[None]:
    """No timer-driven rounds: the tests decide when the checkpoint moves."""
    from esent import _testing

    with _testing.no_background_checkpoints():
        yield


@pytest.fixture
def circular(tmp_path: pathlib.Path, new_name) -> Iterator[tuple[esent.Instance, esent.Table,
                                                                 pathlib.Path]]:
    folder = tmp_path / "sys"
    params = {"CircularLog": True, "LogFileSize": 256}  # KiB: roll often
    with esent.Instance(new_name("ckpt"), system_path=folder, params=params) as inst:
        with inst.session() as session:
            db = session.create_database(tmp_path / "d.edb")
            table = db.create_table("t", [esent.Column("id", esent.ColumnType.LONG),
                                          esent.Column("v", esent.ColumnType.LONG_BINARY)],
                                    [esent.Index("pk", ["+id"], primary=True)])
            yield inst, table, folder


def test_circular_logging_deletes_old_generations(circular) -> None:
    inst, table, folder = circular
    fill(table, 0, 400)
    before = generations(folder)
    assert len(before) > 2, before            # the log rolled several times
    _esent.checkpoint_now(inst.handle)
    after = generations(folder)
    assert len(after) < len(before) and before[0] not in after, (before, after)


def test_deletion_pauses_during_a_backup(circular, tmp_path: pathlib.Path) -> None:
    inst, table, folder = circular
    with inst.external_backup() as bk:
        fill(table, 0, 400)
        _esent.checkpoint_now(inst.handle)
        during = generations(folder)
        assert len(during) > 2, during            # nothing deleted while the backup runs
        for name in bk.database_files():
            bk.copy(name, tmp_path / "copy.edb")
        for name in bk.log_files():
            bk.copy(name, tmp_path / os.path.basename(name))
    fill(table, 400, 20)
    _esent.checkpoint_now(inst.handle)
    assert during[0] not in generations(folder)   # and deletion resumes after End


def test_backup_truncation_deletes_files_below_the_checkpoint(tmp_path: pathlib.Path,
                                                              new_name) -> None:
    folder = tmp_path / "sys"
    with esent.Instance(new_name("trunc"), system_path=folder,
                        params={"LogFileSize": 256}) as inst:
        with inst.session() as session:
            db = session.create_database(tmp_path / "d.edb")
            table = db.create_table("t", [esent.Column("id", esent.ColumnType.LONG),
                                          esent.Column("v", esent.ColumnType.LONG_BINARY)],
                                    [esent.Index("pk", ["+id"], primary=True)])
            fill(table, 0, 400)
            _esent.checkpoint_now(inst.handle)
            before = generations(folder)
            manifest = inst.backup(tmp_path / "full")      # truncates by default
            after = generations(folder)
            deleted = set(before) - set(after)
            assert deleted, (before, after)
            # a full backup needs the logs from the checkpoint on (facts §4.3); only older
            # generations, which the set does not need, are deleted (§3.7)
            assert max(deleted) < manifest.generations[0], (sorted(deleted), manifest.generations)

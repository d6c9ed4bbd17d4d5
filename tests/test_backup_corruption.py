"""Damaged files during a backup: every page and log block is verified as it is read
(ese-backup-facts.md §3.4, §4.1, §4.2).

- Two flipped bits in a database page: that file's copy fails with ReadVerifyFailureError, the
  engine closes its handle, and the backup goes on (the logs can still be copied and the backup
  ended).
- One flipped bit: ESE's ECC corrects it as the page is read, so the copy succeeds and the
  copied page is whole (docs/contract/backup.md says what libese does to the live file).
- A damaged log block: the copy fails with LogReadVerifyFailureError and the engine cancels the
  whole backup.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator

import pytest

import esent
from esent import errors
from esent.offline import verify_file

pytestmark = pytest.mark.contract


@pytest.fixture
def setup(tmp_path: pathlib.Path, new_name) -> Iterator[tuple[str, pathlib.Path, pathlib.Path]]:
    """A database written and detached (so its pages are on disk), and the instance folder."""
    name = new_name("corrupt")
    db_path = tmp_path / "data.edb"
    with esent.Instance(name, system_path=tmp_path / "sys") as inst:
        with inst.session() as session:
            db = session.create_database(db_path)
            table = db.create_table("t", [esent.Column("id", esent.ColumnType.LONG),
                                          esent.Column("v", esent.ColumnType.LONG_BINARY)],
                                    [esent.Index("pk", ["+id"], primary=True)])
            for i in range(200):
                table.insert({"id": i, "v": bytes([i % 251]) * 3000})
            db.close()  # detach: every page reaches the file
    yield name, db_path, tmp_path


def page_size() -> int:
    return int(esent.get_global_param("DatabasePageSize"))


def flip(path: pathlib.Path, offset: int, mask: int) -> None:
    with open(path, "r+b") as stream:
        stream.seek(offset)
        byte = stream.read(1)[0]
        stream.seek(offset)
        stream.write(bytes([byte ^ mask]))


def data_page_offset(db_path: pathlib.Path) -> int:
    """The file offset of an in-use data page well inside the file (pgno = half the pages)."""
    pages = db_path.stat().st_size // page_size()
    pgno = pages // 2
    return (pgno + 1) * page_size()  # two header pages come first: pgno 1 is at page 2


def test_two_flipped_bits_fail_that_file_and_the_backup_goes_on(setup) -> None:
    name, db_path, folder = setup
    offset = data_page_offset(db_path) + page_size() // 2
    flip(db_path, offset, 0x01)
    flip(db_path, offset + 40, 0x10)
    with esent.Instance(name, system_path=folder / "sys") as inst:
        with inst.session() as session:
            session.attach_database(db_path)
            with inst.external_backup() as bk:
                [db_name] = bk.database_files()
                with pytest.raises(errors.ReadVerifyFailureError):
                    bk.copy(db_name, folder / "copy.edb")
                assert not (folder / "copy.edb").exists()  # the partial copy is removed
                for log in bk.log_files():              # the backup is still running
                    bk.copy(log, folder / os.path.basename(log))


def test_one_flipped_bit_is_corrected_in_the_copy(setup) -> None:
    name, db_path, folder = setup
    offset = data_page_offset(db_path) + page_size() // 2
    flip(db_path, offset, 0x04)
    with esent.Instance(name, system_path=folder / "sys") as inst:
        with inst.session() as session:
            session.attach_database(db_path)
            with inst.external_backup() as bk:
                [db_name] = bk.database_files()
                bk.copy(db_name, folder / "copy.edb")
                bk.log_files()
    report = verify_file(folder / "copy.edb")
    assert report.ok, [str(problem) for problem in report.problems]


def test_damaged_log_block_fails_and_cancels_the_backup(setup) -> None:
    name, db_path, folder = setup
    with esent.Instance(name, system_path=folder / "sys") as inst:
        with inst.session() as session:
            session.attach_database(db_path)
            with pytest.raises(errors.LogReadVerifyFailureError):
                with inst.external_backup() as bk:
                    [db_name] = bk.database_files()
                    bk.copy(db_name, folder / "copy.edb")
                    logs = bk.log_files()
                    flip(pathlib.Path(logs[0]), 8192 + 100, 0xFF)
                    flip(pathlib.Path(logs[0]), 8192 + 300, 0xFF)
                    bk.copy(logs[0], folder / "log-copy")
            assert bk.closed
            with pytest.raises(errors.NoBackupError):
                esent.jet.JetGetAttachInfoInstance(inst.handle)  # cancelled by the engine

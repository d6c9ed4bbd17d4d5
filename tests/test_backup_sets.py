"""inst.backup() and esent.restore(): backup-set directories end to end, and their safety rules
(docs/backup.md, docs/backup-set.md): only manifest-listed files are read, paths are checked
before anything is opened, restore writes only inside its target and never overwrites a
database, and two databases with the same file name do not collide."""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Iterator

import pytest

import esent
from esent import errors, manifest
from esent.restore_sets import WORK_FOLDER, RestoreError

pytestmark = pytest.mark.contract

COLUMNS = [esent.Column("id", esent.ColumnType.LONG), esent.Column("v", esent.ColumnType.TEXT)]


class Live:
    def __init__(self, inst: esent.Instance, session: esent.Session,
                 paths: list[pathlib.Path]) -> None:
        self.inst, self.session, self.paths = inst, session, paths
        self.tables = [session.open_database(p).table("t")
                       for p in paths]


@pytest.fixture
def live(tmp_path: pathlib.Path, new_name) -> Iterator[Live]:
    """Two databases both called data.edb, in different folders, with different rows."""
    paths = [tmp_path / "a" / "data.edb", tmp_path / "b" / "data.edb"]
    with esent.Instance(new_name("sets"), system_path=tmp_path / "sys") as inst:
        with inst.session() as session:
            for number, path in enumerate(paths):
                path.parent.mkdir()
                db = session.create_database(path)
                table = db.create_table("t", COLUMNS, [esent.Index("pk", ["+id"], primary=True)])
                for i in range(20):
                    table.insert({"id": i, "v": f"db{number} row {i}"})
            yield Live(inst, session, paths)


def read_rows(path: pathlib.Path, name: str) -> list[tuple[int, str]]:
    with esent.Instance(name, system_path=path.parent / "check-sys") as inst:
        with inst.session() as session:
            table = session.attach_database(path).table("t")
            return [(row["id"], row["v"]) for row in table]


def test_full_and_incremental_restore(live: Live, tmp_path: pathlib.Path, new_name) -> None:
    full = live.inst.backup(tmp_path / "full")
    assert sorted(entry.name for entry in full.databases) == ["data.edb", "data~2.edb"]
    for table in live.tables:
        table.insert({"id": 100, "v": "after the full backup"})
    inc = live.inst.backup(tmp_path / "inc", incremental=True, parent=tmp_path / "full")
    assert inc.kind == "incremental" and inc.parent.set_id == full.set_id and not inc.databases
    restored = esent.restore([tmp_path / "full", tmp_path / "inc"], tmp_path / "out")
    by_origin = {os.path.realpath(r.original_path): r.path for r in restored}
    for number, path in enumerate(live.paths):
        rows = read_rows(by_origin[os.path.realpath(path)], new_name("check"))
        assert rows == [(i, f"db{number} row {i}") for i in range(20)] + [
            (100, "after the full backup")]
    assert not (tmp_path / "out" / WORK_FOLDER).exists()


def test_full_restore_alone_excludes_later_commits(live: Live, tmp_path: pathlib.Path,
                                                   new_name) -> None:
    live.inst.backup(tmp_path / "full")
    live.tables[0].insert({"id": 100, "v": "later"})
    restored = esent.restore(tmp_path / "full", tmp_path / "out")
    first = next(r.path for r in restored if os.path.realpath(r.original_path)
                 == os.path.realpath(live.paths[0]))
    assert [i for i, _ in read_rows(first, new_name("check"))] == list(range(20))


def test_copy_backup_then_incremental_is_missing_full_backup(live: Live,
                                                             tmp_path: pathlib.Path) -> None:
    live.inst.backup(tmp_path / "copy", truncate=False)
    with pytest.raises(errors.MissingFullBackupError):
        live.inst.backup(tmp_path / "inc", incremental=True, parent=tmp_path / "copy")
    assert not (tmp_path / "inc").exists()  # nothing left behind


def test_backup_refuses_a_non_empty_destination(live: Live, tmp_path: pathlib.Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file").write_text("mine")
    with pytest.raises(FileExistsError):
        live.inst.backup(tmp_path / "busy")
    assert (tmp_path / "busy" / "file").read_text() == "mine"


def _tamper(set_dir: pathlib.Path, change) -> None:
    path = set_dir / manifest.MANIFEST_NAME
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("bad_path", ["databases/../../evil.edb", "/etc/passwd",
                                      "databases/sub/x.edb", "C:\\evil.edb"])
def test_restore_refuses_unsafe_paths(live: Live, tmp_path: pathlib.Path,
                                      bad_path: str) -> None:
    live.inst.backup(tmp_path / "full")
    _tamper(tmp_path / "full", lambda data: data["databases"][0].update(path=bad_path))
    with pytest.raises(manifest.UnsafePathError):
        esent.restore(tmp_path / "full", tmp_path / "out")
    assert not (tmp_path / "out").exists() and not (tmp_path / "evil.edb").exists()


def test_restore_refuses_a_file_that_does_not_match_its_hash(live: Live,
                                                             tmp_path: pathlib.Path) -> None:
    live.inst.backup(tmp_path / "full")
    log = next((tmp_path / "full" / "logs").iterdir())
    with open(log, "r+b") as stream:
        stream.seek(5000)
        stream.write(b"\xff")
    with pytest.raises(RestoreError, match="SHA-256"):
        esent.restore(tmp_path / "full", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_restore_never_overwrites_a_database(live: Live, tmp_path: pathlib.Path) -> None:
    live.inst.backup(tmp_path / "full")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "data.edb").write_text("precious")
    with pytest.raises(RestoreError, match="already exists"):
        esent.restore(tmp_path / "full", tmp_path / "out")
    assert (tmp_path / "out" / "data.edb").read_text() == "precious"
    assert sorted(os.listdir(tmp_path / "out")) == ["data.edb"]


def test_restore_checks_the_chain(live: Live, tmp_path: pathlib.Path) -> None:
    live.inst.backup(tmp_path / "full")
    live.inst.backup(tmp_path / "inc1", incremental=True, parent=tmp_path / "full")
    live.inst.backup(tmp_path / "inc2", incremental=True, parent=tmp_path / "inc1")
    with pytest.raises(RestoreError, match="does not continue"):
        esent.restore([tmp_path / "full", tmp_path / "inc2"], tmp_path / "out")
    with pytest.raises(RestoreError, match="starts from a full set"):
        esent.restore([tmp_path / "inc1"], tmp_path / "out")
    assert not (tmp_path / "out").exists()

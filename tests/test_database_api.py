"""Databases through esent.jet: JetCreateDatabase2, JetAttachDatabase2, JetDetachDatabase2,
JetOpenDatabase, JetCloseDatabase, JetGetDatabaseFileInfo (ESENT reference, learn.microsoft.com,
"Extensible Storage Engine" > "<name> Function"), and esent.Session's database methods.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import pytest

import esent
from esent import errors, jet


@pytest.fixture
def sesid(running_instance: int) -> Iterator[int]:
    s = jet.JetBeginSession(running_instance)
    yield s
    try:
        jet.JetEndSession(s, 0)
    except errors.EsentError:
        pass


@pytest.mark.contract
def test_create_close_detach_attach_open(sesid: int, tmp_path: pathlib.Path) -> None:
    """JetCreateDatabase2 creates, attaches and opens; after JetCloseDatabase and
    JetDetachDatabase2 the file can be attached and opened again."""
    path = str(tmp_path / "a.edb")
    dbid = jet.JetCreateDatabase2(sesid, path)
    assert pathlib.Path(path).is_file()
    jet.JetCloseDatabase(sesid, dbid)
    jet.JetDetachDatabase2(sesid, path)
    jet.JetAttachDatabase2(sesid, path)
    assert jet.get_last_warning() == 0
    dbid2 = jet.JetOpenDatabase(sesid, path)
    jet.JetCloseDatabase(sesid, dbid2)
    jet.JetDetachDatabase2(sesid, path)


@pytest.mark.contract
def test_create_existing_file_is_database_duplicate(sesid: int, tmp_path: pathlib.Path) -> None:
    """JetCreateDatabase2: JET_errDatabaseDuplicate when the file exists (attached or not)."""
    path = str(tmp_path / "a.edb")
    dbid = jet.JetCreateDatabase2(sesid, path)
    with pytest.raises(errors.DatabaseDuplicateError):
        jet.JetCreateDatabase2(sesid, path)
    jet.JetCloseDatabase(sesid, dbid)
    jet.JetDetachDatabase2(sesid, path)
    with pytest.raises(errors.DatabaseDuplicateError):
        jet.JetCreateDatabase2(sesid, path)


@pytest.mark.contract
def test_overwrite_existing(sesid: int, tmp_path: pathlib.Path) -> None:
    """JET_bitDbOverwriteExisting replaces a detached file."""
    path = str(tmp_path / "a.edb")
    jet.JetCloseDatabase(sesid, jet.JetCreateDatabase2(sesid, path))
    jet.JetDetachDatabase2(sesid, path)
    dbid = jet.JetCreateDatabase2(sesid, path, 0, jet.JET_bitDbOverwriteExisting)
    jet.JetCloseDatabase(sesid, dbid)


@pytest.mark.contract
def test_attach_missing_file_is_file_not_found(sesid: int, tmp_path: pathlib.Path) -> None:
    """JetAttachDatabase2: JET_errFileNotFound for a file that does not exist."""
    with pytest.raises(errors.EsentError) as info:
        jet.JetAttachDatabase2(sesid, str(tmp_path / "missing.edb"))
    assert info.value.code == -1811


@pytest.mark.contract
def test_attach_twice_warns(sesid: int, tmp_path: pathlib.Path) -> None:
    """JetAttachDatabase2: JET_wrnDatabaseAttached (1007) when the instance has it already."""
    path = str(tmp_path / "a.edb")
    jet.JetCloseDatabase(sesid, jet.JetCreateDatabase2(sesid, path))
    jet.JetAttachDatabase2(sesid, path)
    assert jet.get_last_warning() == 1007


@pytest.mark.contract
def test_open_or_detach_unattached_is_database_not_found(sesid: int, tmp_path: pathlib.Path) -> None:
    """JetOpenDatabase / JetDetachDatabase2: JET_errDatabaseNotFound for a file not attached."""
    path = str(tmp_path / "a.edb")
    jet.JetCloseDatabase(sesid, jet.JetCreateDatabase2(sesid, path))
    jet.JetDetachDatabase2(sesid, path)
    with pytest.raises(errors.DatabaseNotFoundError):
        jet.JetOpenDatabase(sesid, path)
    with pytest.raises(errors.DatabaseNotFoundError):
        jet.JetDetachDatabase2(sesid, path)


@pytest.mark.contract
def test_detach_while_open_is_database_in_use(sesid: int, tmp_path: pathlib.Path) -> None:
    """JetDetachDatabase2: JET_errDatabaseInUse while a session has the database open."""
    path = str(tmp_path / "a.edb")
    dbid = jet.JetCreateDatabase2(sesid, path)
    with pytest.raises(errors.DatabaseInUseError):
        jet.JetDetachDatabase2(sesid, path)
    jet.JetCloseDatabase(sesid, dbid)
    jet.JetDetachDatabase2(sesid, path)


@pytest.mark.contract
def test_bad_dbid(sesid: int, tmp_path: pathlib.Path) -> None:
    """JetCloseDatabase: JET_errInvalidDatabaseId for a closed dbid; JetOpenTable too."""
    dbid = jet.JetCreateDatabase2(sesid, str(tmp_path / "a.edb"))
    jet.JetCloseDatabase(sesid, dbid)
    with pytest.raises(errors.InvalidDatabaseIdError):
        jet.JetCloseDatabase(sesid, dbid)
    with pytest.raises(errors.InvalidDatabaseIdError):
        jet.JetOpenTable(sesid, dbid, "t")


@pytest.mark.contract
def test_bad_session(tmp_path: pathlib.Path, running_instance: int) -> None:
    """Every data API validates its session: JET_errInvalidSesid after JetEndSession."""
    s = jet.JetBeginSession(running_instance)
    jet.JetEndSession(s, 0)
    with pytest.raises(errors.InvalidSesidError):
        jet.JetCreateDatabase2(s, str(tmp_path / "a.edb"))


@pytest.mark.contract
def test_database_file_info(sesid: int, tmp_path: pathlib.Path) -> None:
    """JetGetDatabaseFileInfo: JET_DbInfoPageSize, JET_DbInfoFilesize (bytes) and
    JET_DbInfoMisc (JET_DBINFOMISC) of a detached database: clean shutdown (3)."""
    path = str(tmp_path / "a.edb")
    jet.JetCloseDatabase(sesid, jet.JetCreateDatabase2(sesid, path))
    jet.JetDetachDatabase2(sesid, path)
    page_size = jet.JetGetDatabaseFileInfo(path, jet.JET_DbInfoPageSize)
    assert page_size == esent.get_global_param("DatabasePageSize")
    size = jet.JetGetDatabaseFileInfo(path, jet.JET_DbInfoFilesize)
    assert size == pathlib.Path(path).stat().st_size
    misc = jet.JetGetDatabaseFileInfo(path, jet.JET_DbInfoMisc)
    assert misc["ulVersion"] == 0x620
    assert misc["dbstate"] == jet.JET_dbstateCleanShutdown
    assert misc["cbPageSize"] == page_size


@pytest.mark.contract
def test_file_info_of_missing_file(tmp_path: pathlib.Path) -> None:
    """JetGetDatabaseFileInfo: JET_errFileNotFound for a missing file."""
    with pytest.raises(errors.EsentError) as info:
        jet.JetGetDatabaseFileInfo(str(tmp_path / "no.edb"), jet.JET_DbInfoPageSize)
    assert info.value.code == -1811


@pytest.mark.contract
def test_other_instance_cannot_attach(tmp_path: pathlib.Path, new_name) -> None:
    """A database attached to one instance cannot be attached by another (ESENT:
    JET_errDatabaseSharingViolation in-process; the file lock otherwise)."""
    path = tmp_path / "a.edb"
    with esent.Instance(new_name(), system_path=tmp_path / "one") as one, one.session() as s1:
        db = s1.create_database(path)
        with esent.Instance(new_name(), system_path=tmp_path / "two") as two, \
                two.session() as s2:
            with pytest.raises(errors.EsentError) as info:
                s2.attach_database(path)
            assert info.value.code in (-1215, -1202, -1032)
        db.close()


@pytest.mark.contract
def test_python_database_lifecycle(instance: esent.Instance, tmp_path: pathlib.Path) -> None:
    """Session.create_database / attach_database / open_database give Database objects;
    closing the session closes them (children first)."""
    path = tmp_path / "p.edb"
    with instance.session() as s:
        db = s.create_database(path)
        assert isinstance(db, esent.Database) and db.handle
        with instance.session() as s2:
            other = s2.open_database(path)
            other.close()
        db.close()
        db = s.attach_database(path)
    assert db.closed
    with instance.session() as s:
        s.attach_database(path).close()

"""Column options and schema changes written by libese, read back by two independent readers.

tests/c/tools/schema_ddl.c (built here against libese) writes a database through the Jet API:
defaults, autoincrement, version, a multi-valued column, JetSetColumns, JetAddColumn after rows
exist, JetDeleteColumn of a fixed column in the middle and of a tagged one (ESE's "JetStub_"
catalog records), JetRenameColumn, JetRenameTable, and a table created, filled and deleted.
dissect.esedb and libesedb (pyesedb) must both see exactly that database: tables, columns in
fid order (stubs included, as ESE leaves them), and every value (the file comment of
schema_ddl.c lists them).  Skips when a C compiler or a reader is missing.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.libese

REPO = pathlib.Path(__file__).resolve().parent.parent

COLUMNS = ["id", "n", "JetStub_6_3", "auto", "ver", "added", "title", "tags", "JetStub_6_257"]


@pytest.fixture(scope="module")
def ddl_database(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    compiler = shutil.which(os.environ.get("CC", "gcc")) or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler")
    folder = tmp_path_factory.mktemp("schema-ddl")
    exe = folder / "schema_ddl"
    sources = sorted(str(p) for p in (REPO / "src" / "libese").glob("*.c"))
    sources += sorted(str(p) for p in (REPO / "src" / "eseformat").glob("*.c"))
    subprocess.run(
        [compiler, "-std=gnu11", "-O1", "-Isrc", "-Isrc/libese", "-Isrc/libese/include",
         "-Isrc/eseformat", "-Itests/c", "tests/c/tools/schema_ddl.c", *sources, "-lpthread",
         "-o", str(exe)],
        cwd=REPO, check=True)
    data = folder / "data"
    data.mkdir()
    subprocess.run([str(exe), str(data)], check=True)
    return data / "ddl.edb"


def expected_rows() -> list[dict]:
    rows = []
    for i in range(1, 6):
        rows.append({
            "id": i,
            "n": 3 if i == 3 else 42,
            "auto": i,
            "ver": 1 if i == 2 else 0,
            "added": 9 if i == 2 else None,  # None: never set (readers may apply the default 7)
            "title": f"row{i}",
            "tags": [f"a{i}", f"b{i}"],
            "gone": (i * 100).to_bytes(2, "little"),
        })
    return rows


def test_dissect_reads_the_changed_schema(ddl_database: pathlib.Path) -> None:
    esedb = pytest.importorskip("dissect.esedb")
    with ddl_database.open("rb") as fh:
        db = esedb.EseDB(fh)
        names = sorted(t.name for t in db.tables())
        assert names == ["MSysObjects", "MSysObjectsShadow", "items", "kept"]
        items = db.table("items")
        assert [c.name for c in items.columns] == COLUMNS
        got = list(items.records())
        assert len(got) == 5
        for record, want in zip(got, expected_rows()):
            for name in ("id", "n", "auto", "ver", "title", "tags"):
                assert record.get(name) == want[name], name
            assert record.get("added") in ((want["added"],) if want["added"] else (None, 7))
            # the deleted columns' old values are still in the rows, as ESE leaves them
            assert bytes(record.get("JetStub_6_3")) == want["gone"]
            assert bytes(record.get("JetStub_6_257")) == b"zz"
        assert [r.get("id") for r in db.table("kept").records()] == [1, 2, 3]


def test_libesedb_reads_the_changed_schema(ddl_database: pathlib.Path) -> None:
    pyesedb = pytest.importorskip("pyesedb")
    f = pyesedb.file()
    f.open(str(ddl_database))
    try:
        tables = sorted(f.get_table(i).name for i in range(f.number_of_tables))
        assert tables == ["MSysObjects", "MSysObjectsShadow", "items", "kept"]
        items = f.get_table_by_name("items")
        assert [items.get_column(j).name for j in range(items.number_of_columns)] == COLUMNS
        assert items.number_of_records == 5
        for i, want in enumerate(expected_rows()):
            rec = items.get_record(i)
            value = lambda j: rec.get_value_data(j)  # noqa: E731
            assert value(0) == want["id"].to_bytes(4, "little")
            assert value(1) == want["n"].to_bytes(4, "little")
            assert value(2) == want["gone"]
            assert value(3) == want["auto"].to_bytes(4, "little")
            assert value(4) == want["ver"].to_bytes(4, "little")
            if want["added"] is None:
                assert value(5) in (None, (7).to_bytes(4, "little"))
            else:
                assert value(5) == want["added"].to_bytes(4, "little")
            assert value(6) == want["title"].encode()
            assert rec.is_multi_value(7)
            assert value(8) == b"zz"
        assert f.get_table_by_name("kept").number_of_records == 3
    finally:
        f.close()

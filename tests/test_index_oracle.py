"""libese's secondary indexes as the third-party ESE readers see them.

A small C program (tests/c/tools/write_index_db.c), built here from the repository's sources,
writes a database through src/libese/database.h: table "T" with a unique index "ByName" and a
non-unique index "ByVal", rows inserted in a scrambled order, some replaced (their index entries
move), some deleted.  Then:

* dissect.esedb lists both indexes with their columns and the catalog flags ESE gives them
  (IDB Unique | AllowAllNulls | AllowFirstNull | AllowSomeNulls = 0x0f, ExtendedColumns << 16),
  and finds every row through the unique index by its name (dissect normalizes the key itself
  and walks the index tree to the primary key: the unique layout is ESE's, facts §4.4);
* dissect's non-exact seek in the non-unique index lands on the first row of a value: libese's
  non-unique entries carry the primary key after the index key (docs/contract/indexes.md), so
  an exact search for the bare key does not match, but ordering does;
* pyesedb (libesedb) reads every row (its Python binding exposes no indexes): the index
  records and trees in the table's space do not disturb it.
"""

import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.libese

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROWS = 3000


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler (cc) to build tests/c/tools/write_index_db.c")
    folder = tmp_path_factory.mktemp("indexdb")
    exe = str(folder / "write_index_db")
    sources = [os.path.join(d, f) for d in ("src/libese", "src/eseformat")
               for f in sorted(os.listdir(os.path.join(ROOT, d))) if f.endswith(".c")]
    build = subprocess.run([cc, "-std=gnu11", "-O2", "-Isrc", "-Isrc/libese", "-Isrc/libese/include",
                            "-Isrc/eseformat", "tests/c/tools/write_index_db.c", *sources, "-lpthread",
                            "-o", exe], cwd=ROOT, capture_output=True, text=True)
    if build.returncode != 0:
        pytest.fail("building write_index_db failed:\n" + build.stderr[-4000:])
    path = str(folder / "index.edb")
    run = subprocess.run([exe, path, "8192", str(ROWS)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    expected = {i: (i % 7 + (100 if i % 5 == 0 else 0), ("rname%05d" if i % 5 == 0 else "name%05d") % i)
                for i in range(ROWS) if i % 9}
    assert run.stdout.strip() == f"{len(expected)} rows"
    return path, expected


def test_dissect_reads_the_indexes(database):
    dissect = pytest.importorskip("dissect.esedb")
    path, expected = database
    with open(path, "rb") as f:
        table = dissect.EseDB(f).table("T")
        indexes = {i.name: i for i in table.indexes}
        assert sorted(indexes) == ["ByName", "ByVal", "PK"]
        assert [c.name for c in indexes["ByName"].columns] == ["Name"]
        assert [c.name for c in indexes["ByVal"].columns] == ["Val"]
        assert indexes["ByName"].record.get("Flags") == 0x0001000F
        assert indexes["ByVal"].record.get("Flags") == 0x0001000E
        by_name = indexes["ByName"]
        for i, (val, name) in expected.items():
            record = by_name.search(Name=name)
            assert (record.get("Id"), record.get("Val")) == (i, val)
        by_val = indexes["ByVal"]
        cursor = by_val.cursor()
        cursor.seek(Val=3)
        first = min(i for i, (val, _) in expected.items() if val == 3)
        assert cursor.record().get("Id") == first


def test_pyesedb_reads_the_table(database):
    pyesedb = pytest.importorskip("pyesedb")
    path, expected = database
    f = pyesedb.file()
    f.open(path)
    try:
        table = f.get_table_by_name("T")
        seen = {}
        for r in range(table.number_of_records):
            record = table.get_record(r)
            seen[record.get_value_data_as_integer(0)] = (record.get_value_data_as_integer(1),
                                                         record.get_value_data_as_string(2))
        assert seen == expected
    finally:
        f.close()

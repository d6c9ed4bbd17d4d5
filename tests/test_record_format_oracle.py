"""libese's record, catalog and long-value decoders (src/libese/record.c, catalog_format.c,
lv_format.c) against an independent reader, dissect.esedb, on databases written by Windows.

tests/c/test_record.c is compiled once and used in two modes:

* ``--dump FILE`` reads every table of a database with libese's decoders (test-only page walking
  finds the records) and prints each value's bytes as JSON; every value of every record of every
  table of every sample in shared/ese-samples (see its MANIFEST.md) must equal what dissect.esedb
  returns.  Nothing is hard-coded: both sides read the same files.
* ``--synth PAGE_SIZE SEED`` builds records of every column type with random edits (sets,
  replacements, deletions, multi-values in both ESE forms, separated long values, LID32/LID64)
  and prints them with the values they should hold; dissect.esedb's record decoder must read
  those values back, on small and large pages.  The samples carry no multi-valued data, so this
  is where the multi-value encodings meet an independent reader.

Facts: shared/reference/ese-btree-catalog-facts.md §4-§6.  Skips when a C compiler or
dissect.esedb is missing (and the first part when the samples are).
"""

from __future__ import annotations

import gzip
import json
import math
import os
import pathlib
import shutil
import subprocess
import types

import pytest

pytestmark = pytest.mark.libese

REPO = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = pathlib.Path(os.environ.get("ESE_SAMPLES", REPO.parent / "shared" / "ese-samples"))
SAMPLE_NAMES = (
    "decompress_test-8k.edb",
    "Catalog1.edb",
    "SRUDB.dat",
    "secedit-win11-22631.sdb",
    "qmgr-16k.db",
    "large-32k.edb.gz",
)

dissect_esedb = pytest.importorskip("dissect.esedb")


# The format modules under test and what they stand on; the rest of the engine is linked only
# if these stop linking alone.
DUMPER_SOURCES = ("record.c", "key.c", "catalog_format.c", "lv_format.c", "osal.c", "fault.c")


@pytest.fixture(scope="module")
def dumper(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """tests/c/test_record.c built with libese's format modules."""
    compiler = shutil.which(os.environ.get("CC", "gcc")) or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler")
    exe = tmp_path_factory.mktemp("record-dump") / "test_record"
    libese = REPO / "src" / "libese"
    eseformat = sorted(str(p) for p in (REPO / "src" / "eseformat").glob("*.c"))
    includes = ["-I" + str(REPO / d) for d in ("src", "src/libese", "src/libese/include", "src/eseformat")]
    attempts = ([str(libese / name) for name in DUMPER_SOURCES],
                sorted(str(p) for p in libese.glob("*.c")))
    for engine in attempts:
        build = subprocess.run([compiler, "-std=gnu11", "-O1", *includes,
                                str(REPO / "tests" / "c" / "test_record.c"), *engine, *eseformat,
                                "-lpthread", "-o", str(exe)], capture_output=True, text=True)
        if build.returncode == 0:
            return exe
    raise AssertionError(f"cannot build tests/c/test_record.c:\n{build.stderr}")


def sample_path(name: str, tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    if name.endswith(".gz"):
        plain = tmp_path_factory.mktemp("samples") / name[:-3]
        with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)
        return plain
    return path


def parse_like_dissect(column, raw: bytes):
    """Turn libese's value bytes into the Python value dissect.esedb gives for that column, with
    dissect's own per-type parser (so only the bytes are being compared)."""
    parse = column.ctype.parse
    if parse is None:
        return raw
    if column.is_text:
        return parse(raw, encoding=column.encoding, errors="backslashreplace")
    return parse(raw)


def same(a, b) -> bool:
    """Equality where NaN equals NaN (random float bits are often NaN)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def ours_as_python(column, value):
    if value is None:
        return None
    if isinstance(value, list):
        return [None if v is None else parse_like_dissect(column, bytes.fromhex(v)) for v in value]
    if isinstance(value, dict):
        raise AssertionError(f"libese could not decode column {column.name}: {value}")
    return parse_like_dissect(column, bytes.fromhex(value))


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_value_matches_dissect(name: str, dumper: pathlib.Path,
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every record of every table (catalog included) decodes to dissect.esedb's values:
    fixed/variable/tagged columns, NULLs, defaults, multi-values, 7-bit-compressed values and
    separated long values (facts §5.1, §5.2, §6)."""
    path = sample_path(name, tmp_path_factory)
    dump = subprocess.run([str(dumper), "--dump", str(path)], check=True, capture_output=True, text=True)
    ours = json.loads(dump.stdout)

    with open(path, "rb") as fh:
        db = dissect_esedb.EseDB(fh)
        theirs = {table.name: table for table in db.tables()}
        assert {t["table"] for t in ours} == set(theirs)
        compared = 0
        for table in ours:
            dtable = theirs[table["table"]]
            columns = {c["fid"]: dtable.column(c["name"]) for c in table["columns"]}
            drecords = {bytes(r._node.key).hex(): r for r in dtable.records()}
            assert [r["key"] for r in table["records"]] == list(drecords), table["table"]
            with_default = {fid for fid, column in columns.items() if column.default is not None}
            for record in table["records"]:
                drecord = drecords[record["key"]]
                values = record["values"]
                # as_dict holds every column the record stores; any other column reads as its
                # default (asked of dissect) or None -- this keeps the 65,000-column table fast.
                stored = drecord.as_dict()
                for fid, column in columns.items():
                    mine = ours_as_python(column, values.get(str(fid)))
                    if column.name in stored:
                        want = stored[column.name]
                    elif fid in with_default:
                        want = drecord.get(column.name)
                    else:
                        want = None
                    assert same(mine, want), (table["table"], record["key"], column.name)
                    compared += 1
        assert compared > 0


@pytest.mark.parametrize("page_size", (2048, 4096, 8192, 16384, 32768))
def test_synthetic_records_read_by_dissect(page_size: int, dumper: pathlib.Path) -> None:
    """Records libese builds and edits (every column type; fixed, variable and tagged layouts;
    TWOVALUES and MULTIVALUES; separated long values) decode with dissect.esedb's own record
    reader to exactly the values libese was told to store (facts §5.1, §5.2, §6.2)."""
    from dissect.esedb.c_esedb import CODEPAGE, PAGE_FLAG, JET_coltyp
    from dissect.esedb.record import RecordData
    from dissect.esedb.table import Column

    run = subprocess.run([str(dumper), "--synth", str(page_size), "1234"], check=True,
                         capture_output=True, text=True)
    synth = json.loads(run.stdout)
    # Just enough of dissect's EseDB/Table/Node objects for its RecordData to work on.
    esedb = types.SimpleNamespace(has_small_pages=page_size <= 8192, impacket_compat=False)
    columns = {}
    for c in synth["columns"]:
        column = Column(c["fid"], f"c{c['fid']}", JET_coltyp(c["coltyp"]))
        if c["fid"] < 128:
            column._offset = c["offset"] - 4  # dissect counts from the end of the 4-byte header
            column.__dict__["size"] = c["size"]
        if column.is_text:
            column.__dict__["encoding"] = CODEPAGE(c["cp"])
        columns[c["fid"]] = column
    table = types.SimpleNamespace(esedb=esedb, _column_id_map=columns,
                                  get_long_value=lambda reference: b"LV:" + reference)
    page = types.SimpleNamespace(flags=PAGE_FLAG.NewRecordFormat)

    def expected(column, values):
        if values is None:
            return None
        # A separated value comes back as whatever the LV lookup returns, parsed as the type.
        parsed = [parse_like_dissect(column, b"LV:" + bytes.fromhex(v["lid"]) if isinstance(v, dict)
                                     else bytes.fromhex(v)) for v in values]
        return parsed if len(parsed) > 1 else parsed[0]

    multi = 0
    for record in synth["records"]:
        node = types.SimpleNamespace(data=bytes.fromhex(record["hex"]), tag=types.SimpleNamespace(page=page))
        data = RecordData(table, node)
        for fid, column in columns.items():
            values = record["values"].get(str(fid))
            multi += values is not None and len(values) > 1
            assert same(data.get(column), expected(column, values)), (record["hex"], fid)
    assert multi > 50

"""libese's record, catalog and long-value decoders (src/libese/record.c, catalog_format.c,
lv_format.c) against an independent reader, dissect.esedb, on databases written by Windows.

tests/c/test_record.c has a ``--dump FILE`` mode that reads every table of a database with
libese's decoders (test-only page walking finds the records) and prints each value's bytes as
JSON; this test compiles it, dumps every sample in shared/ese-samples (see its MANIFEST.md) and
compares every value of every record of every table with what dissect.esedb returns.  Nothing
is hard-coded: both sides read the same files.  Facts: shared/reference/ese-btree-catalog-facts.md
§4-§6.

Skips when the samples, a C compiler or dissect.esedb are missing.
"""

from __future__ import annotations

import gzip
import json
import os
import pathlib
import shutil
import subprocess

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


@pytest.fixture(scope="module")
def dumper(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """tests/c/test_record.c built with libese (the same sources setup.py compiles)."""
    compiler = shutil.which(os.environ.get("CC", "gcc")) or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler")
    exe = tmp_path_factory.mktemp("record-dump") / "test_record"
    sources = [str(REPO / "tests" / "c" / "test_record.c")]
    sources += sorted(str(p) for p in (REPO / "src" / "libese").glob("*.c"))
    sources += sorted(str(p) for p in (REPO / "src" / "eseformat").glob("*.c"))
    includes = ["-I" + str(REPO / d) for d in ("src", "src/libese", "src/libese/include", "src/eseformat")]
    subprocess.run([compiler, "-std=gnu11", "-O1", *includes, *sources, "-lpthread", "-o", str(exe)],
                   check=True, capture_output=True, text=True)
    return exe


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
                    assert mine == want, (table["table"], record["key"], column.name)
                    compared += 1
        assert compared > 0

"""The offline readers and verifier on real databases written by Windows
(shared/ese-samples, described by its MANIFEST.md): every header fact the fact sheet and the
MANIFEST state, the same facts as libesedb (pyesedb) reads them, and a clean verification of
every page.  All tests here are ``contract`` tests; they skip when the samples are absent.

The ``sample_dir`` fixture and ``MANIFEST_FACTS`` live in conftest.py.  Section
numbers ("format facts §3") refer to shared/reference/ese-format-facts.md.
"""

from __future__ import annotations

import gzip
import pathlib
import shutil
import struct

import pytest

from esent.offline import (
    DatabaseState, FileKind, FileType, LogPosition, PageFlags, PageHeader, detect, inspect,
    open_database, verify_path,
)

from conftest import MANIFEST_FACTS, SAMPLES

def raw_u32(path: pathlib.Path, offset: int) -> int:
    with open(path, "rb") as stream:
        stream.seek(offset)
        return struct.unpack("<I", stream.read(4))[0]


@pytest.mark.contract
@pytest.mark.parametrize("name", sorted(MANIFEST_FACTS))
def test_sample_header_matches_manifest(sample_dir: pathlib.Path, name: str) -> None:
    """Format facts §2-§5 and the samples' MANIFEST.md: page size (236, 0 = 4096), format
    0x620 and revision (232), state (52), an all-zero log signature only for Catalog1 and decompress_test, both
    header copies intact and identical, file type 1 at 667, no trailer in a live database."""
    page_size, revision, state, log_signature_zero = MANIFEST_FACTS[name]
    info = open_database(sample_dir / name)
    header = info.header
    assert info.page_size == header.page_size == page_size
    assert header.magic == 0x89ABCDEF and header.format_version == 0x620
    assert header.format_revision == revision
    assert header.state == state
    assert header.log_signature.is_zero == log_signature_zero
    assert header.file_type == FileType.Database
    assert info.primary_ok and info.shadow_ok and info.shadow_identical
    assert info.trailer is None
    assert info.page_count == (sample_dir / name).stat().st_size // page_size - 2
    assert detect(sample_dir / name).kind is FileKind.DATABASE


@pytest.mark.contract
@pytest.mark.parametrize("name", sorted(MANIFEST_FACTS))
def test_sample_header_matches_libesedb(sample_dir: pathlib.Path, name: str) -> None:
    """What libesedb reads from the same header: format version (high 32 bits) and revision
    (low 32), creation format, page size and its "file type" (our attrib at offset 12)."""
    pyesedb = pytest.importorskip("pyesedb")
    reference = pyesedb.file()
    reference.open(str(sample_dir / name))
    try:
        header = open_database(sample_dir / name).header
        assert reference.format_version == (header.format_version << 32) | header.format_revision
        assert reference.creation_format_version == (
            (header.create_version << 32) | header.create_revision)
        assert reference.page_size == header.page_size
        assert reference.type == header.attrib
    finally:
        reference.close()


@pytest.mark.contract
@pytest.mark.parametrize("name", sorted(MANIFEST_FACTS))
def test_sample_signatures_decode_from_fact_sheet_offsets(sample_dir: pathlib.Path,
                                                          name: str) -> None:
    """Format facts §1 and §3: signDb at 24 and signLog at 108 are SIGNATUREs whose random
    value is their first u32; the required generations sit at 296/300."""
    header = open_database(sample_dir / name).header
    path = sample_dir / name
    assert header.db_signature.random == raw_u32(path, 24)
    assert header.log_signature.random == raw_u32(path, 108)
    assert header.gen_min_required == raw_u32(path, 296)
    assert header.gen_max_required == raw_u32(path, 300)
    assert not header.db_signature.is_zero and header.db_signature.created.is_set


@pytest.mark.contract
def test_worked_example_secedit(sample_dir: pathlib.Path) -> None:
    """Format facts §11, the decoded secedit header, field by field."""
    header = open_database(sample_dir / "secedit-win11-22631.sdb").header
    assert header.checksum == 0xBC68D3A2 and header.dbtime_dirtied == 575
    assert header.db_signature.random == 0x1F1028E4
    assert header.db_signature.created.isoformat() == "2024-07-02T15:16:37.626Z"
    assert header.db_signature.computer_name == ""
    assert header.log_signature.random == 0x623E0B0B
    assert header.log_signature.created.isoformat() == "2024-07-01T09:36:33.366Z"
    assert header.consistent_position == LogPosition(generation=2, sector=33, offset=0)
    assert header.consistent_time.isoformat() == "2024-07-02T15:16:37.681Z"
    assert header.attach_time.isoformat() == "2024-07-02T15:16:37.671Z"
    assert header.attach_position == LogPosition(2, 31, 0)
    assert header.detach_position == header.consistent_position
    assert header.detach_time == header.consistent_time
    assert header.dbid == 1 and header.objid_last == 18
    assert header.os_version == (10, 0, 22631, 0)
    assert (header.format_revision, header.format_update_minor) == (0xE6, 500)
    assert (header.create_version, header.create_revision) == (0x620, 0x14)
    assert header.sort_version == 0xFFFFFFFFFFFFFFFF
    assert header.extend_count == 1 and header.efv_max_bin_attach_diagnostic == 9480
    assert header.last_resize_position == LogPosition(2, 33, 0)
    for backup in (header.backup_full_prev, header.backup_incremental_prev,
                   header.backup_full_current, header.backup_snapshot_current):
        assert not backup.is_set  # "no backup ever taken"
    assert header.required_generations is None and header.is_clean


@pytest.mark.contract
def test_worked_example_page_headers(sample_dir: pathlib.Path) -> None:
    """Format facts §11 and §7: flags of secedit pages 1-3 (0xA803, 0xA823, 0x12823), all with
    the new-checksum flag 0x2000; page 2 has two tags.  16 KiB pages carry the 80-byte header
    with the page number at 64 and block checksums (qmgr page 1: blocks 1 and 2 = 0x1)."""
    data = (sample_dir / "secedit-win11-22631.sdb").read_bytes()
    flags = [PageHeader.from_bytes(data[(n + 1) * 4096:(n + 2) * 4096]).flags for n in (1, 2, 3)]
    assert flags == [0xA803, 0xA823, 0x12823]
    assert all(PageFlags.NewChecksumFormat in flag for flag in flags)
    page2 = PageHeader.from_bytes(data[3 * 4096:4 * 4096])
    assert page2.size == 40 and page2.pgno is None and page2.tag_count == 2
    assert page2.ib_mic_free == 26
    large = (sample_dir / "qmgr-16k.db").read_bytes()
    page1 = PageHeader.from_bytes(large[2 * 16384:3 * 16384])
    assert page1.size == 80 and page1.pgno == 1
    assert page1.block_checksums == (0x1, 0x1, 0x001B7FE400000011)
    assert page1.checksum == 0x7D4A02B5001AE81F


@pytest.mark.contract
def test_dirty_sample_names_required_generations(sample_dir: pathlib.Path) -> None:
    """Format facts §3/§10: a dirty database (qmgr) needs generations lGenMinRequired..
    lGenMaxRequired (facts: qmgr lGenMinConsistent 23)."""
    header = open_database(sample_dir / "qmgr-16k.db").header
    assert header.state == DatabaseState.DirtyShutdown and not header.is_clean
    assert header.required_generations == (23, 23)
    assert header.gen_min_consistent == 23


@pytest.mark.contract
def test_info_reports_samples(sample_dir: pathlib.Path) -> None:
    """esent info's data for every sample: type, page size, format triple, state and
    signatures as JSON (format facts §3, §5)."""
    for name, (page_size, revision, state, _) in MANIFEST_FACTS.items():
        info = inspect(sample_dir / name).to_json()
        assert info["type"] == "database" and info["error"] is None
        header = info["database"]["header"]
        assert info["database"]["page_size"] == header["page_size"] == page_size
        assert header["format_version"] == 0x620 and header["format_revision"] == revision
        assert header["state"] == state.name
        assert header["db_signature"]["random"] == f"{raw_u32(sample_dir / name, 24):#010x}"


@pytest.mark.contract
@pytest.mark.parametrize("name", sorted(MANIFEST_FACTS))
def test_sample_verifies_clean(sample_dir: pathlib.Path, name: str) -> None:
    """MANIFEST.md: "Every in-use page of every file passes its ECC checksum"; both header
    copies pass (format facts §6.1); the rest of the file is unused (all-zero) pages."""
    report = verify_path(sample_dir / name)
    assert report.ok, [str(problem) for problem in report.all_problems()]
    checked = report.files[0].checked
    assert checked["pages"] == (sample_dir / name).stat().st_size // MANIFEST_FACTS[name][0] - 2
    assert checked["ok"] + checked["uninitialized"] == checked["pages"] and checked["ok"] > 0

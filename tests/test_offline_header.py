"""The offline header readers (esent.offline) on files built to the fact sheet: the records
headers are made of, the streaming-backup trailer, log and checkpoint headers, libese's log
hook, and file type detection by content.  The readers on real Windows-written databases are
tested in test_offline_samples.py.

Section numbers ("format facts §3") refer to shared/reference/ese-format-facts.md.
"""

from __future__ import annotations

import pathlib
import struct

import pytest

from esent import _esent as native
from esent.offline import (
    BackupInfo, FileKind, FileType, LogFormat, LogPosition, LogTime, PatchTrailer, Signature,
    detect, open_checkpoint, open_database, open_log, synthesize,
)
from esent.offline.log import AttachInfo, libese_log_major

# --------------------------------------------------------------------------------------------
# Records (format facts §1)
# --------------------------------------------------------------------------------------------

@pytest.mark.libese
def test_logtime_decodes_fact_sheet_example() -> None:
    """Format facts §11: bytes 25 10 0f 02 07 7c e5 08 are 2024-07-02 15:16:37.626 UTC."""
    time = LogTime.from_bytes(bytes.fromhex("25100f02077ce508"))
    assert (time.year, time.month, time.day) == (2024, 7, 2)
    assert (time.hour, time.minute, time.second, time.millisecond) == (15, 16, 37, 626)
    assert time.utc and not time.flag
    assert time.to_bytes() == bytes.fromhex("25100f02077ce508")
    assert LogTime.from_iso(time.isoformat()) == time
    assert time.to_datetime().isoformat() == "2024-07-02T15:16:37.626000+00:00"


@pytest.mark.libese
def test_unset_records() -> None:
    """Format facts §1: all-zero LOGTIME, SIGNATURE, LGPOS and BKINFO mean "not set"."""
    assert not LogTime.from_bytes(bytes(8)).is_set and LogTime().isoformat() is None
    assert Signature.from_bytes(bytes(28)).is_zero
    assert not LogPosition.from_bytes(bytes(8)).is_set
    assert BackupInfo.from_bytes(bytes(24)).to_json() is None


@pytest.mark.libese
def test_records_round_trip() -> None:
    """Every record written with to_bytes reads back equal (format facts §1 layouts), and a
    Signature survives its JSON form (used by backup-set manifests)."""
    created = LogTime(2025, 3, 4, 5, 6, 7, 999, utc=True, flag=True)
    signature = Signature(0xDEADBEEF, created, "HOST")
    assert Signature.from_bytes(signature.to_bytes()) == signature
    assert Signature.from_json(signature.to_json()) == Signature(0xDEADBEEF, LogTime(
        2025, 3, 4, 5, 6, 7, 999, utc=True), "HOST")
    position = LogPosition(0x1E2E4, 17, 400)
    assert LogPosition.from_bytes(position.to_bytes()) == position
    assert LogPosition(2, 33, 0) < LogPosition(2, 33, 1) < LogPosition(3, 0, 0)
    backup = BackupInfo(position, created, 5, 9)
    assert BackupInfo.from_bytes(backup.to_bytes()) == backup


# --------------------------------------------------------------------------------------------
# Trailer, logs, checkpoints (synthetic files built to the fact sheet)
# --------------------------------------------------------------------------------------------

SIGNATURE = Signature(0x11223344, LogTime(2025, 1, 1, 0, 0, 0, 0, utc=True))


@pytest.mark.libese
def test_patch_trailer_round_trip(sample_dir: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Format facts §2: a streaming-backup image ends with a PATCHHDR page (header checksum,
    BKINFO at 40, signDb at 64, signLog at 92) that ESE's test (dwords 1,2,3,6 zero) finds;
    the image is detected as a backup image and its trailer read back."""
    source = (sample_dir / "secedit-win11-22631.sdb").read_bytes()
    image = tmp_path / "image.edb"
    image.write_bytes(synthesize.backup_image(source, 5, 9, SIGNATURE))
    info = open_database(image)
    assert detect(image).kind is FileKind.BACKUP_IMAGE
    assert info.trailer is not None and info.trailer_checksum_ok
    assert (info.trailer.backup.gen_low, info.trailer.backup.gen_high) == (5, 9)
    assert info.trailer.db_signature == info.header.db_signature
    assert info.trailer.log_signature == info.header.log_signature == SIGNATURE
    assert info.header.backup_full_current.gen_low == 5
    assert info.header.backup_full_current.gen_high == 0  # as ESE stamps the copied header
    assert info.page_count == len(source) // 4096 - 2
    last = image.read_bytes()[-4096:]
    assert native.is_patch_trailer(last) and native.verify_header(last)
    assert PatchTrailer.from_bytes(last).to_page(4096) == last


@pytest.mark.libese
def test_log_header_fields(tmp_path: pathlib.Path) -> None:
    """Format facts §8.1: generation at 4, sector size 8, sectors 12, tmCreate 16, tmPrevGen 24,
    version 32/36/40/648, signLog 44, file type 3 at 667, ATTACHINFO list from 671."""
    entry = AttachInfo(1, 0x20, 7, 18, 0, LogPosition(5, 1, 0), LogPosition(), SIGNATURE,
                       "C:\\data\\app.edb")
    created = LogTime(2025, 1, 1, 12, 0, 0, 0, utc=True)
    path = tmp_path / "edb00005.log"
    path.write_bytes(synthesize.make_log(5, SIGNATURE, created=created, attachments=[entry]))
    log = open_log(path)
    header = log.header
    assert log.header_ok and not log.truncated
    assert header.generation == 5 and header.sector_size == 4096 and header.file_sectors == 32
    assert header.created == created and header.log_signature == SIGNATURE
    assert header.version == "8.4000.60.140" and header.format is LogFormat.V8
    assert header.file_type == FileType.Log
    assert [(a.dbid, a.path, a.db_signature) for a in header.attachments] == [
        (1, "C:\\data\\app.edb", SIGNATURE)]
    assert detect(path).kind is FileKind.LOG


@pytest.mark.libese
def test_libese_log_detected_by_major(tmp_path: pathlib.Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A log whose ulMajor is neither 7 nor 8 is reported with its version; once the
    extension names libese's major (LIBESE_LOG_VERSION_MAJOR), such a log is a libese log."""
    data = bytearray(synthesize.make_log(3, SIGNATURE, created=LogTime(2025, 1, 1, utc=True)))
    struct.pack_into("<II", data, 32, 0x4C45, 1)
    native.stamp_header(memoryview(data)[:4096])
    path = tmp_path / "lib.log"
    path.write_bytes(data)
    monkeypatch.delattr(native, "LIBESE_LOG_VERSION_MAJOR", raising=False)
    assert open_log(path).header.format is LogFormat.UNKNOWN
    assert "format 19525.1" in detect(path).description
    monkeypatch.setattr(native, "LIBESE_LOG_VERSION_MAJOR", 0x4C45, raising=False)
    assert libese_log_major() == 0x4C45
    assert detect(path).kind is FileKind.LIBESE_LOG
    assert open_log(path).header.format is LogFormat.LIBESE


@pytest.mark.libese
def test_checkpoint_both_copies(tmp_path: pathlib.Path) -> None:
    """Format facts §9: 8192 bytes, two identical 4096-byte copies with XOR-32 checksums,
    lgposCheckpoint at 12, signLog at 20, file type 4 at 667; a damaged first copy falls back
    to the second."""
    copy = bytearray(4096)
    copy[12:20] = LogPosition(7, 158, 0).to_bytes()
    copy[20:48] = SIGNATURE.to_bytes()
    struct.pack_into("<I", copy, 667, FileType.Checkpoint)
    native.stamp_header(copy)
    path = tmp_path / "edb.chk"
    path.write_bytes(bytes(copy) * 2)
    checkpoint = open_checkpoint(path)
    assert checkpoint.primary_ok and checkpoint.shadow_ok and checkpoint.copies_identical
    assert checkpoint.header.checkpoint == LogPosition(7, 158, 0)
    assert checkpoint.header.log_signature == SIGNATURE
    assert detect(path).kind is FileKind.CHECKPOINT
    damaged = bytearray(copy) + copy
    damaged[100] ^= 1
    path.write_bytes(damaged)
    checkpoint = open_checkpoint(path)
    assert not checkpoint.primary_ok and checkpoint.shadow_ok
    assert checkpoint.header.checkpoint.generation == 7


@pytest.mark.libese
def test_detect_non_ese_files(tmp_path: pathlib.Path) -> None:
    """Detection works from content: an empty file, zeros (a pre-allocated reserve log) and
    text are told apart, whatever their names."""
    cases = {"empty.edb": b"", "edbres00001.jrs": bytes(1 << 16), "notes.log": b"hello\n" * 99}
    kinds = {}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        kinds[name] = detect(tmp_path / name).kind
    assert kinds == {"empty.edb": FileKind.EMPTY, "edbres00001.jrs": FileKind.ZERO_FILLED,
                     "notes.log": FileKind.NOT_ESE}

"""esent.offline.verify: damage in databases, images, logs and checkpoints is found and named
precisely (file, page or log sector, bit), and the rules across a folder of files hold.

Section numbers ("format facts §6.3") refer to shared/reference/ese-format-facts.md.  The bit
flip property tests run on copies of the Windows-written samples (``contract``: they check the
fact sheet's checksum rules on real pages); the rest use files built to the fact sheet
(``libese``).  The backup-set format has its own file, test_offline_backup_set.py.
"""

from __future__ import annotations

import functools
import pathlib
import struct
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import MANIFEST_FACTS

from esent import _esent as native
from esent.offline import FileKind, LogPosition, LogTime, Signature, synthesize, verify_path
from esent.offline.log import AttachInfo
from esent.offline.report import PROBLEM_CODES, Severity
from esent.offline.verify import FATAL_CODES, fatal_problem

SIGNATURE = Signature(0x5EED5EED, LogTime(2025, 2, 3, 4, 5, 6, 7, utc=True))
OTHER_SIGNATURE = Signature(0x0BADF00D, LogTime(2025, 2, 3, 4, 5, 6, 8, utc=True))
FLAG_BIT = 36 * 8 + 13  # page flag 0x2000, the checksum-format flag (format facts §6.3)


def codes(report) -> list[str]:
    return [problem.code for problem in report.all_problems()]


@functools.lru_cache(maxsize=None)
def sample(folder: pathlib.Path, name: str) -> tuple[bytes, int, tuple[int, ...]]:
    """A sample's bytes, page size and in-use page numbers (those that verify)."""
    data = (folder / name).read_bytes()
    page_size = MANIFEST_FACTS[name][0]
    in_use = tuple(pgno for pgno in range(1, len(data) // page_size - 1)
                   if native.verify_page(data[(pgno + 1) * page_size:(pgno + 2) * page_size],
                                         pgno)[0] == "ok")
    return data, page_size, in_use


def verify_bytes(data: bytes | bytearray, name: str = "copy.edb"):
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / name
        path.write_bytes(data)
        return verify_path(path)


# --------------------------------------------------------------------------------------------
# Bit flips in real pages
# --------------------------------------------------------------------------------------------

SAMPLE_NAMES = sorted(MANIFEST_FACTS)
FLIP_SETTINGS = settings(max_examples=60, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.contract
@FLIP_SETTINGS
@given(name=st.sampled_from(SAMPLE_NAMES), choice=st.integers(0, 10**9),
       bit_choice=st.integers(0, 10**9))
def test_single_bit_flip_is_correctable_and_located(sample_dir: pathlib.Path, name: str,
                                                    choice: int, bit_choice: int) -> None:
    """Format facts §6.3 step 4: one flipped bit anywhere in an in-use page (data, stored
    checksums, the 0x2000 flag) is reported as exactly one correctable problem naming the page
    and the bit; nothing else is reported."""
    data, page_size, in_use = sample(sample_dir, name)
    pgno = in_use[choice % len(in_use)]
    bit = bit_choice % (page_size * 8)
    damaged = bytearray(data)
    damaged[(pgno + 1) * page_size + bit // 8] ^= 1 << (bit % 8)
    problems = verify_bytes(damaged).all_problems()
    assert [(p.code, p.severity, p.page, p.bit) for p in problems] == [
        ("page-correctable", Severity.CORRECTABLE, pgno, bit)]


@pytest.mark.contract
@FLIP_SETTINGS
@given(name=st.sampled_from(SAMPLE_NAMES),
       flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 10**9)),
                      min_size=2, max_size=12))
def test_every_damaged_page_is_reported(sample_dir: pathlib.Path, name: str,
                                        flips: list[tuple[int, int]]) -> None:
    """Format facts §6.3: every in-use page with flipped bits fails its checksum and is
    reported with its page number; pages left alone are not reported."""
    data, page_size, in_use = sample(sample_dir, name)
    damaged = bytearray(data)
    flipped: dict[int, set[int]] = {}
    for page_choice, bit_choice in flips:
        pgno = in_use[page_choice % len(in_use)]
        bit = bit_choice % (page_size * 8)
        damaged[(pgno + 1) * page_size + bit // 8] ^= 1 << (bit % 8)
        flipped.setdefault(pgno, set()).symmetric_difference_update({bit})
    damaged_pages = {pgno for pgno, bits in flipped.items() if bits}
    report = verify_bytes(damaged)
    assert {problem.page for problem in report.all_problems()} == damaged_pages
    for problem in report.all_problems():
        assert problem.code in ("page-correctable", "page-bad", "page-misplaced")
        if len(flipped[problem.page]) == 1:
            assert problem.severity is Severity.CORRECTABLE
            assert problem.bit == next(iter(flipped[problem.page]))


@pytest.mark.contract
def test_flag_bit_and_stored_checksum_flips(sample_dir: pathlib.Path) -> None:
    """Format facts §6.3: a flip of the checksum-format flag (which ESE never corrects itself)
    or of a stored checksum bit is still one located, correctable bit: the data are intact."""
    data, page_size, in_use = sample(sample_dir, "secedit-win11-22631.sdb")
    pgno = in_use[2]
    for bit, words in ((FLAG_BIT, "checksum-format flag"), (3, "stored checksum"),
                       (40, "stored checksum")):
        damaged = bytearray(data)
        damaged[(pgno + 1) * page_size + bit // 8] ^= 1 << (bit % 8)
        (problem,) = verify_bytes(damaged).all_problems()
        assert (problem.page, problem.bit, problem.severity) == (pgno, bit, Severity.CORRECTABLE)
        assert words in problem.message


@pytest.mark.contract
def test_page_from_another_place_is_misplaced(sample_dir: pathlib.Path) -> None:
    """Format facts §6.3: the page number is XOR'd into the checksum, so a page copied to the
    wrong place fails there, and its checksum names the page it belongs to."""
    data, page_size, in_use = sample(sample_dir, "SRUDB.dat")
    source, target = in_use[10], in_use[10] + 0x30
    damaged = bytearray(data)
    damaged[(target + 1) * page_size:(target + 2) * page_size] = (
        data[(source + 1) * page_size:(source + 2) * page_size])
    (problem,) = verify_bytes(damaged).all_problems()
    assert (problem.code, problem.page) == ("page-misplaced", target)
    assert f"page {source}" in problem.message


@pytest.mark.contract
def test_header_and_shadow_damage(sample_dir: pathlib.Path) -> None:
    """Format facts §2/§6.1: header and shadow each carry a checksum; one damaged copy is
    named (the other still identifies the file), both damaged is fatal, two intact copies that
    differ are reported with the fields that differ."""
    data, page_size, _ = sample(sample_dir, "decompress_test-8k.edb")
    primary, shadow, both = bytearray(data), bytearray(data), bytearray(data)
    primary[300] ^= 4
    shadow[page_size + 300] ^= 4
    both[300] ^= 4
    both[page_size + 300] ^= 4
    assert codes(verify_bytes(primary)) == ["header-checksum"]
    assert codes(verify_bytes(shadow)) == ["shadow-checksum"]
    assert codes(verify_bytes(both)) == ["header-damaged"]
    differ = bytearray(data)
    struct.pack_into("<I", differ, page_size + 212, 99)  # objidLast of the shadow only
    native.stamp_header(memoryview(differ)[page_size:2 * page_size])
    (problem,) = verify_bytes(differ).all_problems()
    assert problem.code == "header-shadow-differ" and "objid_last" in problem.message


# --------------------------------------------------------------------------------------------
# Files that cannot be verified at all
# --------------------------------------------------------------------------------------------

@pytest.mark.contract
@pytest.mark.parametrize("size", [0, 100, 3000, 4096, 6000, 12345, 1_048_575])
def test_truncated_or_empty_database_is_one_fatal_problem(sample_dir: pathlib.Path,
                                                          size: int) -> None:
    """A database cut anywhere (in the header, in the shadow, inside a page) gives exactly
    one fatal problem with a one-line message; an empty file too."""
    data, _, _ = sample(sample_dir, "secedit-win11-22631.sdb")
    (problem,) = verify_bytes(data[:size]).all_problems()
    assert problem.code == ("empty" if size == 0 else "truncated")
    assert problem.code in FATAL_CODES and "\n" not in problem.message


@pytest.mark.libese
@pytest.mark.parametrize("content", [b"hello world\n" * 1000, bytes(range(256)) * 64,
                                     b"\x00" * 8192])
def test_not_ese_is_one_fatal_problem(content: bytes) -> None:
    """Text, random bytes and zeros are not ESE files: one fatal one-line problem."""
    report = verify_bytes(content, "edb.log")
    (problem,) = report.all_problems()
    assert problem.code == "not-ese" and fatal_problem(report.files[0]) is problem


@pytest.mark.libese
def test_missing_file_is_unreadable(tmp_path: pathlib.Path) -> None:
    """A path that does not exist is reported, not raised."""
    (problem,) = verify_path(tmp_path / "absent.edb").all_problems()
    assert problem.code == "unreadable"


@pytest.mark.libese
def test_every_problem_code_is_documented() -> None:
    """report.PROBLEM_CODES documents every code the verifier can emit (read from its
    source), so --json consumers can rely on the list."""
    import esent.offline.consistency as consistency
    import esent.offline.verify as verify
    sources = pathlib.Path(verify.__file__).read_text() + pathlib.Path(
        consistency.__file__).read_text()
    import re
    emitted = set(re.findall(r'add\(\s*"([a-z0-9-]+)"', sources)) | FATAL_CODES
    assert emitted <= set(PROBLEM_CODES), emitted - set(PROBLEM_CODES)


# --------------------------------------------------------------------------------------------
# Streaming-backup images
# --------------------------------------------------------------------------------------------

def image_of(sample_dir: pathlib.Path, low: int = 5, high: int = 9) -> bytearray:
    data, _, _ = sample(sample_dir, "secedit-win11-22631.sdb")
    return bytearray(synthesize.backup_image(data, low, high, SIGNATURE))


@pytest.mark.libese
def test_image_verifies_and_names_its_range(sample_dir: pathlib.Path) -> None:
    """Format facts §2: an image (2 header copies, the pages, a PATCHHDR trailer) verifies
    clean on its own and says which generations restoring it needs."""
    report = verify_bytes(image_of(sample_dir))
    assert report.ok and report.files[0].kind is FileKind.BACKUP_IMAGE
    assert "log generations 5-9" in report.files[0].notes[0]


@pytest.mark.libese
def test_trailer_damage_and_mismatch(sample_dir: pathlib.Path) -> None:
    """Backup facts §5.3: restore checks the trailer's checksum and that its signatures and
    backup mark match the image header (JET_errDatabasePatchFileMismatch); an image whose
    trailer is gone is incomplete."""
    image = image_of(sample_dir)
    damaged = bytearray(image)
    damaged[-4096 + 44] ^= 1  # inside the trailer's BKINFO mark
    assert codes(verify_bytes(damaged)) == ["trailer-checksum", "trailer-mismatch"]
    foreign = bytearray(image)
    foreign[-4096 + 64:-4096 + 92] = OTHER_SIGNATURE.to_bytes()  # signDb
    native.stamp_header(memoryview(foreign)[-4096:])
    (problem,) = verify_bytes(foreign).all_problems()
    assert problem.code == "trailer-mismatch" and "database signature" in problem.message
    assert codes(verify_bytes(image[:-4096])) == ["trailer-missing"]


# --------------------------------------------------------------------------------------------
# Logs
# --------------------------------------------------------------------------------------------

SEGMENT = 4096


def log_bytes(generation: int = 5, **options) -> bytearray:
    return bytearray(synthesize.make_log(
        generation, SIGNATURE, created=LogTime(2025, 1, 1, 12, generation, utc=True),
        **options))


@pytest.mark.libese
def test_log_with_shadow_sector_verifies() -> None:
    """Format facts §6.4/§8.3: used segments verify over their stored isec, the shadow copy of
    the last sector (stored isec one less than its place) is not a problem, unused segments
    are all zero."""
    report = verify_bytes(log_bytes(used_sectors=8), "edb00005.log")
    assert report.ok, codes(report)
    assert report.files[0].checked == {"segments": 31, "ok": 9, "uninitialized": 22,
                                       "correctable": 0, "bad": 0}


@pytest.mark.libese
def test_log_segment_damage_is_located() -> None:
    """Format facts §6.4: a flipped bit in a segment is correctable and named by sector and
    bit; more damage is corruption; a segment from another place is misplaced; an all-zero
    segment before later data is a lost write."""
    flipped = log_bytes()
    flipped[3 * SEGMENT + 500] ^= 0x10
    (problem,) = verify_bytes(flipped, "edb00005.log").all_problems()
    assert (problem.code, problem.sector, problem.bit, problem.generation) == (
        "segment-correctable", 3, 500 * 8 + 4, 5)
    smashed = log_bytes()
    smashed[4 * SEGMENT + 100:4 * SEGMENT + 104] = b"\xff\x00\xff\x00"
    (problem,) = verify_bytes(smashed, "edb00005.log").all_problems()
    assert (problem.code, problem.sector) == ("segment-bad", 4)
    swapped = log_bytes()
    two, three = slice(2 * SEGMENT, 3 * SEGMENT), slice(3 * SEGMENT, 4 * SEGMENT)
    swapped[two], swapped[three] = swapped[three], swapped[two]
    assert [(p.code, p.sector) for p in verify_bytes(swapped, "x.log").all_problems()] == [
        ("segment-misplaced", 2), ("segment-misplaced", 3)]
    hole = log_bytes()
    hole[5 * SEGMENT:6 * SEGMENT] = bytes(SEGMENT)
    (problem,) = verify_bytes(hole, "x.log").all_problems()
    assert (problem.code, problem.sector) == ("segment-hole", 5)


@pytest.mark.libese
def test_reused_log_file_tail_is_a_note() -> None:
    """Segments of an earlier generation after the end of this one's data (a recycled file)
    are not part of the log: noted, not reported."""
    data = log_bytes(generation=5, used_sectors=4)
    older = log_bytes(generation=4, used_sectors=20)
    data[12 * SEGMENT:18 * SEGMENT] = older[12 * SEGMENT:18 * SEGMENT]
    report = verify_bytes(data, "edb00005.log")
    assert report.ok and "older data" in report.files[0].notes[0]


@pytest.mark.libese
def test_log_truncated_or_misnamed() -> None:
    """Format facts §8.1/§8.4: a log shorter than csecLGFile sectors is truncated (fatal); an
    archived log's name carries its generation in hex, which must match the header."""
    data = log_bytes()
    (problem,) = verify_bytes(data[:-1000], "edb00005.log").all_problems()
    assert problem.code == "truncated"
    (problem,) = verify_bytes(data, "edb0000A.log").all_problems()
    assert problem.code == "generation-name" and "generation 10" in problem.message
    assert verify_bytes(data, "edb.log").ok


@pytest.mark.libese
def test_v7_log_header_only() -> None:
    """Format facts §6.5/§8.2: v7 logs are protected by LRCHECKSUM records, which are not
    verified; the header is, and the report says what was not checked."""
    data = log_bytes()
    struct.pack_into("<II", data, 32, 7, 3704)
    native.stamp_header(memoryview(data)[:4096])
    report = verify_bytes(data, "edb00005.log")
    assert report.ok and report.files[0].checked == {}
    assert "LRCHECKSUM" in report.files[0].notes[0]
    data[200] ^= 1
    assert codes(verify_bytes(data, "edb00005.log")) == ["header-checksum"]


# --------------------------------------------------------------------------------------------
# Folders: the rules across files (format facts §10)
# --------------------------------------------------------------------------------------------

def write_logs(folder: pathlib.Path, logs: dict[int, bytes]) -> None:
    folder.mkdir(exist_ok=True)
    for generation, data in logs.items():
        (folder / f"edb{generation:05X}.log").write_bytes(data)


def checkpoint_bytes(generation: int, signature: Signature = SIGNATURE) -> bytes:
    copy = bytearray(4096)
    copy[12:20] = LogPosition(generation, 1, 0).to_bytes()
    copy[20:48] = signature.to_bytes()
    struct.pack_into("<I", copy, 667, 4)
    native.stamp_header(copy)
    return bytes(copy) * 2


@pytest.mark.libese
def test_log_folder_rules_hold(tmp_path: pathlib.Path) -> None:
    """Format facts §10: one log stream (same signature, continuous generations chained by
    tmPrevGen) plus its checkpoint verifies clean; files that are not ESE are skipped."""
    write_logs(tmp_path, synthesize.log_chain(3, 8, SIGNATURE))
    (tmp_path / "edb.chk").write_bytes(checkpoint_bytes(5))
    (tmp_path / "edbres00001.jrs").write_bytes(bytes(SEGMENT * 4))
    (tmp_path / "README.txt").write_text("not a log")
    report = verify_path(tmp_path)
    assert report.kind == "directory" and report.ok, codes(report)
    assert len(report.files) == 7 and len(report.notes) == 2


@pytest.mark.libese
def test_log_folder_rules_fail_precisely(tmp_path: pathlib.Path) -> None:
    """Format facts §10 rules 1, 3 and 5: a missing generation, a broken tmPrevGen chain, a
    duplicate generation, a foreign log signature and a checkpoint past the logs are each
    named with their file and generation."""
    logs = synthesize.log_chain(3, 8, SIGNATURE)
    write_logs(tmp_path, logs)
    (tmp_path / "edb00005.log").unlink()
    problems = verify_path(tmp_path).all_problems()
    assert [(p.code, p.generation) for p in problems] == [("generation-missing", 5)]
    (tmp_path / "edb00005.log").write_bytes(log_bytes(5))  # not chained to generation 4
    problems = verify_path(tmp_path).all_problems()
    assert [(p.code, p.file, p.generation) for p in problems] == [
        ("generation-chain", "edb00005.log", 5), ("generation-chain", "edb00006.log", 6)]
    (tmp_path / "edb00005.log").write_bytes(logs[5])
    (tmp_path / "copy-of-7.log").write_bytes(logs[7])
    assert codes(verify_path(tmp_path)) == ["generation-duplicate"]
    (tmp_path / "copy-of-7.log").unlink()
    (tmp_path / "edb00009.log").write_bytes(synthesize.make_log(
        9, OTHER_SIGNATURE, created=LogTime(2025, 1, 2, utc=True)))
    problems = verify_path(tmp_path).all_problems()
    assert [(p.code, p.file) for p in problems] == [("log-signature", "edb00009.log")]
    (tmp_path / "edb00009.log").unlink()
    (tmp_path / "edb.chk").write_bytes(checkpoint_bytes(11))
    (problem,) = verify_path(tmp_path).all_problems()
    assert (problem.code, problem.file) == ("generation-missing", "edb.chk")


@pytest.mark.libese
def test_dirty_database_needs_its_logs(sample_dir: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Format facts §10 rules 2-4: a dirty database (here a backup image, whose trailer names
    5-9) needs its generations present; the newest log's attach list must name it with its
    own signature."""
    image = image_of(sample_dir)
    (tmp_path / "secedit.sdb").write_bytes(image)
    header_signature = Signature.from_bytes(image, 24)
    right = [AttachInfo(1, 0x20, 1, 1, 0, LogPosition(5, 1, 0), LogPosition(),
                        header_signature, "C:\\db\\secedit.sdb")]
    write_logs(tmp_path, synthesize.log_chain(5, 9, SIGNATURE, attachments=right))
    assert verify_path(tmp_path).ok
    (tmp_path / "edb00009.log").unlink()
    (problem,) = verify_path(tmp_path).all_problems()
    assert (problem.code, problem.file, problem.generation) == ("generation-missing",
                                                                "secedit.sdb", 9)
    wrong = [AttachInfo(1, 0x20, 1, 1, 0, LogPosition(5, 1, 0), LogPosition(),
                        OTHER_SIGNATURE, "C:\\db\\secedit.sdb")]
    write_logs(tmp_path, synthesize.log_chain(5, 9, SIGNATURE, attachments=wrong))
    (problem,) = verify_path(tmp_path).all_problems()
    assert (problem.code, problem.file) == ("db-signature", "secedit.sdb")
    (tmp_path / "edb.chk").write_bytes(checkpoint_bytes(7))
    write_logs(tmp_path, synthesize.log_chain(5, 9, SIGNATURE, attachments=right))
    assert verify_path(tmp_path).ok  # an image restores from its trailer's range, not the chk


@pytest.mark.contract
def test_checkpoint_past_what_a_dirty_database_needs(sample_dir: pathlib.Path,
                                                     tmp_path: pathlib.Path) -> None:
    """Format facts §10 rule 5, on the Windows-written dirty qmgr (needs generation 23): its
    log 23 present and the checkpoint at 23 is whole; a checkpoint at 24 would skip what the
    database needs, and its own generation is missing."""
    data = (sample_dir / "qmgr-16k.db").read_bytes()
    (tmp_path / "qmgr.db").write_bytes(data)
    signature = Signature.from_bytes(data, 108)
    (tmp_path / "edb00017.log").write_bytes(synthesize.make_log(
        23, signature, created=LogTime(2024, 10, 28, utc=True)))
    (tmp_path / "edb.chk").write_bytes(checkpoint_bytes(23, signature))
    report = verify_path(tmp_path)
    assert report.ok, codes(report)
    (tmp_path / "edb.chk").write_bytes(checkpoint_bytes(24, signature))
    problems = verify_path(tmp_path).all_problems()
    assert sorted((p.code, p.file, p.generation) for p in problems) == [
        ("checkpoint-ahead", "edb.chk", 24), ("generation-missing", "edb.chk", 24)]

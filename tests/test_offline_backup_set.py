"""Verifying backup sets (esent.manifest + esent.offline.verify): a set fabricated as the backup
code will write one (a streaming-backup image of a Windows-written sample, with its trailer, and
the log generations the trailer names) verifies clean, and each kind of damage to it is named
precisely: the file, the page or generation, what is wrong.

The image follows format facts §2 (header copies, pages, PATCHHDR trailer) and backup facts
§4.1/§4.3 (the generations a full backup needs); the logs follow format facts §8.
"""

from __future__ import annotations

import json
import pathlib

import pytest

from esent.manifest import BackupSetWriter, load_manifest
from esent.offline import LogPosition, LogTime, Signature, open_database, synthesize, verify_path
from esent.offline.log import AttachInfo

pytestmark = pytest.mark.libese

SOURCE = "secedit-win11-22631.sdb"
LOW, HIGH = 5, 9


def make_set(sample_dir: pathlib.Path, directory: pathlib.Path) -> pathlib.Path:
    """A full backup set: secedit's image needing generations 5-9, and those five logs."""
    data = (sample_dir / SOURCE).read_bytes()
    header = open_database(sample_dir / SOURCE).header
    signature = header.log_signature
    attach = [AttachInfo(1, 0x20, 575, 18, 0, LogPosition(LOW, 1, 0), LogPosition(),
                         header.db_signature, "C:\\Windows\\security\\database\\secedit.sdb")]
    writer = BackupSetWriter(directory, base_name="edb")
    writer.database_path("secedit.sdb").write_bytes(
        synthesize.backup_image(data, LOW, HIGH, signature))
    writer.add_database("secedit.sdb", original_path=attach[0].path)
    for generation, log in synthesize.log_chain(LOW, HIGH, signature,
                                                attachments=attach).items():
        name = f"edb{generation:05X}.log"
        writer.log_path(name).write_bytes(log)
        writer.add_log(name)
    writer.commit()
    return directory


@pytest.fixture
def backup_set(sample_dir: pathlib.Path, tmp_path: pathlib.Path) -> pathlib.Path:
    return make_set(sample_dir, tmp_path / "set")


def problems(directory: pathlib.Path) -> list[tuple]:
    return [(p.code, p.file, p.page, p.generation) for p in verify_path(directory).all_problems()]


def test_fabricated_set_verifies_clean(backup_set: pathlib.Path) -> None:
    """Every file listed with its size and SHA-256, the image's trailer range 5-9 present,
    one log signature, a continuous chain: nothing to report."""
    report = verify_path(backup_set)
    assert report.kind == "backup-set" and report.ok, problems(backup_set)
    assert [file.path for file in report.files] == ["databases/secedit.sdb"] + [
        f"logs/edb{g:05X}.log" for g in range(LOW, HIGH + 1)]
    assert all(file.sha256 for file in report.files)
    manifest = load_manifest(backup_set)
    assert manifest.generations == (LOW, HIGH) and manifest.databases[0].backup_generations == (
        LOW, HIGH)


def test_deleted_log_generation_is_named(backup_set: pathlib.Path) -> None:
    """Deleting generation 7: the manifest entry is missing, and the image (whose trailer
    needs 5-9) lacks generation 7; nothing else is blamed."""
    (backup_set / "logs" / "edb00007.log").unlink()
    assert problems(backup_set) == [
        ("manifest-missing-file", "logs/edb00007.log", None, 7),
        ("generation-missing", "databases/secedit.sdb", None, 7),
    ]


@pytest.mark.parametrize("generation", [LOW, HIGH])
def test_deleted_edge_generation_is_named(backup_set: pathlib.Path, generation: int) -> None:
    """The first and last generations of the range have no neighbour on one side: the trailer's
    range still names them."""
    (backup_set / "logs" / f"edb{generation:05X}.log").unlink()
    assert ("generation-missing", "databases/secedit.sdb", None, generation) in problems(
        backup_set)


def test_changed_database_byte_is_named(backup_set: pathlib.Path) -> None:
    """One byte changed in an in-use page of the copied image: that page (and bit) and the
    hash mismatch are reported."""
    image = backup_set / "databases" / "secedit.sdb"
    data = bytearray(image.read_bytes())
    data[(3 + 1) * 4096 + 1000] ^= 0x20  # page 3, bit 8005: format facts §11's control
    image.write_bytes(data)
    report = verify_path(backup_set)
    (page_problem, hash_problem) = report.all_problems()
    assert (page_problem.code, page_problem.file, page_problem.page, page_problem.bit) == (
        "page-correctable", "databases/secedit.sdb", 3, 8005)
    assert (hash_problem.code, hash_problem.file) == ("manifest-sha256", "databases/secedit.sdb")


def test_changed_byte_in_unused_page_or_header(backup_set: pathlib.Path) -> None:
    """A byte changed where no in-use page is: an unused page, or the header."""
    image = backup_set / "databases" / "secedit.sdb"
    original = image.read_bytes()
    for offset, expected in ((100 * 4096 + 7, ("page-bad", 99)), (200, ("header-checksum", None))):
        data = bytearray(original)
        data[offset] ^= 0x55
        image.write_bytes(data)
        found = problems(backup_set)
        assert found[0][0] == expected[0] and found[0][2] == expected[1]
        assert found[-1][0] == "manifest-sha256"


def test_size_facts_and_unlisted_files(backup_set: pathlib.Path) -> None:
    """Manifest sizes and the facts it records (generation, signatures) are checked against
    the files; a file the manifest does not list is reported."""
    log = backup_set / "logs" / "edb00006.log"
    log.write_bytes(log.read_bytes() + b"\0" * 10)
    (backup_set / "logs" / "extra.txt").write_text("?")
    found = problems(backup_set)
    assert ("manifest-size", "logs/edb00006.log", None, None) in found
    assert ("manifest-unlisted-file", "logs/extra.txt", None, None) in found
    manifest = json.loads((backup_set / "manifest.json").read_text())
    manifest["logs"][0]["generation"] = 42
    manifest["databases"][0]["db_signature"]["random"] = "0x00000001"
    (backup_set / "manifest.json").write_text(json.dumps(manifest))
    facts = [p for p in found if p[0] == "manifest-facts"] + [
        p for p in problems(backup_set) if p[0] == "manifest-facts"]
    assert {p[1] for p in facts} == {"logs/edb00005.log", "databases/secedit.sdb"}


def test_broken_or_missing_manifest_still_checks_files(backup_set: pathlib.Path) -> None:
    """Without a usable manifest the set is reported as such, and its files are still
    verified so one bad manifest hides nothing."""
    (backup_set / "manifest.json").write_text("{not json")
    report = verify_path(backup_set)
    assert [p.code for p in report.all_problems()] == ["manifest-invalid"]
    assert len(report.files) == 6
    (backup_set / "manifest.json").unlink()
    assert [p.code for p in verify_path(backup_set).all_problems()] == ["manifest-invalid"]


def test_unsafe_manifest_path_is_refused(backup_set: pathlib.Path) -> None:
    """A manifest path leaving the set is refused before anything is read."""
    manifest = json.loads((backup_set / "manifest.json").read_text())
    manifest["logs"][0]["path"] = "logs/../../outside.log"
    (backup_set / "manifest.json").write_text(json.dumps(manifest))
    assert [p.code for p in verify_path(backup_set).all_problems()] == ["manifest-unsafe-path"]


def test_foreign_log_in_set(backup_set: pathlib.Path) -> None:
    """Format facts §10 rule 1: a log of another stream, even with the right generation,
    does not belong (and its manifest hash no longer matches)."""
    other = Signature(0x99, LogTime(2020, 1, 1, utc=True))
    log = backup_set / "logs" / "edb00008.log"
    log.write_bytes(synthesize.make_log(8, other, created=LogTime(2020, 1, 1, utc=True)))
    codes = [p[0] for p in problems(backup_set)]
    assert "log-signature" in codes and "manifest-sha256" in codes

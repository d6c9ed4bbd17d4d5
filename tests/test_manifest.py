"""The backup-set manifest (esent.manifest, docs/backup-set.md): its writer, its schema, and
the path rules that keep a manifest from naming anything outside its set (DESIGN: "Restore
refuses absolute paths and `..` in a manifest and never writes outside its target").
"""

from __future__ import annotations

import copy
import json
import os
import pathlib

import pytest

from esent import _esent as native
from esent.manifest import (
    MANIFEST_NAME, BackupSetWriter, Manifest, ManifestError, UnsafePathError,
    check_relative_path, hash_file, load_manifest, resolve_entry,
)
from esent.offline import LogTime, Signature, synthesize

pytestmark = pytest.mark.libese

SIGNATURE = Signature(0xABCDEF01, LogTime(2025, 5, 6, 7, 8, 9, 10, utc=True))


@pytest.mark.parametrize("path", [
    "/etc/passwd", "\\\\server\\share\\x.log", "C:\\Windows\\x.log", "c:x.log", "C:/x.log",
    "logs/../../x.log", "../logs/x.log", "logs/..", "logs/./x.log", "logs//x.log",
    "logs/sub/x.log", "logs\\..\\..\\x.log", "logs/x\\y.log", "databases/x.edb", "x.log",
    "logs/", "logs/x\0.log", "", "logs/.", "logs/a:b",
])
def test_unsafe_paths_are_refused(path: str) -> None:
    """Absolute paths (POSIX, UNC, drive letters), '..', '.', empty components, backslashes,
    subfolders, NUL, colons and the wrong folder are all refused for a log entry."""
    with pytest.raises(UnsafePathError):
        check_relative_path(path, "logs")


def test_safe_paths_are_accepted() -> None:
    """A plain file name under its folder is the only accepted form."""
    assert check_relative_path("logs/edb0000A.log", "logs") == "logs/edb0000A.log"
    assert check_relative_path("databases/ntds.dit", "databases") == "databases/ntds.dit"


def test_symlink_escaping_the_set_is_refused(tmp_path: pathlib.Path) -> None:
    """A path that looks safe but resolves outside the set through a symbolic link is
    refused; one that stays inside resolves."""
    root = tmp_path / "set"
    (root / "logs").mkdir(parents=True)
    (tmp_path / "outside.log").write_bytes(b"x")
    try:
        (root / "logs" / "edb00001.log").symlink_to(tmp_path / "outside.log")
    except OSError:
        pytest.skip("symbolic links cannot be created here")
    with pytest.raises(UnsafePathError):
        resolve_entry(root, "logs/edb00001.log", "logs")
    (root / "logs" / "edb00002.log").write_bytes(b"y")
    assert resolve_entry(root, "logs/edb00002.log", "logs") == (
        root / "logs" / "edb00002.log").resolve()


def written_set(sample_dir: pathlib.Path, root: pathlib.Path) -> Manifest:
    source = (sample_dir / "secedit-win11-22631.sdb").read_bytes()
    writer = BackupSetWriter(root, base_name="edb")
    writer.database_path("secedit.sdb").write_bytes(synthesize.backup_image(source, 3, 4,
                                                                            SIGNATURE))
    writer.add_database("secedit.sdb")
    for generation, data in synthesize.log_chain(3, 4, SIGNATURE).items():
        writer.log_path(f"edb{generation:05X}.log").write_bytes(data)
        writer.add_log(f"edb{generation:05X}.log")
    return writer.commit()


def test_writer_records_facts_from_the_files(sample_dir: pathlib.Path,
                                             tmp_path: pathlib.Path) -> None:
    """The writer reads page size, signatures and generations from the copied files' headers
    and hashes them; the manifest reads back equal, with relative paths only."""
    written = written_set(sample_dir, tmp_path / "set")
    loaded = load_manifest(tmp_path / "set")
    assert loaded == written
    assert loaded.kind == "full" and loaded.parent is None and loaded.base_name == "edb"
    assert loaded.log_signature == SIGNATURE and loaded.generations == (3, 4)
    (database,) = loaded.databases
    assert (database.page_size, database.backup_generations) == (4096, (3, 4))
    assert database.sha256 == hash_file(tmp_path / "set" / database.path)
    assert database.sha256 == native.sha256((tmp_path / "set" / database.path).read_bytes()).hex()
    assert [log.generation for log in loaded.logs] == [3, 4]
    text = (tmp_path / "set" / MANIFEST_NAME).read_text()
    assert str(tmp_path) not in text  # nothing absolute
    assert not (tmp_path / "set" / (MANIFEST_NAME + ".tmp")).exists()


def test_writer_refuses_unsafe_names_and_existing_sets(sample_dir: pathlib.Path,
                                                       tmp_path: pathlib.Path) -> None:
    """File names given to the writer are plain names; a directory that already holds a set
    is never overwritten; an incremental set names its parent, a full one none."""
    written_set(sample_dir, tmp_path / "set")
    with pytest.raises(FileExistsError):
        BackupSetWriter(tmp_path / "set")
    writer = BackupSetWriter(tmp_path / "other")
    for name in ("../x", "a/b", "..", "C:x", ""):
        with pytest.raises(UnsafePathError):
            writer.log_path(name)
    with pytest.raises(ValueError):
        BackupSetWriter(tmp_path / "inc", kind="incremental")


def test_incremental_set_names_its_parent(sample_dir: pathlib.Path,
                                          tmp_path: pathlib.Path) -> None:
    """An incremental set records its parent's id and last generation."""
    parent = written_set(sample_dir, tmp_path / "full")
    writer = BackupSetWriter(tmp_path / "inc", kind="incremental", parent=parent)
    for generation, data in synthesize.log_chain(5, 6, SIGNATURE).items():
        writer.log_path(f"edb{generation:05X}.log").write_bytes(data)
        writer.add_log(f"edb{generation:05X}.log")
    manifest = writer.commit()
    assert manifest.parent.set_id == parent.set_id and manifest.parent.gen_high == 4
    assert load_manifest(tmp_path / "inc").parent == manifest.parent


@pytest.mark.parametrize("change, message", [
    (lambda m: m.update(format="zip"), "not an esent backup-set manifest"),
    (lambda m: m.update(version=99), "version 99"),
    (lambda m: m.update(kind="weekly"), "kind"),
    (lambda m: m["logs"][0].update(sha256="XYZ"), "sha256"),
    (lambda m: m["logs"][0].update(size=-1), "size"),
    (lambda m: m["logs"][0].update(generation=True), "generation"),
    (lambda m: m["databases"][0].update(page_size=1000), "page size"),
    (lambda m: m.update(generations={"low": 9, "high": 3}), "below low"),
    (lambda m: m["logs"].append(copy.deepcopy(m["logs"][0])), "listed twice"),
    (lambda m: m["databases"][0]["db_signature"].update(created="yesterday"), "LOGTIME"),
    (lambda m: m.update(base_name="../x"), "base name"),
])
def test_schema_violations_are_refused(sample_dir: pathlib.Path, tmp_path: pathlib.Path,
                                       change, message: str) -> None:
    """load_manifest validates every field and says what is wrong in one line."""
    root = tmp_path / "set"
    written_set(sample_dir, root)
    manifest = json.loads((root / MANIFEST_NAME).read_text())
    change(manifest)
    (root / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(ManifestError, match=message) as caught:
        load_manifest(root)
    assert "\n" not in str(caught.value)


def test_unsafe_path_inside_manifest(sample_dir: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """An absolute or '..' path inside manifest.json makes load_manifest refuse the whole
    manifest with UnsafePathError."""
    root = tmp_path / "set"
    written_set(sample_dir, root)
    for bad in ("/tmp/evil.log", "logs/../../evil.log", "..\\evil.log"):
        manifest = json.loads((root / MANIFEST_NAME).read_text())
        manifest["logs"][1]["path"] = bad
        (root / MANIFEST_NAME).write_text(json.dumps(manifest))
        with pytest.raises(UnsafePathError):
            load_manifest(root)


def test_missing_manifest(tmp_path: pathlib.Path) -> None:
    """A directory without manifest.json is not a complete set."""
    with pytest.raises(ManifestError, match="not a complete backup set"):
        load_manifest(tmp_path)
    assert not os.listdir(tmp_path)

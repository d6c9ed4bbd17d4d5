"""The backup-set format: one directory per backup, described by its ``manifest.json``.

This module is the single definition of that format (``docs/backup-set.md`` explains it for
people): the writer the backup code uses (``BackupSetWriter``) and the reader that restore and
``esent verify`` use (``load_manifest``, ``resolve_entry``).  A set looks like::

    <set>/manifest.json         written last, atomically: a set without it is incomplete
    <set>/databases/<name>      database images exactly as the streaming backup read them
    <set>/logs/<base><gen>.log  the log generations the set needs

Every path in a manifest is relative, uses ``/``, stays inside ``databases/`` or ``logs/`` and
resolves inside the set directory (symbolic links included); anything else is refused with
``UnsafePathError`` before any file is touched.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import re
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import esent
from esent import _esent as native
from esent.offline.database import open_database
from esent.offline.log import open_log
from esent.offline.records import Signature

MANIFEST_NAME = "manifest.json"
FORMAT_NAME = "esent-backup-set"
FORMAT_VERSION = 1
DATABASES_DIR = "databases"
LOGS_DIR = "logs"
SetKind = Literal["full", "incremental"]
_SET_KINDS = ("full", "incremental")
_HASH_CHUNK = 4 << 20
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# Characters that must never reach a file name: separators of any OS, drive colons, NUL.
_FORBIDDEN_IN_NAME = re.compile(r"[/\\:\0]")


class ManifestError(ValueError):
    """manifest.json is missing, is not JSON, or does not follow the schema."""


class UnsafePathError(ManifestError):
    """A manifest path is absolute, contains ``..``, or would resolve outside the set."""


def _check_name(name: str, what: str) -> str:
    """A single file-name component: not empty, not ``.``/``..``, no separator, colon or NUL."""
    if not isinstance(name, str) or name in ("", ".", "..") or _FORBIDDEN_IN_NAME.search(name):
        raise UnsafePathError(f"unsafe {what} name {name!r}: a plain file name is required")
    return name


def check_relative_path(path: str, folder: str) -> str:
    """Validate a manifest path: ``<folder>/<file name>``, relative, ``/``-separated, with no
    ``..``, ``.``, empty component, backslash, drive letter or NUL.  Returns it unchanged."""
    if not isinstance(path, str):
        raise UnsafePathError(f"a path is a string, not {path!r}")
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", path):
        raise UnsafePathError(f"absolute path {path!r} in the manifest")
    parts = path.split("/")
    if ".." in parts or any("\\" in part for part in parts):
        raise UnsafePathError(f"path {path!r} leaves its folder ('..' or a backslash)")
    if len(parts) != 2 or parts[0] != folder:
        raise UnsafePathError(f"path {path!r} is not of the form {folder}/<file name>")
    _check_name(parts[1], "file")
    return path


def resolve_entry(directory: str | os.PathLike[str], path: str, folder: str) -> pathlib.Path:
    """The absolute location of manifest path ``path`` inside the set ``directory``, after
    checking it (``check_relative_path``) and that it does not resolve outside the set through a
    symbolic link.  Raises ``UnsafePathError``."""
    check_relative_path(path, folder)
    root = pathlib.Path(directory).resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root):
        raise UnsafePathError(f"path {path!r} resolves outside the backup set, to {target}")
    return target


def hash_file(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file as 64 lower-case hex digits (native SHA-256, large reused buffer)."""
    digest = native.Sha256()
    buffer = memoryview(bytearray(_HASH_CHUNK))
    with open(path, "rb", buffering=0) as stream:
        while count := stream.readinto(buffer):
            digest.update(buffer[:count])
    return digest.hexdigest()


def _int(value: Any, what: str, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ManifestError(f"{what} must be an integer >= {minimum}, not {value!r}")
    return value


def _sha256(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _SHA256_HEX.fullmatch(value):
        raise ManifestError(f"{what} must be 64 lower-case hex digits, not {value!r}")
    return value


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ManifestError(f"{what} must be a JSON object, not {value!r}")
    return value


def _signature(value: Any, what: str) -> Signature | None:
    if value is None:
        return None
    try:
        return Signature.from_json(value)
    except ValueError as exc:
        raise ManifestError(f"{what}: {exc}") from None


def _generations(value: Any, what: str) -> tuple[int, int] | None:
    if value is None:
        return None
    value = _object(value, what)
    low, high = _int(value.get("low"), f"{what}.low", 1), _int(value.get("high"), f"{what}.high", 1)
    if high < low:
        raise ManifestError(f"{what}: high {high} is below low {low}")
    return low, high


def _generations_json(value: tuple[int, int] | None) -> dict[str, int] | None:
    return None if value is None else {"low": value[0], "high": value[1]}


@dataclass(frozen=True)
class DatabaseEntry:
    """A database image in the set.  ``backup_generations`` is the trailer's genLow..genHigh
    (the logs restoring it needs), None for a database copied without a trailer."""

    path: str
    size: int
    sha256: str
    page_size: int
    db_signature: Signature
    log_signature: Signature
    backup_generations: tuple[int, int] | None = None
    original_path: str | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[1]

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256,
                "page_size": self.page_size, "db_signature": self.db_signature.to_json(),
                "log_signature": self.log_signature.to_json(),
                "backup_generations": _generations_json(self.backup_generations),
                "original_path": self.original_path}

    @classmethod
    def from_json(cls, value: Any, index: int) -> DatabaseEntry:
        what = f"databases[{index}]"
        value = _object(value, what)
        original = value.get("original_path")
        if original is not None and not isinstance(original, str):
            raise ManifestError(f"{what}.original_path must be a string or null")
        page_size = _int(value.get("page_size"), f"{what}.page_size", 1)
        if page_size not in (2048, 4096, 8192, 16384, 32768):
            raise ManifestError(f"{what}.page_size {page_size} is not an ESE page size")
        return cls(
            path=check_relative_path(value.get("path"), DATABASES_DIR),
            size=_int(value.get("size"), f"{what}.size"),
            sha256=_sha256(value.get("sha256"), f"{what}.sha256"),
            page_size=page_size,
            db_signature=_signature(value.get("db_signature"), f"{what}.db_signature")
            or Signature(),
            log_signature=_signature(value.get("log_signature"), f"{what}.log_signature")
            or Signature(),
            backup_generations=_generations(value.get("backup_generations"),
                                            f"{what}.backup_generations"),
            original_path=original)


@dataclass(frozen=True)
class LogEntry:
    """A log file in the set, with the generation its header names."""

    path: str
    size: int
    sha256: str
    generation: int

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[1]

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256,
                "generation": self.generation}

    @classmethod
    def from_json(cls, value: Any, index: int) -> LogEntry:
        what = f"logs[{index}]"
        value = _object(value, what)
        return cls(path=check_relative_path(value.get("path"), LOGS_DIR),
                   size=_int(value.get("size"), f"{what}.size"),
                   sha256=_sha256(value.get("sha256"), f"{what}.sha256"),
                   generation=_int(value.get("generation"), f"{what}.generation", 1))


@dataclass(frozen=True)
class ParentSet:
    """The set an incremental set continues: its ``set_id`` and the last generation it holds.
    Restore applies a full set, then each incremental whose parent is the set before it."""

    set_id: str
    gen_high: int

    def to_json(self) -> dict[str, Any]:
        return {"set_id": self.set_id, "gen_high": self.gen_high}


@dataclass(frozen=True)
class Manifest:
    """A decoded, validated ``manifest.json`` (schema: ``docs/backup-set.md``)."""

    set_id: str
    kind: SetKind
    created: str
    tool: str
    engine: str
    base_name: str | None
    log_signature: Signature | None
    generations: tuple[int, int] | None
    databases: tuple[DatabaseEntry, ...] = ()
    logs: tuple[LogEntry, ...] = ()
    parent: ParentSet | None = None

    def entries(self) -> list[DatabaseEntry | LogEntry]:
        return [*self.databases, *self.logs]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME, "version": FORMAT_VERSION, "set_id": self.set_id,
            "kind": self.kind, "created": self.created, "tool": self.tool,
            "engine": self.engine, "base_name": self.base_name,
            "log_signature": self.log_signature.to_json() if self.log_signature else None,
            "generations": _generations_json(self.generations),
            "parent": self.parent.to_json() if self.parent else None,
            "databases": [entry.to_json() for entry in self.databases],
            "logs": [entry.to_json() for entry in self.logs],
        }

    @classmethod
    def from_json(cls, value: Any) -> Manifest:
        """Validate and decode; raises ``ManifestError`` (``UnsafePathError`` for paths)."""
        value = _object(value, "the manifest")
        if value.get("format") != FORMAT_NAME:
            raise ManifestError(f"not an esent backup-set manifest (format {value.get('format')!r})")
        if value.get("version") != FORMAT_VERSION:
            raise ManifestError(
                f"manifest version {value.get('version')!r} is not supported (this is "
                f"version {FORMAT_VERSION})")
        kind = value.get("kind")
        if kind not in _SET_KINDS:
            raise ManifestError(f"kind must be one of {_SET_KINDS}, not {kind!r}")
        strings = {}
        for key in ("set_id", "created", "tool", "engine"):
            if not isinstance(value.get(key), str) or not value[key]:
                raise ManifestError(f"{key} must be a non-empty string")
            strings[key] = value[key]
        base_name = value.get("base_name")
        if base_name is not None:
            _check_name(base_name, "base")
        databases = value.get("databases", [])
        logs = value.get("logs", [])
        if not isinstance(databases, list) or not isinstance(logs, list):
            raise ManifestError("databases and logs must be JSON arrays")
        parent = value.get("parent")
        if parent is not None:
            parent = _object(parent, "parent")
            if not isinstance(parent.get("set_id"), str):
                raise ManifestError("parent.set_id must be a string")
            parent = ParentSet(parent["set_id"], _int(parent.get("gen_high"), "parent.gen_high"))
        manifest = cls(
            kind=kind, base_name=base_name,
            log_signature=_signature(value.get("log_signature"), "log_signature"),
            generations=_generations(value.get("generations"), "generations"),
            databases=tuple(DatabaseEntry.from_json(item, i) for i, item in enumerate(databases)),
            logs=tuple(LogEntry.from_json(item, i) for i, item in enumerate(logs)),
            parent=parent, **strings)
        paths = [entry.path for entry in manifest.entries()]
        duplicates = sorted({path for path in paths if paths.count(path) > 1})
        if duplicates:
            raise ManifestError(f"paths listed twice: {', '.join(duplicates)}")
        return manifest


def load_manifest(directory: str | os.PathLike[str]) -> Manifest:
    """Read and validate ``<directory>/manifest.json``.  Raises ``ManifestError`` with a
    one-line reason (``UnsafePathError`` when a path could escape the set)."""
    path = pathlib.Path(directory) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"no {MANIFEST_NAME} in {directory}: not a complete backup set") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read {path}: {exc}") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path} is not valid JSON: {exc}") from None
    return Manifest.from_json(value)


def is_backup_set(directory: str | os.PathLike[str]) -> bool:
    """True when ``directory`` has the shape of a backup set: a manifest, or both the
    ``databases/`` and ``logs/`` folders of one (a set whose manifest was lost)."""
    root = pathlib.Path(directory)
    return (root / MANIFEST_NAME).exists() or (
        (root / DATABASES_DIR).is_dir() and (root / LOGS_DIR).is_dir())


def _utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class BackupSetWriter:
    """Builds a backup set in ``directory``, for the backup code.

    Copy each file to ``database_path(name)`` / ``log_path(name)``, then register it with
    ``add_database`` / ``add_log`` (pass the SHA-256 when the copy loop computed it, else the
    file is hashed here); finally ``commit()`` writes ``manifest.json`` atomically.  Until then
    the directory has no manifest, so an interrupted backup never looks like a complete set.
    The facts recorded (page size, signatures, generations) are read from the copied files'
    own headers, never taken on trust.  An incremental set names the ``parent`` it continues.
    """

    def __init__(self, directory: str | os.PathLike[str], *, kind: SetKind = "full",
                 parent: Manifest | None = None, base_name: str | None = None,
                 engine: str | None = None) -> None:
        if kind not in _SET_KINDS:
            raise ValueError(f"kind must be one of {_SET_KINDS}, not {kind!r}")
        if (kind == "incremental") != (parent is not None):
            raise ValueError("an incremental set needs its parent set, and only it has one")
        if base_name is not None:
            _check_name(base_name, "base")
        self.directory = pathlib.Path(directory)
        if (self.directory / MANIFEST_NAME).exists():
            raise FileExistsError(f"{self.directory} already holds a backup set")
        self.kind: SetKind = kind
        self.set_id = str(uuid.uuid4())
        self.base_name = base_name
        self.engine = engine or esent.ENGINE
        self.tool = f"esent {esent.__version__}"
        self.parent = (ParentSet(parent.set_id, parent.generations[1] if parent.generations
                                 else 0) if parent is not None else None)
        self._databases: list[DatabaseEntry] = []
        self._logs: list[LogEntry] = []
        self._log_signature: Signature | None = None
        for folder in (DATABASES_DIR, LOGS_DIR):
            (self.directory / folder).mkdir(parents=True, exist_ok=True)

    def database_path(self, name: str) -> pathlib.Path:
        """Where to copy the database image called ``name`` (a plain file name)."""
        return self.directory / DATABASES_DIR / _check_name(name, "database")

    def log_path(self, name: str) -> pathlib.Path:
        """Where to copy the log file called ``name`` (a plain file name)."""
        return self.directory / LOGS_DIR / _check_name(name, "log")

    def add_database(self, name: str, *, sha256: str | None = None,
                     original_path: str | None = None) -> DatabaseEntry:
        """Register the database image already copied to ``database_path(name)``;
        ``original_path`` is where it lived on the machine backed up, for restore."""
        path = self.database_path(name)
        info = open_database(path)
        trailer = info.trailer
        entry = DatabaseEntry(
            path=f"{DATABASES_DIR}/{name}", size=path.stat().st_size,
            sha256=_sha256(sha256, "sha256") if sha256 else hash_file(path),
            page_size=info.page_size, db_signature=info.header.db_signature,
            log_signature=info.header.log_signature,
            backup_generations=(trailer.backup.gen_low, trailer.backup.gen_high)
            if trailer else None,
            original_path=original_path)
        self._databases.append(entry)
        return entry

    def add_log(self, name: str, *, sha256: str | None = None) -> LogEntry:
        """Register the log file already copied to ``log_path(name)``."""
        path = self.log_path(name)
        log = open_log(path)
        entry = LogEntry(path=f"{LOGS_DIR}/{name}", size=path.stat().st_size,
                         sha256=_sha256(sha256, "sha256") if sha256 else hash_file(path),
                         generation=log.header.generation)
        if self._log_signature is None:
            self._log_signature = log.header.log_signature
        self._logs.append(entry)
        return entry

    def manifest(self) -> Manifest:
        """The manifest as it stands (what ``commit`` writes)."""
        signature = self._log_signature or next(
            (entry.log_signature for entry in self._databases
             if not entry.log_signature.is_zero), None)
        generations = [entry.generation for entry in self._logs]
        return Manifest(
            set_id=self.set_id, kind=self.kind, created=_utc_now(), tool=self.tool,
            engine=self.engine, base_name=self.base_name, log_signature=signature,
            generations=(min(generations), max(generations)) if generations else None,
            databases=tuple(self._databases),
            logs=tuple(sorted(self._logs, key=lambda entry: entry.generation)),
            parent=self.parent)

    def commit(self) -> Manifest:
        """Write ``manifest.json`` (temporary file, fsync, rename, fsync of the folder) and
        return what was written."""
        manifest = self.manifest()
        text = json.dumps(manifest.to_json(), indent=2) + "\n"
        temporary = self.directory / (MANIFEST_NAME + ".tmp")
        with open(temporary, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, self.directory / MANIFEST_NAME)
        _fsync_directory(self.directory)
        return manifest


def _fsync_directory(directory: pathlib.Path) -> None:
    # Makes the rename durable on POSIX; Windows cannot open a directory this way (and NTFS
    # journals the rename), so there it is skipped.
    if os.name == "nt":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def list_set_files(directory: str | os.PathLike[str]) -> list[str]:
    """Every file in the set except the manifest (and its temporary), as sorted ``/``-separated
    relative paths: what ``esent verify`` compares with the manifest's list.  Symbolic links
    are listed, never followed."""
    root = pathlib.Path(directory)
    found = []
    for folder, directories, files in os.walk(root, followlinks=False):
        here = pathlib.Path(folder)
        linked_directories = [name for name in directories if (here / name).is_symlink()]
        for name in files + linked_directories:
            path = (here / name).relative_to(root).as_posix()
            if path not in (MANIFEST_NAME, MANIFEST_NAME + ".tmp"):
                found.append(path)
    return sorted(found)

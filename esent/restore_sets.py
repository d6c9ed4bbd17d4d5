"""``esent.restore()``: a full backup set plus its incrementals back into working databases.

Restore reads only what the sets' manifests list, after checking every path
(``esent.manifest``: no absolute path, no ``..``, nothing resolving outside the set) and, by
default, every file's size and SHA-256.  It writes only inside ``target``: the database copies
under their names in the set, and a work folder it removes again.  The engine then replays the
sets' logs into the copies (JetExternalRestore2) and leaves them clean, ready to attach.
"""

from __future__ import annotations

import os
import pathlib
import shutil
from dataclasses import dataclass
from typing import Callable, Sequence

from esent import _esent, manifest
from esent.params import get_global_param, set_global_params

#: The folder restore works in inside ``target`` (the logs it replays, the restore instance's
#: own log and checkpoint); removed when restore ends, whatever the outcome.
WORK_FOLDER = ".esent-restore"

RestoreProgress = Callable[[str, int, int], object]


class RestoreError(RuntimeError):
    """The backup sets given cannot be restored as asked (wrong order, gaps, missing parent,
    files that do not match their manifest, a target that already holds the databases)."""


@dataclass(frozen=True)
class RestoredDatabase:
    """A database restore produced: where it is now and where it lived when backed up."""

    path: pathlib.Path
    original_path: str | None


def _as_list(sets: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[pathlib.Path]:
    if isinstance(sets, (str, os.PathLike)):
        return [pathlib.Path(sets)]
    return [pathlib.Path(item) for item in sets]


def _check_chain(loaded: list[tuple[pathlib.Path, manifest.Manifest]]) -> tuple[int, int]:
    """The sets form one chain (a full set, then incrementals each continuing the previous) and
    their logs one unbroken run of generations; returns that run."""
    first_dir, first = loaded[0]
    if first.kind != "full":
        raise RestoreError(f"{first_dir}: restore starts from a full set, this one is "
                           f"{first.kind}")
    if not first.databases:
        raise RestoreError(f"{first_dir}: the full set holds no database")
    previous = first
    for directory, current in loaded[1:]:
        if current.kind != "incremental":
            raise RestoreError(f"{directory}: only incremental sets may follow the full set")
        if current.parent is None or current.parent.set_id != previous.set_id:
            raise RestoreError(f"{directory}: this incremental set does not continue "
                               f"{previous.set_id} (the set before it)")
        previous = current
    signatures = {m.log_signature for _, m in loaded if m.log_signature is not None}
    if len(signatures) > 1:
        raise RestoreError("the sets hold logs of different log streams (log signatures differ)")
    generations = sorted({log.generation for _, m in loaded for log in m.logs})
    if not generations:
        raise RestoreError("the sets hold no log file")
    missing = sorted(set(range(generations[0], generations[-1] + 1)) - set(generations))
    if missing:
        raise RestoreError("log generations missing between the sets: "
                           + ", ".join(f"{g:#x}" for g in missing))
    return generations[0], generations[-1]


def _check_file(directory: pathlib.Path, entry: manifest.DatabaseEntry | manifest.LogEntry,
                folder: str, verify: bool) -> pathlib.Path:
    path = manifest.resolve_entry(directory, entry.path, folder)
    if not path.is_file():
        raise RestoreError(f"{directory}: {entry.path} is listed but missing")
    if path.stat().st_size != entry.size:
        raise RestoreError(f"{directory}: {entry.path} has {path.stat().st_size} bytes, the "
                           f"manifest says {entry.size}")
    if verify and manifest.hash_file(path) != entry.sha256:
        raise RestoreError(f"{directory}: {entry.path} does not match its SHA-256 in the manifest")
    return path


def _copy(source: pathlib.Path, destination: pathlib.Path) -> None:
    # Exclusive create: restore never overwrites a file it did not make.
    with open(source, "rb") as reader, open(destination, "xb") as writer:
        shutil.copyfileobj(reader, writer, 4 << 20)
        writer.flush()
        os.fsync(writer.fileno())


def _use_page_size(page_size: int) -> None:
    current = get_global_param("DatabasePageSize")
    if current != page_size:
        try:
            set_global_params({"DatabasePageSize": page_size})
        except Exception as failure:
            raise RestoreError(
                f"the set's databases use {page_size}-byte pages but this process runs "
                f"{current}-byte pages (JET_paramDatabasePageSize is process-wide and fixed "
                "while an instance runs); restore in a process without running instances"
            ) from failure


def restore(sets: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
            target: str | os.PathLike[str], *, verify: bool = True,
            progress: RestoreProgress | None = None) -> list[RestoredDatabase]:
    """Restore a full backup set, then each incremental set after it, into ``target``.

    ``sets`` is one set directory or a list: the full set first, then its incrementals in the
    order they were taken.  ``target`` is created if needed and must not already hold a file
    of the same name as a restored database.  With ``verify`` (the default) every file's
    SHA-256 is checked against its manifest first.  ``progress(step, done, total)`` reports
    the copy of each file and the replay.  Returns the restored databases, clean and ready
    for ``session.attach_database(path)``.  On failure, nothing restore wrote is left behind.
    """
    directories = _as_list(sets)
    if not directories:
        raise ValueError("restore needs at least one backup set")
    loaded = [(directory, manifest.load_manifest(directory)) for directory in directories]
    gen_low, gen_high = _check_chain(loaded)
    full_dir, full = loaded[0]
    base_name = full.base_name or "edb"
    page_sizes = {entry.page_size for entry in full.databases}
    if len(page_sizes) != 1:
        raise RestoreError("the set's databases use different page sizes")
    for entry in full.databases:
        if entry.backup_generations is not None and entry.backup_generations[1] > gen_high:
            raise RestoreError(f"{entry.path} needs logs up to generation "
                               f"{entry.backup_generations[1]:#x}; the sets end at {gen_high:#x}")

    # Every path and hash is checked before anything is written.
    sources = [(_check_file(full_dir, entry, manifest.DATABASES_DIR, verify), entry)
               for entry in full.databases]
    logs = [(_check_file(directory, entry, manifest.LOGS_DIR, verify), entry)
            for directory, m in loaded for entry in m.logs]
    destination = pathlib.Path(target)
    destination.mkdir(parents=True, exist_ok=True)
    destination = destination.resolve()
    for _, entry in sources:
        if (destination / entry.name).exists():
            raise RestoreError(f"{destination / entry.name} already exists; restore never "
                               "overwrites a database")
    work = destination / WORK_FOLDER
    if work.exists():
        shutil.rmtree(work)
    written: list[pathlib.Path] = []
    try:
        log_dir = work / "backup-logs"
        instance_dir = work / "instance"
        log_dir.mkdir(parents=True)
        instance_dir.mkdir()
        steps = len(sources) + len(logs)
        for done, (source, entry) in enumerate(sources):
            if progress is not None:
                progress(f"copy {entry.path}", done, steps)
            written.append(destination / entry.name)
            _copy(source, destination / entry.name)
        seen_generations: set[int] = set()
        for done, (source, entry) in enumerate(logs, start=len(sources)):
            if entry.generation in seen_generations:
                continue  # the same generation in two sets: the first copy serves
            seen_generations.add(entry.generation)
            if progress is not None:
                progress(f"copy {entry.path}", done, steps)
            _copy(source, log_dir / entry.name)
        _use_page_size(page_sizes.pop())
        if progress is not None:
            progress("replay logs", steps, steps)
        restore_map = [(entry.original_path or entry.name, str(destination / entry.name))
                       for _, entry in sources]
        folder = str(instance_dir) + os.sep
        _esent.JetExternalRestore2(folder, folder, restore_map, str(log_dir) + os.sep,
                                   gen_low, gen_high, base_name)
    except BaseException:
        for path in written:
            try:
                path.unlink()
            except OSError:
                pass
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [RestoredDatabase(destination / entry.name, entry.original_path)
            for _, entry in sources]


__all__ = ["RestoreError", "RestoredDatabase", "WORK_FOLDER", "restore"]

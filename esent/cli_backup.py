"""``esent backup`` and ``esent restore``: backup sets from the command line.

``esent backup`` backs up an instance that no other process has open: it opens the instance's
files itself (JetInit, which runs recovery if the last run crashed), attaches the databases
named, writes a backup set with ``Instance.backup`` and terminates the instance.  Because
recovery on the wrong logs could damage databases, the system path, log path and base name are
given explicitly and checked against what is on disk first: the checkpoint ``<base>.chk`` must
be in the system path, the current log ``<base>.log`` in the log path, and both must carry the
same log signature; anything else is refused before the engine is started.

``esent restore`` restores a full set and its incrementals with ``esent.restore``.

Progress bars (rich, the ``cli`` extra) go to stderr when it is a terminal; ``--quiet`` prints
nothing but errors; ``--json`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import sys
import time
from collections.abc import Callable, Iterator

import esent
from esent.offline.checkpoint import open_checkpoint
from esent.offline.errors import OfflineFormatError
from esent.offline.log import open_log


class InstanceFilesMismatch(ValueError):
    """The folders and base name given do not describe one instance's files on disk."""


def check_instance_files(system_path: pathlib.Path, log_path: pathlib.Path,
                         base_name: str) -> str:
    """Refuse unless the checkpoint and the current log of ``base_name`` are where they are
    said to be and belong to the same log stream; returns a one-line description."""
    if len(base_name) != 3 or not base_name.isalnum():
        raise InstanceFilesMismatch(f"base name {base_name!r}: ESENT base names are 3 letters "
                                    "or digits (JET_paramBaseName)")
    checkpoint_path = system_path / f"{base_name}.chk"
    log_file = log_path / f"{base_name}.log"
    if not checkpoint_path.is_file():
        others = sorted(p.name for p in system_path.glob("*.chk")) if system_path.is_dir() else []
        raise InstanceFilesMismatch(
            f"no checkpoint {checkpoint_path}" + (f" (found {', '.join(others)}: another base "
                                                  "name?)" if others else ""))
    if not log_file.is_file():
        raise InstanceFilesMismatch(f"no current log {log_file}: is --log-path right?")
    try:
        checkpoint = open_checkpoint(checkpoint_path)
        log = open_log(log_file)
    except (OfflineFormatError, OSError) as failure:
        raise InstanceFilesMismatch(f"cannot read the instance's files: {failure}") from failure
    if checkpoint.header.log_signature != log.header.log_signature:
        raise InstanceFilesMismatch(
            f"{checkpoint_path} and {log_file} belong to different log streams (log signatures "
            "differ): refusing to run recovery on logs that are not this instance's")
    return f"checkpoint {checkpoint_path.name} and log {log_file.name} of one log stream"


@contextlib.contextmanager
def _file_bars(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich bar per file copied, on stderr, when wanted and possible."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn,
        )
    except ImportError:
        yield None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(os.path.basename(name), total=total)
            bar.update(tasks[name], completed=done)

        yield update


def run_backup(args: argparse.Namespace) -> int:
    system_path = pathlib.Path(args.system_path)
    log_path = pathlib.Path(args.log_path or args.system_path)
    try:
        checked = check_instance_files(system_path, log_path, args.base_name)
    except InstanceFilesMismatch as failure:
        print(f"esent backup: {failure}", file=sys.stderr)
        return 1
    if args.incremental and not args.parent:
        print("esent backup: --incremental needs --parent SET (the set it continues)",
              file=sys.stderr)
        return 2
    started = time.perf_counter()
    name = f"esent-backup-{os.getpid()}"
    params = {"BaseName": args.base_name, "CreatePathIfNotExist": False}
    with esent.Instance(name, system_path=system_path, log_path=log_path, params=params) as inst:
        with inst.session() as session:
            for database in args.database:
                session.attach_database(database)
            with _file_bars(not (args.quiet or args.json)) as progress:
                manifest = inst.backup(args.destination, incremental=args.incremental,
                                       parent=args.parent, truncate=not args.no_truncate,
                                       progress=progress)
    elapsed = time.perf_counter() - started
    size = sum(entry.size for entry in manifest.entries())
    if args.json:
        print(json.dumps({"set": str(args.destination), "manifest": manifest.to_json(),
                          "bytes": size, "seconds": round(elapsed, 3)}, indent=2))
    elif not args.quiet:
        low, high = manifest.generations or (0, 0)
        print(f"{manifest.kind} backup set {args.destination}: {len(manifest.databases)} "
              f"database(s), {len(manifest.logs)} log(s) (generations {low:#x}-{high:#x}), "
              f"{size / 1e6:,.1f} MB in {elapsed:.2f} s ({checked})")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    restored = esent.restore(args.sets, args.target, verify=not args.no_verify)
    elapsed = time.perf_counter() - started
    if args.json:
        print(json.dumps({"target": str(args.target), "seconds": round(elapsed, 3),
                          "databases": [{"path": str(r.path), "original_path": r.original_path}
                                        for r in restored]}, indent=2))
    elif not args.quiet:
        for database in restored:
            print(f"restored {database.path} (was {database.original_path})")
        print(f"{len(restored)} database(s) restored from {len(args.sets)} set(s) in "
              f"{elapsed:.2f} s; clean, ready to attach")
    return 0


def add_parsers(commands: argparse._SubParsersAction,
                formatter: type[argparse.HelpFormatter]) -> None:
    backup = commands.add_parser(
        "backup", help="back up an instance no other process has open into a backup set",
        description="Open an instance's files (running recovery if its last run crashed), "
                    "attach the databases given and write a backup set (docs/backup-set.md). "
                    "The system path, log path and base name are checked against the files on "
                    "disk first, and the backup is refused on any mismatch.",
        formatter_class=formatter)
    backup.add_argument("destination", metavar="SET", help="new or empty directory for the set")
    backup.add_argument("--system-path", required=True, metavar="DIR",
                        help="the instance's system path (holds <base>.chk)")
    backup.add_argument("--log-path", metavar="DIR",
                        help="the instance's log path (holds <base>.log; default: system path)")
    backup.add_argument("--base-name", default="edb", metavar="XXX",
                        help="the instance's log base name (default edb)")
    backup.add_argument("--database", action="append", required=True, metavar="PATH",
                        help="a database to back up (repeat for several)")
    backup.add_argument("--incremental", action="store_true",
                        help="copy only the logs since the set given with --parent")
    backup.add_argument("--parent", metavar="SET", help="the set an incremental one continues")
    backup.add_argument("--no-truncate", action="store_true",
                        help="keep the logs (a 'copy' backup: later incrementals need a full "
                             "backup that truncated)")
    output = backup.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON for scripts")
    output.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    backup.set_defaults(run=run_backup)

    restore = commands.add_parser(
        "restore", help="restore a full backup set and its incrementals",
        description="Restore a full backup set, then each incremental set after it, into TARGET: "
                    "every manifest path and SHA-256 is checked first, the databases are copied "
                    "and the sets' logs replayed into them; the result is clean and ready to "
                    "attach. Nothing is written outside TARGET, no file is overwritten.",
        formatter_class=formatter)
    restore.add_argument("sets", nargs="+", metavar="SET",
                         help="the full set, then its incrementals in order")
    restore.add_argument("--target", required=True, metavar="DIR",
                         help="where the restored databases go")
    restore.add_argument("--no-verify", action="store_true",
                         help="skip the SHA-256 check of every file (paths are always checked)")
    output = restore.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON for scripts")
    output.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    restore.set_defaults(run=run_restore)

"""The esent command line: ``python -m esent`` or ``esent``.

Commands:

- ``esent info PATH...``: what each file is (database, streaming-backup image, log, checkpoint)
  and its header facts.  Reads headers only, so it is instant on any size of file.
- ``esent verify PATH``: every page and log-segment checksum, both header copies, the backup
  trailer, and for a directory (an instance's log folder or a backup set) the rules that tie
  its files together and the set's manifest.  Exit code 0 only when everything holds.
- ``esent backup SET --system-path DIR --database PATH`` / ``esent restore SET... --target
  DIR``: backup sets of an instance no other process has open, and their restore
  (esent.cli_backup).
- ``esent demo``: backs up a database under load, restores it and checks it (esent.demo).

Exit codes: 0 success; 1 a problem was found or a file could not be read; 2 the command line
itself was wrong; 130 interrupted.  ``--json`` prints one JSON document on stdout, whose keys
are documented in ``esent.offline.info`` (info) and ``esent.offline.report`` (verify).

Each command is a function taking parsed arguments and returning an exit code.  Optional extras
(rich's progress bars) are imported only here, and only when a bar is shown; ``import esent``
never imports them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence

import esent
from esent import cli_backup, demo
from esent.offline import (
    CheckpointFile, DatabaseFile, FileInfo, FileKind, FileReport, LogFile, VerifyReport,
    inspect, planned_bytes, verify_path,
)
from esent.offline.enums import enum_name, flag_names
from esent.offline.report import Severity
from esent.offline.verify import fatal_problem

#: Work below this many bytes finishes too fast for a progress bar to help.
PROGRESS_MIN_BYTES = 128 << 20


# --------------------------------------------------------------------------------------------
# esent info
# --------------------------------------------------------------------------------------------

def _timed(position, time_value) -> str:
    return f"{position} ({time_value})" if time_value.is_set else str(position)


def _generations(low: int, high: int) -> str:
    if not low and not high:
        return "none"
    return f"generation {low}" if low == high else f"generations {low}-{high}"


def _database_lines(db: DatabaseFile) -> list[tuple[str, str]]:
    header = db.header
    if db.primary_ok and db.shadow_ok:
        copies = "both intact" + (", identical" if db.shadow_identical else
                                  f", but differing in {', '.join(db.differing_fields)}")
    else:
        copies = ("primary FAILS its checksum, shadow intact" if db.shadow_ok
                  else "primary intact, shadow FAILS its checksum")
    if db.trailer is None:
        trailer = "none"
    else:
        backup = db.trailer.backup
        trailer = (f"present: restore needs generations {backup.gen_low}-{backup.gen_high}, "
                   f"checksum {'ok' if db.trailer_checksum_ok else 'FAILS'}")
    major, minor, build, service_pack = header.os_version
    return [
        ("format", f"{header.format_version:#x} rev {header.format_revision:#x} (minor "
                   f"{header.format_update_minor}); created as {header.create_version:#x} rev "
                   f"{header.create_revision:#x}"),
        ("page size", f"{db.page_size} bytes, {db.page_count} pages"),
        ("state", enum_name(header.state)),
        ("database signature", str(header.db_signature)),
        ("log signature", str(header.log_signature)),
        ("consistent at", _timed(header.consistent_position, header.consistent_time)),
        ("attached at", _timed(header.attach_position, header.attach_time)),
        ("detached at", _timed(header.detach_position, header.detach_time)),
        ("required logs", _generations(header.gen_min_required, header.gen_max_required)),
        ("committed up to", str(header.gen_max_committed or "none")),
        ("last full backup", f"{header.backup_full_prev}"
         + (f" ({enum_name(header.backup_type_full_prev)})" if header.backup_full_prev.is_set
            else "")),
        ("last incremental", str(header.backup_incremental_prev)),
        ("last copy backup", str(header.backup_copy_prev)),
        ("last differential", str(header.backup_differential_prev)),
        ("backup in progress", str(header.backup_full_current)),
        ("snapshot in progress", str(header.backup_snapshot_current)),
        ("trailer", trailer),
        ("header copies", copies),
        ("flags", ", ".join(flag_names(header.flags)) or "none"),
        ("last OS", f"Windows {major}.{minor}.{build} SP{service_pack}"),
    ]


def _log_lines(log: LogFile) -> list[tuple[str, str]]:
    header = log.header
    what = {"esent-v8": "every 4 KiB segment checksummed",
            "esent-v7": "record checksums (LRCHECKSUM), not verified by this tool",
            "libese": "libese's own log format",
            "unknown": "unknown format: header only"}[header.format.value]
    lines = [
        ("generation", str(header.generation)),
        ("format", f"{header.version} ({what})"),
        ("log signature", str(header.log_signature)),
        ("created", str(header.created)),
        ("previous created", str(header.previous_generation_created)),
        ("size", f"{log.size} bytes; header announces {header.file_sectors} sectors of "
                 f"{header.sector_size}" + (" (TRUNCATED)" if log.truncated else "")),
        ("header checksum", "ok" if log.header_ok else "FAILS"),
        ("database pages", f"{header.db_page_size} bytes"),
        ("flags", ", ".join(flag_names(header.flags)) or "none"),
        ("checkpoint at", str(header.checkpoint_position)),
    ]
    for entry in header.attachments:
        lines.append((f"attached dbid {entry.dbid}",
                      f"{entry.path} (signature {entry.db_signature})"))
    return lines


def _checkpoint_lines(checkpoint: CheckpointFile) -> list[tuple[str, str]]:
    header = checkpoint.header
    if checkpoint.primary_ok and checkpoint.shadow_ok:
        copies = "both intact" + (", identical" if checkpoint.copies_identical else ", differing")
    else:
        copies = "first FAILS its checksum" if not checkpoint.primary_ok else \
            "second FAILS its checksum"
    return [
        ("checkpoint", str(header.checkpoint)),
        ("log signature", str(header.log_signature)),
        ("last full backup", _timed(header.full_backup_position, header.full_backup_time)),
        ("last incremental", _timed(header.incremental_backup_position,
                                    header.incremental_backup_time)),
        ("copies", copies),
    ]


def _print_info(info: FileInfo) -> None:
    print(f"{info.path}: {info.description}")
    decoded = info.decoded
    if isinstance(decoded, DatabaseFile):
        lines = _database_lines(decoded)
    elif isinstance(decoded, LogFile):
        lines = _log_lines(decoded)
    elif isinstance(decoded, CheckpointFile):
        lines = _checkpoint_lines(decoded)
    else:
        lines = []
    width = max((len(label) for label, _ in lines), default=0)
    for label, value in lines:
        print(f"  {label:<{width}}  {value}")


def _info(args: argparse.Namespace) -> int:
    """Identify each file and print its header facts."""
    infos = [inspect(path) for path in args.paths]
    if args.json:
        print(json.dumps([info.to_json() for info in infos], indent=2))
    else:
        for number, info in enumerate(infos):
            if info.error:
                print(f"esent: {info.path}: {info.error}", file=sys.stderr)
                continue
            if number:
                print()
            _print_info(info)
    return 1 if any(info.error for info in infos) else 0


# --------------------------------------------------------------------------------------------
# esent verify
# --------------------------------------------------------------------------------------------

@contextlib.contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr for work of ``total`` bytes, when it is wanted, stderr is
    a terminal, the work is long enough and rich (the ``cli`` extra) is installed."""
    if not enabled or total < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        yield None
        return
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
            TransferSpeedColumn,
        )
    except ImportError:  # the cli extra is not installed: verify without a bar
        yield None
        return
    columns = (TextColumn("verifying"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("verify", total=total)
        yield lambda count: bar.advance(task, count)


def _file_summary(report: FileReport) -> str:
    info, checked = report.info, report.checked
    if isinstance(info, DatabaseFile):
        what = ("streaming-backup image" if report.kind is FileKind.BACKUP_IMAGE
                else "database")
        text = f"{what}, {info.page_size}-byte pages"
        if checked:
            text += (f", {checked.get('pages', 0)} pages checked ({checked.get('ok', 0)} ok, "
                     f"{checked.get('uninitialized', 0)} never written)")
    elif isinstance(info, LogFile):
        text = f"log generation {info.header.generation}, format {info.header.version}"
        if checked:
            text += (f", {checked.get('segments', 0)} segments checked ({checked.get('ok', 0)} "
                     f"ok, {checked.get('uninitialized', 0)} unused)")
    elif isinstance(info, CheckpointFile):
        text = f"checkpoint at generation {info.header.checkpoint.generation}"
    else:
        text = report.kind.value
    return text


def _print_verify(report: VerifyReport, quiet: bool) -> None:
    for file in report.files:
        if quiet and file.ok:
            continue
        count = len(file.problems) + file.unlisted_problems
        verdict = "OK" if file.ok else f"{count} problem{'s' if count != 1 else ''}"
        print(f"{file.path}: {_file_summary(file)}: {verdict}")
        for problem in file.problems:
            location = [f"page {problem.page}"] if problem.page is not None else []
            location += [f"sector {problem.sector}"] if problem.sector is not None else []
            print("  " + ": ".join(location + [problem.message]))
        if file.unlisted_problems:
            print(f"  ... and {file.unlisted_problems} more problems, not listed")
        if not quiet:
            for note in file.notes:
                print(f"  note: {note}")
    if report.problems:
        print("backup set:" if report.kind == "backup-set" else "across files:")
        for problem in report.problems:
            print(f"  {problem}")
    if not quiet:
        for note in report.notes:
            print(f"note: {note}")
    files = f"{len(report.files)} file{'s' if len(report.files) != 1 else ''}"
    if report.ok:
        if not quiet:
            print(f"OK: {files} verified, no problems")
        return
    count = report.problem_count
    correctable = sum(problem.severity is Severity.CORRECTABLE
                      for problem in report.all_problems())
    print(f"FAILED: {count} problem{'s' if count != 1 else ''}"
          + (f" ({correctable} correctable)" if correctable else "") + f" in {files} verified")


def _verify(args: argparse.Namespace) -> int:
    """Verify a file or directory; exit 0 only when everything holds."""
    show_bar = not (args.quiet or args.json)
    with _progress_bar(planned_bytes(args.path), show_bar) as progress:
        report = verify_path(args.path, progress=progress)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
        return 0 if report.ok else 1
    if report.kind == "file":
        fatal = fatal_problem(report.files[0])
        if fatal is not None:  # nothing else could be checked: one line says it all
            print(f"esent: {fatal}", file=sys.stderr)
            return 1
    _print_verify(report, args.quiet)
    return 0 if report.ok else 1


# --------------------------------------------------------------------------------------------
# Parser and entry point
# --------------------------------------------------------------------------------------------

_DESCRIPTION = """\
Online backup and restore of ESENT databases (Windows esent.dll, or libese), and offline
tools that read and verify ESE files on any OS: databases, streaming-backup images, transaction
logs, checkpoints and backup sets."""

_EPILOG = """\
exit codes: 0 success; 1 a problem was found or a file could not be read; 2 bad command line.
Run 'esent COMMAND --help' for a command's options."""

_INFO_EPILOG = """\
Reads headers only (never the pages), so it is instant on any size of file. Files are
identified by their content, not their names. With --json, prints a list with one object per
PATH (keys documented in esent.offline.info); exit code 1 when any PATH is not a readable ESE
file."""

_VERIFY_EPILOG = """\
PATH may be a database, a streaming-backup image, a log, a checkpoint, or a directory: a
backup set (manifest.json, databases/, logs/) or an instance's log folder. Checked: every page
and v8 log-segment checksum (a single flipped bit is reported as correctable, with its bit),
the header against its shadow, the backup trailer; for a directory also that databases, logs
and checkpoint carry the same signatures, that log generations are continuous and chain by
creation time, that every generation a dirty database, a backup image or the set needs is
present; for a backup set also the manifest's sizes, SHA-256 and recorded facts.

Exit code 0 only when everything holds; otherwise each problem is printed with its file and
page or log sector. With --json, prints one object (keys documented in esent.offline.report)."""


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="esent", description=_DESCRIPTION, epilog=_EPILOG,
                                     formatter_class=formatter)
    parser.add_argument(
        "--version", action="version", version=f"esent {esent.__version__} ({esent.ENGINE})"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    info = commands.add_parser(
        "info", help="what each file is and its header facts",
        description="Show what each file is (database, streaming-backup image, log, "
                    "checkpoint) and its header facts: page size, format version and revision, "
                    "state, signatures, log positions, required generations, backup info.",
        epilog=_INFO_EPILOG, formatter_class=formatter)
    info.add_argument("paths", nargs="+", metavar="PATH", help="file to describe")
    info.add_argument("--json", action="store_true", help="print JSON for scripts")
    info.set_defaults(run=_info)

    verify = commands.add_parser(
        "verify", help="check every checksum and the rules tying files together",
        description="Verify an ESE file, an instance's log folder or a backup set, offline.",
        epilog=_VERIFY_EPILOG, formatter_class=formatter)
    verify.add_argument("path", metavar="PATH", help="file or directory to verify")
    output = verify.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON for scripts")
    output.add_argument("-q", "--quiet", action="store_true",
                        help="print only problems; the exit code tells the result")
    verify.set_defaults(run=_verify)

    cli_backup.add_parsers(commands, formatter)
    demo.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except esent.errors.EsentError as exc:
        print(f"esent: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("esent: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `esent info ... | head`): nothing to say.
        sys.stderr.close()
        return 1

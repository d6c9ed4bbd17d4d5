"""The esent command line: ``python -m esent`` or ``esent``.

Commands grow with the library; each is a function taking parsed arguments and returning an exit
code.  Optional extras (progress bars) are imported only here, never by ``import esent``.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import time
from collections.abc import Sequence

import esent
from esent import jet


def _demo(args: argparse.Namespace) -> int:
    """Run the engine through what this build implements and report each step."""
    folder = pathlib.Path(args.dir or tempfile.mkdtemp(prefix="esent-demo-"))
    print(f"esent {esent.__version__} on {esent.ENGINE}; files in {folder}")
    started = time.perf_counter()
    with esent.Instance(
        "esent-demo",
        system_path=folder / "system",
        log_path=folder / "logs",
        params={"BaseName": "edb"},
    ) as inst:
        handle = inst.handle
        print(f"  instance {inst.name!r} initialised, handle {handle:#x}")
        for name in ("SystemPath", "LogFilePath", "BaseName", "LogFileSize", "CircularLog"):
            print(f"    {name:<12} = {inst.get_param(name)!r}")
        sessions = [inst.session() for _ in range(4)]
        version = sessions[0].version()
        major, minor, build = version >> 28, (version >> 24) & 0xF, (version >> 8) & 0xFFFF
        print(f"  {len(sessions)} sessions open; engine version {major}.{minor} build {build}")
        inst.stop_backup()
        print("  JetStopBackupInstance on an idle instance: succeeded (nothing to stop)")
    elapsed = time.perf_counter() - started
    print(f"  closed sessions, then terminated the instance ({elapsed:.3f} s)")
    try:
        jet.JetStopBackupInstance(handle)
    except esent.errors.InvalidInstanceError as exc:
        print(f"  the terminated instance's handle is refused: {exc.name} ({exc.code})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="esent",
        description="Online backup and restore of ESENT databases (Windows esent.dll, or libese).",
    )
    parser.add_argument(
        "--version", action="version", version=f"esent {esent.__version__} ({esent.ENGINE})"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser("demo", help="run the engine through what this build implements")
    demo.add_argument("--dir", help="folder for the demo's files (default: a new temporary one)")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except esent.errors.EsentError as exc:
        print(f"esent: {exc}", file=sys.stderr)
        return 1

"""The command line: `python -m esent demo` (the README's first command) runs and reports."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

pytestmark = pytest.mark.contract


def test_demo_runs(tmp_path: pathlib.Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "esent", "demo", "--dir", str(tmp_path), "--rows", "300"],
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "initialised" in out.stdout
    assert "JET_errInvalidInstance (-1115)" in out.stdout
    # the demo's own check: rows committed by a killed writer come back after recovery
    assert "committed rows lost: 0" in out.stdout
    assert (tmp_path / "system").is_dir() and (tmp_path / "logs").is_dir()


def test_help_lists_commands() -> None:
    out = subprocess.run([sys.executable, "-m", "esent", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "demo" in out.stdout


def test_unknown_command_fails_cleanly() -> None:
    out = subprocess.run([sys.executable, "-m", "esent", "nope"], capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr

"""The command line: `python -m esent demo` (the README's first command) runs and reports."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

pytestmark = pytest.mark.contract


def test_demo_runs(tmp_path: pathlib.Path) -> None:
    """The demo backs up under load, restores and checks; its own check must pass."""
    out = subprocess.run(
        [sys.executable, "-m", "esent", "demo", "--dir", str(tmp_path), "--rows", "2000",
         "--pause", "0.2"],
        capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "full backup -> backups/full" in out.stdout
    assert "incremental backup -> backups/incremental-1" in out.stdout
    assert "missing: 0, restored in part: 0, never committed: 0" in out.stdout
    assert (tmp_path / "backups" / "full" / "manifest.json").is_file()
    assert (tmp_path / "restored" / "demo.edb").is_file()
    assert not (tmp_path / "restored" / ".esent-restore").exists()


def test_help_lists_commands() -> None:
    out = subprocess.run([sys.executable, "-m", "esent", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "demo" in out.stdout


def test_unknown_command_fails_cleanly() -> None:
    out = subprocess.run([sys.executable, "-m", "esent", "nope"], capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr

"""`esent verify PATH`: exit code 0 only when everything holds; each problem printed with its
file and page or sector; one clear line (never a traceback) for files that cannot be verified
at all; --json and --quiet; and `esent --help` lists the commands.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

import esent
from esent.cli import main

ENV = dict(os.environ, PYTHONPATH=str(pathlib.Path(esent.__file__).resolve().parent.parent))
SAMPLE = "secedit-win11-22631.sdb"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "esent", *args], capture_output=True,
                          text=True, env=ENV, timeout=120)


@pytest.fixture
def damaged_copy(sample_dir: pathlib.Path, tmp_path: pathlib.Path) -> pathlib.Path:
    """secedit with format facts §11's negative control (page 3, bit 8005) and page 5
    smashed."""
    data = bytearray((sample_dir / SAMPLE).read_bytes())
    data[4 * 4096 + 1000] ^= 0x20
    data[6 * 4096 + 2000:6 * 4096 + 2004] = b"\xde\xad\xbe\xef"
    path = tmp_path / "damaged.sdb"
    path.write_bytes(data)
    return path


@pytest.mark.contract
def test_clean_sample_exits_zero(sample_dir: pathlib.Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """MANIFEST.md: every in-use page of the samples passes its checksum."""
    assert main(["verify", str(sample_dir / SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "254 pages checked (36 ok, 218 never written): OK" in out
    assert main(["verify", "--quiet", str(sample_dir / SAMPLE)]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.contract
def test_damage_is_listed_with_pages(damaged_copy: pathlib.Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Format facts §6.3: the single-bit error is correctable (bit 8005), the smashed page is
    corrupt; exit code 1."""
    assert main(["verify", str(damaged_copy)]) == 1
    out = capsys.readouterr().out
    assert "page 3: single flipped bit 8005 (byte 1000, bit 5)" in out
    assert "page 5: checksum mismatch" in out
    assert "FAILED: 2 problems (1 correctable)" in out


@pytest.mark.contract
def test_json_report(damaged_copy: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json: one document with stable keys (esent.offline.report), problems located."""
    assert main(["verify", "--json", str(damaged_copy)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"target", "kind", "ok", "problem_count", "correctable_count",
                             "files", "problems", "notes"}
    assert document["ok"] is False and document["problem_count"] == 2
    assert document["correctable_count"] == 1
    (file,) = document["files"]
    assert file["type"] == "database" and file["checked"]["pages"] == 254
    assert [(p["code"], p["page"], p["bit"], p["severity"]) for p in file["problems"]] == [
        ("page-correctable", 3, 8005, "correctable"), ("page-bad", 5, None, "error")]


@pytest.mark.libese
@pytest.mark.parametrize("content, words", [
    (b"", "empty file"),
    (b"just some text\n" * 100, "not an ESE file"),
])
def test_unverifiable_files_one_line(tmp_path: pathlib.Path, content: bytes, words: str) -> None:
    """Empty and non-ESE files: exactly one line on stderr, exit 1, no traceback."""
    path = tmp_path / "file.edb"
    path.write_bytes(content)
    result = run_cli("verify", str(path))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and words in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.contract
@pytest.mark.parametrize("size", [1000, 5000, 500_000])
def test_truncated_database_one_line(sample_dir: pathlib.Path, tmp_path: pathlib.Path,
                                     size: int) -> None:
    """A database cut short (inside the header, the shadow, a page): one line naming the
    truncation, exit 1, no traceback."""
    path = tmp_path / "cut.sdb"
    path.write_bytes((sample_dir / SAMPLE).read_bytes()[:size])
    result = run_cli("verify", str(path))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "truncated" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.libese
def test_missing_path_and_usage_errors(tmp_path: pathlib.Path) -> None:
    """A missing path is one line and exit 1; a bad command line exits 2 with usage."""
    result = run_cli("verify", str(tmp_path / "nope.edb"))
    assert result.returncode == 1 and "No such file" in result.stderr
    assert result.stderr.count("\n") == 1
    result = run_cli("verify")
    assert result.returncode == 2 and "usage" in result.stderr
    result = run_cli("verify", "--json", "--quiet", str(tmp_path))
    assert result.returncode == 2 and "not allowed" in result.stderr


@pytest.mark.libese
def test_help_reads_well() -> None:
    """esent --help lists exactly info, verify, backup, restore and demo, one line each, and
    the exit codes;
    each command's --help explains what it checks and its output options."""
    result = run_cli("--help")
    assert result.returncode == 0
    listing = result.stdout.split("COMMAND\n", 1)[1].split("\noptions:", 1)[0]
    assert [line.split()[0] for line in listing.splitlines() if line.strip()] == [
        "info", "verify", "backup", "restore", "demo"]
    assert "exit codes" in result.stdout
    verify_help = run_cli("verify", "--help").stdout
    for words in ("--json", "--quiet", "single flipped bit", "backup set", "Exit code 0"):
        assert words in verify_help
    assert "--json" in run_cli("info", "--help").stdout


@pytest.mark.libese
def test_rich_is_imported_only_for_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """`import esent` (and even the CLI module) never imports rich; the bar is drawn only on a
    terminal, for work long enough to need it, and then advances with the bytes read."""
    result = subprocess.run(
        [sys.executable, "-c", "import esent, esent.offline, esent.cli, sys; "
                               "print('rich' in sys.modules)"],
        capture_output=True, text=True, env=ENV)
    assert result.stdout.strip() == "False"
    import esent.cli as cli
    with cli._progress_bar(1 << 40, True) as advance:
        assert advance is None  # pytest's stderr is not a terminal
    pytest.importorskip("rich")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with cli._progress_bar(cli.PROGRESS_MIN_BYTES - 1, True) as advance:
        assert advance is None  # too little work
    with cli._progress_bar(cli.PROGRESS_MIN_BYTES, False) as advance:
        assert advance is None  # --quiet / --json
    with cli._progress_bar(cli.PROGRESS_MIN_BYTES, True) as advance:
        assert advance is not None
        advance(cli.PROGRESS_MIN_BYTES)

"""`esent info PATH...`: what each file is and its header facts, for people and (--json) for
scripts, on the Windows-written samples (compared with their MANIFEST.md and the fact sheet's
worked example, format facts §11) and on files that are not ESE.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest
from conftest import MANIFEST_FACTS

import esent
from esent.cli import main
from esent.offline import LogTime, Signature, synthesize

# The esent under test, also for the subprocesses (the installed one may be another checkout).
ENV = dict(os.environ, PYTHONPATH=str(pathlib.Path(esent.__file__).resolve().parent.parent))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "esent", *args], capture_output=True,
                          text=True, env=ENV, timeout=120)


@pytest.mark.contract
def test_info_human_output_on_samples(sample_dir: pathlib.Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Format facts §11 (secedit) and MANIFEST.md (qmgr): page size, format version and
    revision, state and both signatures are printed."""
    assert main(["info", str(sample_dir / "secedit-win11-22631.sdb"),
                 str(sample_dir / "qmgr-16k.db")]) == 0
    out = capsys.readouterr().out
    secedit, qmgr = out.split("\n\n")
    assert "ESE database, 4096-byte pages" in secedit
    assert "0x620 rev 0xe6 (minor 500)" in secedit and "CleanShutdown" in secedit
    assert "0x1f1028e4, created 2024-07-02T15:16:37.626Z" in secedit
    assert "0x623e0b0b, created 2024-07-01T09:36:33.366Z" in secedit
    assert "generation 2, sector 33, byte 0" in secedit
    assert "16384 bytes, 78 pages" in qmgr and "0x620 rev 0x12c" in qmgr
    assert "DirtyShutdown" in qmgr and "required logs" in qmgr


@pytest.mark.contract
def test_info_json_on_every_sample(sample_dir: pathlib.Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """--json: one object per path with stable keys; the facts match MANIFEST.md."""
    names = sorted(MANIFEST_FACTS)
    assert main(["info", "--json", *(str(sample_dir / name) for name in names)]) == 0
    documents = json.loads(capsys.readouterr().out)
    assert [doc["path"] for doc in documents] == [str(sample_dir / name) for name in names]
    for name, doc in zip(names, documents):
        page_size, revision, state, log_signature_zero = MANIFEST_FACTS[name]
        assert set(doc) == {"path", "type", "size", "description", "error", "database", "log",
                            "checkpoint"}
        assert doc["type"] == "database" and doc["log"] is None and doc["error"] is None
        header = doc["database"]["header"]
        assert (header["page_size"], header["format_revision"], header["state"]) == (
            page_size, revision, state.name)
        assert header["format_version"] == 0x620
        assert (header["log_signature"]["random"] == "0x00000000") == log_signature_zero
        assert doc["database"]["trailer"] is None


@pytest.mark.libese
def test_info_on_log_and_image(sample_dir: pathlib.Path, tmp_path: pathlib.Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """A log shows its generation, version, signature and size; a streaming-backup image its
    trailer and the generations restoring it needs."""
    signature = Signature(0x1234, LogTime(2025, 1, 1, utc=True))
    (tmp_path / "edb0000C.log").write_bytes(synthesize.make_log(
        12, signature, created=LogTime(2025, 1, 2, 3, 4, 5, 6, utc=True)))
    (tmp_path / "image.edb").write_bytes(synthesize.backup_image(
        (sample_dir / "secedit-win11-22631.sdb").read_bytes(), 10, 12, signature))
    assert main(["info", str(tmp_path / "edb0000C.log"), str(tmp_path / "image.edb")]) == 0
    out = capsys.readouterr().out
    assert "generation        12" in out and "8.4000.60.140" in out
    assert "created           2025-01-02T03:04:05.006Z" in out
    assert "streaming backup" in out and "restore needs generations 10-12" in out
    assert main(["info", "--json", str(tmp_path / "edb0000C.log")]) == 0
    (doc,) = json.loads(capsys.readouterr().out)
    assert doc["type"] == "log" and doc["log"]["header"]["generation"] == 12
    assert doc["log"]["header"]["log_signature"]["random"] == "0x00001234"


@pytest.mark.libese
def test_info_errors_are_one_line(tmp_path: pathlib.Path) -> None:
    """Empty, non-ESE and missing files: one line each on stderr, exit 1, no traceback; the
    good files are still described."""
    (tmp_path / "empty.edb").write_bytes(b"")
    (tmp_path / "text.edb").write_text("hello\n")
    (tmp_path / "edb00001.log").write_bytes(synthesize.make_log(
        1, Signature(1, LogTime(2025, 1, 1, utc=True)), created=LogTime(2025, 1, 1, utc=True)))
    result = run_cli("info", str(tmp_path / "empty.edb"), str(tmp_path / "text.edb"),
                     str(tmp_path / "missing.edb"), str(tmp_path / "edb00001.log"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("esent: ") for line in lines)
    assert "empty file" in lines[0] and "not an ESE file" in lines[1]
    assert "No such file" in lines[2]
    assert "ESE transaction log, generation 1" in result.stdout

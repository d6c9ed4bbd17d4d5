"""The files a running instance keeps: its log and checkpoint, created and locked by JetInit,
closed cleanly by JetTerm.

Citations: ese-backup-facts.md §8 (file naming: `<base>.log` in the log path, `<base>.chk` in the
system path), docs/contract/first-slice.md §4 (JET_paramRecovery "off" runs without logging).
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from collections.abc import Callable

import pytest

import esent
from esent import errors


@pytest.mark.contract
def test_init_creates_log_and_checkpoint(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    """facts §8: the current log is <base>.log in the log path, the checkpoint <base>.chk in the
    system path."""
    with esent.Instance(new_name(), system_path=tmp_path / "sys", log_path=tmp_path / "logs"):
        assert (tmp_path / "logs" / "edb.log").is_file()
        assert (tmp_path / "sys" / "edb.chk").is_file()


@pytest.mark.contract
def test_base_name_names_the_files(tmp_path: pathlib.Path, new_name: Callable[..., str]) -> None:
    """facts §8: JET_paramBaseName gives the three-letter prefix of every log and checkpoint."""
    with esent.Instance(new_name(), system_path=tmp_path, params={"BaseName": "abc"}):
        assert (tmp_path / "abc.log").is_file() and (tmp_path / "abc.chk").is_file()
        assert not (tmp_path / "edb.log").exists()


@pytest.mark.contract
def test_recovery_off_writes_no_log(tmp_path: pathlib.Path, new_name: Callable[..., str]) -> None:
    """first-slice §4: with JET_paramRecovery "off" the instance runs without a log."""
    with esent.Instance(new_name(), system_path=tmp_path, params={"Recovery": "off"}):
        pass
    assert not list(tmp_path.glob("*.log")) and not list(tmp_path.glob("*.chk"))


@pytest.mark.contract
def test_restart_on_the_same_files(tmp_path: pathlib.Path, new_name: Callable[..., str]) -> None:
    """After a clean JetTerm the same folders start again (the log continues)."""
    for _ in range(3):
        with esent.Instance(new_name(), system_path=tmp_path) as inst:
            inst.session().close()
    assert (tmp_path / "edb.log").is_file()


@pytest.mark.libese
def test_log_is_libese_format(tmp_path: pathlib.Path, new_name: Callable[..., str]) -> None:
    """libese's logs carry a format version esent.dll does not know, so neither engine replays
    the other's logs (DESIGN, libese); the offline reader recognises them."""
    from esent import _esent
    from esent.offline import detect

    with esent.Instance(new_name(), system_path=tmp_path):
        pass
    head = (tmp_path / "edb.log").read_bytes()[:4096]
    assert int.from_bytes(head[32:36], "little") == _esent.LIBESE_LOG_VERSION_MAJOR
    assert "libese" in str(detect(tmp_path / "edb.log")).lower()


@pytest.mark.libese
def test_second_process_cannot_use_a_running_log(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    """A running instance holds its log: another process on the same log folder and base name
    gets JET_errLogFilePathInUse and never touches the files."""
    code = (
        "import sys, esent\n"
        "try:\n"
        f"    with esent.Instance('other', system_path={str(tmp_path / 'sys2')!r}, "
        f"log_path={str(tmp_path)!r}):\n"
        "        print('started')\n"
        "except esent.errors.EsentError as e:\n"
        "    print(e.name)\n"
    )
    with esent.Instance(new_name(), system_path=tmp_path):
        before = (tmp_path / "edb.log").read_bytes()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60, env=dict(os.environ))
        assert out.stdout.strip() == "JET_errLogFilePathInUse", out.stderr
        assert (tmp_path / "edb.log").read_bytes() == before


@pytest.mark.libese
@pytest.mark.skipif(esent.ENGINE != "libese", reason="fault injection exists only in libese")
def test_failed_log_fsync_fails_init_cleanly(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    """A failed fsync while the log is created fails JetInit with a log error, frees the
    instance, and a retry on the same folder succeeds."""
    from esent import _testing

    name = new_name()
    with _testing.fail_nth("fsync", 1):
        with pytest.raises((errors.LogWriteFailError, errors.DiskIOError)):
            with esent.Instance(name, system_path=tmp_path):
                pass
    with esent.Instance(name, system_path=tmp_path):
        pass

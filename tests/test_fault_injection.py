"""Fault injection in libese's allocation layer, walked over the first slice's workload.

Every allocation the workload makes is failed in turn; each failure must surface as
JET_errOutOfMemory (OutOfMemoryError) from the call that needed it, leave no instance or session
behind, and the same workload must then succeed.  (I/O faults are exercised by the C tests of
the I/O layer until the engine core does file I/O; see tests/c/test_osal.c.)
"""

from __future__ import annotations

from collections.abc import Callable

import os
import pathlib

import pytest

import esent
from esent import errors, jet

pytestmark = [
    pytest.mark.libese,
    pytest.mark.skipif(esent.ENGINE != "libese", reason="fault injection exists only in libese"),
]

if esent.ENGINE == "libese":
    from esent import _testing


def workload(folder: pathlib.Path, new_name: Callable[..., str]) -> None:
    """Create, configure, initialise, use and terminate an instance, all through esent.jet."""
    handle = jet.JetCreateInstance2(new_name("fault"))
    try:
        for param in (jet.JET_paramSystemPath, jet.JET_paramLogFilePath, jet.JET_paramTempPath):
            jet.JetSetSystemParameter(handle, 0, param, 0, str(folder) + os.sep)
        jet.JetSetSystemParameter(handle, 0, jet.JET_paramBaseName, 0, "abc")
        jet.JetInit3(handle)
        sesid = jet.JetBeginSession(handle)
        jet.JetGetVersion(sesid)
        jet.JetEndSession(sesid)
    except BaseException:
        try:
            jet.JetTerm2(handle)
        except errors.EsentError:
            pass  # a failed JetInit already freed it
        raise
    jet.JetTerm2(handle)


def test_every_allocation_failure_is_out_of_memory(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    workload(tmp_path, new_name)  # warm-up: the registries grow once per process
    _testing.reset()
    workload(tmp_path, new_name)
    total = _testing.count("alloc")
    assert total > 5, "the workload should allocate"
    failures = 0
    for nth in range(1, total + 1):
        with _testing.fail_nth("alloc", nth):
            try:
                workload(tmp_path, new_name)
            except errors.OutOfMemoryError as exc:
                assert exc.code == -1011
                failures += 1
        # nothing left over: the workload runs cleanly right after each failure
        workload(tmp_path, new_name)
    # Every allocation point produced the documented error (none was swallowed).
    assert failures == total


def test_environment_variable_arms_a_fault(tmp_path: pathlib.Path) -> None:
    """LIBESE_FAULT=alloc:1 makes the first allocation of a fresh process fail."""
    import subprocess
    import sys

    code = (
        "import esent.jet as jet, esent.errors as e\n"
        "try:\n"
        "    jet.JetCreateInstance2('env-fault')\n"
        "except e.OutOfMemoryError:\n"
        "    print('oom')\n"
    )
    env = dict(os.environ, LIBESE_FAULT="alloc:1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "oom", out.stderr

"""Jet constants as esent.jet exports them: the values of the header the module was built against.

The expected values are those of the Windows SDK's esent.h (ese-backup-facts.md §7, and the SDK
header itself for the data-API grbits); on Windows the module is compiled against that header, so
these tests check the SDK, and on Linux they check libese's copy of the contract.
"""

from __future__ import annotations

import pathlib
import re

import pytest

from esent import jet

SDK_VALUES = {
    # system parameters (facts §7.3)
    "JET_paramSystemPath": 0, "JET_paramTempPath": 1, "JET_paramLogFilePath": 2,
    "JET_paramBaseName": 3, "JET_paramMaxSessions": 5, "JET_paramLogFileSize": 11,
    "JET_paramCircularLog": 17, "JET_paramCacheSizeMax": 23, "JET_paramRecovery": 34,
    "JET_paramDatabasePageSize": 64, "JET_paramOSSnapshotTimeout": 82,
    "JET_paramCreatePathIfNotExist": 100, "JET_paramMaxInstances": 104,
    "JET_paramLegacyFileNames": 136,
    # backup, term and file-name grbits (facts §7.2)
    "JET_bitBackupIncremental": 0x1, "JET_bitBackupAtomic": 0x4, "JET_bitBackupEndNormal": 0x1,
    "JET_bitBackupEndAbort": 0x2, "JET_bitBackupTruncateDone": 0x100,
    "JET_bitTermComplete": 0x1, "JET_bitTermAbrupt": 0x2, "JET_bitTermStopBackup": 0x4,
    "JET_bitTermDirty": 0x8, "JET_bitESE98FileNames": 0x1, "JET_bitEightDotThreeSoftCompat": 0x2,
    # error codes (facts §7.1)
    "JET_errBackupAbortByServer": -801, "JET_errInvalidParameter": -1003,
    "JET_errInvalidInstance": -1115, "JET_errNoBackup": -520, "JET_errInvalidBackupSequence": -521,
}


@pytest.mark.contract
@pytest.mark.parametrize("name, value", sorted(SDK_VALUES.items()))
def test_constant_has_the_sdk_value(name: str, value: int) -> None:
    assert getattr(jet, name) == value


def _defines(path: pathlib.Path) -> dict[str, int]:
    text = path.read_text()
    found = {}
    for name, value in re.findall(r"#define (JET_\w+)\s+\(?(-?(?:0x[0-9A-Fa-f]+|\d+))\)?", text):
        found[name] = int(value, 0)
    return found


@pytest.mark.libese
def test_compat_error_codes_agree_with_libese() -> None:
    """The few error codes esent_compat.h supplies for older Windows headers have the values
    of libese's (and the SDK's) error table."""
    src = pathlib.Path(__file__).resolve().parent.parent / "src"
    if not src.is_dir():
        pytest.skip("source tree not available (tests run from an installed wheel)")
    compat = {n: v for n, v in _defines(src / "esent_compat.h").items() if n.startswith("JET_err")}
    errors = _defines(src / "libese" / "include" / "esent_errors.h")
    assert compat, "esent_compat.h defines error codes"
    for name, value in compat.items():
        assert errors[name] == value, name

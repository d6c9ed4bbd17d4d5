"""JetSetSystemParameter / JetGetSystemParameter: defaults, validation, scope, timing.

Citations: docs/contract/first-slice.md (FS) §3 (which store is addressed, validation, the get
contract) and §4 (the parameter table); ese-backup-facts.md §7.3.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from esent import errors, jet

pytestmark = pytest.mark.contract

DEFAULTS = [
    ("JET_paramSystemPath", 0, ".\\"),
    ("JET_paramTempPath", 1, "tmp.edb"),
    ("JET_paramLogFilePath", 2, ".\\"),
    ("JET_paramBaseName", 3, "edb"),
    ("JET_paramMaxSessions", 5, 16),
    ("JET_paramLogFileSize", 11, 5120),
    ("JET_paramCircularLog", 17, 0),
    ("JET_paramRecovery", 34, "on"),
    ("JET_paramDatabasePageSize", 64, 4096),
    ("JET_paramCacheSizeMax", 23, 2_000_000_000),
    ("JET_paramMaxInstances", 104, 16),
]


@pytest.mark.parametrize("name, paramid, default", DEFAULTS)
def test_ids_and_defaults(created_instance: int, name: str, paramid: int, default: object) -> None:
    """FS §4, facts §7.3: the parameter ids and ESENT's defaults, read from a new instance."""
    assert getattr(jet, name) == paramid
    number, text = jet.JetGetSystemParameter(created_instance, 0, paramid)
    assert (text if isinstance(default, str) else number) == default


def test_instance_value_is_its_own(created_instance: int, new_name: Callable[..., str]) -> None:
    """FS §3.1: a value set on one instance is that instance's; the process default is
    unchanged and a second instance still starts from it."""
    jet.JetSetSystemParameter(created_instance, 0, jet.JET_paramBaseName, 0, "abc")
    assert jet.JetGetSystemParameter(created_instance, 0, jet.JET_paramBaseName)[1] == "abc"
    assert jet.JetGetSystemParameter(0, 0, jet.JET_paramBaseName)[1] == "edb"
    other = jet.JetCreateInstance2(new_name())
    try:
        assert jet.JetGetSystemParameter(other, 0, jet.JET_paramBaseName)[1] == "edb"
    finally:
        jet.JetTerm2(other)


def test_process_default_is_inherited_by_new_instances(new_name: Callable[..., str]) -> None:
    """FS §2, §3.1: JetCreateInstance2 copies the process-wide values into the new instance."""
    jet.JetSetSystemParameter(None, 0, jet.JET_paramLogFileSize, 1024)
    try:
        handle = jet.JetCreateInstance2(new_name())
        try:
            assert jet.JetGetSystemParameter(handle, 0, jet.JET_paramLogFileSize)[0] == 1024
        finally:
            jet.JetTerm2(handle)
    finally:
        jet.JetSetSystemParameter(None, 0, jet.JET_paramLogFileSize, 5120)


@pytest.mark.parametrize(
    "paramid, lparam, text",
    [
        (3, 0, "ab"),          # BaseName must be exactly 3 characters
        (3, 0, "abcd"),
        (5, 30001, None),      # MaxSessions 0..30000
        (11, 63, None),        # LogFileSize 64..32768 KiB
        (11, 32769, None),
        (0, 0, "x" * 300),     # SystemPath longer than ESENT's limit
        (0xFFFF, 0, None),     # an id no ESENT version has
    ],
)
def test_invalid_values_are_invalid_parameter(
    created_instance: int, paramid: int, lparam: int, text: str | None
) -> None:
    """FS §3.2: out-of-range values, wrong string lengths, over-long paths and unknown ids all
    give JET_errInvalidParameter (-1003), and the old value stays."""
    before = jet.JetGetSystemParameter(created_instance, 0, 3)
    with pytest.raises(errors.InvalidParameterError):
        jet.JetSetSystemParameter(created_instance, 0, paramid, lparam, text)
    assert jet.JetGetSystemParameter(created_instance, 0, 3) == before


@pytest.mark.parametrize("size", [4096, 8192, 16384, 32768])
def test_page_size_accepts_powers_of_two(size: int) -> None:
    """FS §4: JET_paramDatabasePageSize takes 4, 8, 16 and 32 KiB (set with no instance alive)."""
    jet.JetSetSystemParameter(None, 0, jet.JET_paramDatabasePageSize, size)
    try:
        assert jet.JetGetSystemParameter(0, 0, jet.JET_paramDatabasePageSize)[0] == size
    finally:
        jet.JetSetSystemParameter(None, 0, jet.JET_paramDatabasePageSize, 4096)


@pytest.mark.parametrize("size", [2048, 5000, 65536])
def test_page_size_rejects_others(size: int) -> None:
    """FS §3.2, §4: any other page size gives JET_errInvalidParameter."""
    with pytest.raises(errors.InvalidParameterError):
        jet.JetSetSystemParameter(None, 0, jet.JET_paramDatabasePageSize, size)
    assert jet.JetGetSystemParameter(0, 0, jet.JET_paramDatabasePageSize)[0] == 4096


def test_page_size_is_fixed_while_an_instance_exists(created_instance: int) -> None:
    """FS §3.2, §10: the process-wide page size cannot change once an instance exists
    (JET_errAlreadyInitialized, -1030); setting the current value again is accepted."""
    with pytest.raises(errors.AlreadyInitializedError):
        jet.JetSetSystemParameter(None, 0, jet.JET_paramDatabasePageSize, 8192)
    jet.JetSetSystemParameter(None, 0, jet.JET_paramDatabasePageSize, 4096)


def test_global_param_set_through_an_instance_is_process_wide(created_instance: int) -> None:
    """FS §3.1: a process-wide parameter set with an instance handle changes the process value
    (OSSnapshotTimeout may change at any time)."""
    old = jet.JetGetSystemParameter(0, 0, jet.JET_paramOSSnapshotTimeout)[0]
    try:
        jet.JetSetSystemParameter(created_instance, 0, jet.JET_paramOSSnapshotTimeout, 12345)
        assert jet.JetGetSystemParameter(0, 0, jet.JET_paramOSSnapshotTimeout)[0] == 12345
    finally:
        jet.JetSetSystemParameter(None, 0, jet.JET_paramOSSnapshotTimeout, old)


def test_cache_size_may_change_while_running(running_instance: int) -> None:
    """FS §4: JET_paramCacheSizeMax can be changed at any time."""
    old = jet.JetGetSystemParameter(0, 0, jet.JET_paramCacheSizeMax)[0]
    try:
        jet.JetSetSystemParameter(None, 0, jet.JET_paramCacheSizeMax, 1000)
        assert jet.JetGetSystemParameter(running_instance, 0, jet.JET_paramCacheSizeMax)[0] == 1000
    finally:
        jet.JetSetSystemParameter(None, 0, jet.JET_paramCacheSizeMax, old)


@pytest.mark.parametrize(
    "paramid, lparam, text",
    [(0, 0, "elsewhere\\"), (2, 0, "elsewhere\\"), (3, 0, "xyz"), (5, 32, None), (11, 1024, None)],
)
def test_init_only_params_are_frozen_by_jetinit(
    running_instance: int, paramid: int, lparam: int, text: str | None
) -> None:
    """FS §3.2, §10: SystemPath, LogFilePath, BaseName, MaxSessions, LogFileSize cannot change
    after JetInit: JET_errAlreadyInitialized (-1030)."""
    with pytest.raises(errors.AlreadyInitializedError) as info:
        jet.JetSetSystemParameter(running_instance, 0, paramid, lparam, text)
    assert info.value.code == -1030


def test_setting_the_current_value_after_init_succeeds(running_instance: int) -> None:
    """FS §3.2: setting a parameter to the value it already has always succeeds."""
    jet.JetSetSystemParameter(running_instance, 0, jet.JET_paramBaseName, 0, "edb")
    jet.JetSetSystemParameter(running_instance, 0, jet.JET_paramMaxSessions, 16)


def test_bogus_instance_handle_is_invalid_instance(created_instance: int) -> None:
    """FS §1, §3.1: once instances exist, a made-up handle gives JET_errInvalidInstance."""
    with pytest.raises(errors.InvalidInstanceError):
        jet.JetSetSystemParameter(0x7654_3210, 0, jet.JET_paramBaseName, 0, "abc")
    with pytest.raises(errors.InvalidInstanceError):
        jet.JetGetSystemParameter(0x7654_3210, 0, jet.JET_paramBaseName)


def test_bogus_session_is_invalid_sesid(created_instance: int) -> None:
    """FS §3.1: a session handle that is not a live session gives JET_errInvalidSesid (-1104)."""
    with pytest.raises(errors.InvalidSesidError):
        jet.JetGetSystemParameter(created_instance, 0x7654_3210, jet.JET_paramBaseName)


def test_string_buffer_too_small(created_instance: int) -> None:
    """FS §3.3: a string that does not fit cbMax bytes gives JET_errBufferTooSmall (-1038)
    (ESENT's documentation says it truncates; esent.dll's source returns -1038: accept either)."""
    try:
        _, text = jet.JetGetSystemParameter(created_instance, 0, jet.JET_paramBaseName, 4)
    except errors.BufferTooSmallError:
        return
    assert len(text) < 3

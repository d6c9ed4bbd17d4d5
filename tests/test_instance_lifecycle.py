"""JetCreateInstance2, JetInit3, JetTerm2: the instance lifecycle and its errors.

Citations: docs/contract/first-slice.md (FS) sections, which cite ESENT's documentation and
source; ese-backup-facts.md (facts).
"""

from __future__ import annotations

from collections.abc import Callable

import os
import pathlib

import pytest

from esent import errors, jet

pytestmark = pytest.mark.contract


def _use_folder(handle: int, folder: pathlib.Path) -> None:
    text = str(folder) + os.sep
    for param in (jet.JET_paramSystemPath, jet.JET_paramLogFilePath, jet.JET_paramTempPath):
        jet.JetSetSystemParameter(handle, 0, param, 0, text)


def test_create_init_term(tmp_path: pathlib.Path, new_name: Callable[..., str]) -> None:
    """FS §2, §5, §6: create, initialise and terminate an instance; each step succeeds."""
    handle = jet.JetCreateInstance2(new_name(), "display name")
    assert handle not in (0, jet.JET_instanceNil)
    _use_folder(handle, tmp_path)
    assert jet.JetInit3(handle) == handle
    jet.JetTerm2(handle, jet.JET_bitTermComplete)


def test_several_instances_run_side_by_side(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    """FS §1: multi-instance mode; every instance gets its own handle and folders."""
    handles = []
    try:
        for i in range(3):
            handle = jet.JetCreateInstance2(new_name())
            handles.append(handle)
            _use_folder(handle, tmp_path / str(i))
            jet.JetSetSystemParameter(handle, 0, jet.JET_paramCreatePathIfNotExist, 1)
            jet.JetInit3(handle)
        assert len(set(handles)) == 3
    finally:
        for handle in handles:
            jet.JetTerm2(handle)


def test_duplicate_name_is_refused(created_instance: int, instance_name: str) -> None:
    """FS §2: a second instance with a name in use fails with JET_errInstanceNameInUse (-1086)."""
    with pytest.raises(errors.InstanceNameInUseError) as info:
        jet.JetCreateInstance2(instance_name)
    assert info.value.code == -1086


def test_name_is_free_again_after_term(instance_name: str) -> None:
    """FS §2: names are unique among live instances only."""
    jet.JetTerm2(jet.JetCreateInstance2(instance_name))
    jet.JetTerm2(jet.JetCreateInstance2(instance_name))


def test_too_many_instances(new_name: Callable[..., str]) -> None:
    """FS §2, §4: more than JET_paramMaxInstances (default 16) live instances gives
    JET_errTooManyInstances (-1214)."""
    limit, _ = jet.JetGetSystemParameter(0, 0, jet.JET_paramMaxInstances)
    assert limit == 16
    handles = []
    try:
        with pytest.raises(errors.TooManyInstancesError):
            for _ in range(limit + 1):
                handles.append(jet.JetCreateInstance2(new_name()))
        assert len(handles) == limit
    finally:
        for handle in handles:
            jet.JetTerm2(handle)


def test_handles_are_never_reused(new_name: Callable[..., str]) -> None:
    """libese promise (issue 2): a terminated instance's handle value is not given out again,
    so a stale handle is always recognised."""
    seen = set()
    for _ in range(20):
        handle = jet.JetCreateInstance2(new_name())
        assert handle not in seen
        seen.add(handle)
        jet.JetTerm2(handle)


def test_init_twice_is_already_initialized(running_instance: int) -> None:
    """FS §5, §10: JetInit on an initialised instance gives JET_errAlreadyInitialized (-1030)."""
    with pytest.raises(errors.AlreadyInitializedError) as info:
        jet.JetInit3(running_instance)
    assert info.value.code == -1030


def test_init_unknown_handle_is_invalid_parameter() -> None:
    """FS §5: JetInit does not validate handles; an unknown one is JET_errInvalidParameter."""
    with pytest.raises(errors.InvalidParameterError):
        jet.JetInit3(0x7654_3210)


def test_init_missing_folder_fails_and_frees_the_instance(
    created_instance: int, tmp_path: pathlib.Path
) -> None:
    """FS §5: a missing system/log folder without JET_paramCreatePathIfNotExist fails JetInit
    (JET_errInvalidPath expected; the exact code is unconfirmed, so any path error passes), and
    a failed JetInit frees the instance: its handle is dead afterwards."""
    _use_folder(created_instance, tmp_path / "does" / "not" / "exist")
    with pytest.raises((errors.InvalidPathError, errors.JetFileNotFoundError)):
        jet.JetInit3(created_instance)
    with pytest.raises((errors.InvalidInstanceError, errors.InvalidParameterError)):
        jet.JetStopBackupInstance(created_instance)


def test_init_creates_folders_when_asked(created_instance: int, tmp_path: pathlib.Path) -> None:
    """FS §4: JET_paramCreatePathIfNotExist makes JetInit create the missing folders."""
    folder = tmp_path / "a" / "b"
    _use_folder(created_instance, folder)
    jet.JetSetSystemParameter(created_instance, 0, jet.JET_paramCreatePathIfNotExist, 1)
    jet.JetInit3(created_instance)
    assert folder.is_dir()


@pytest.mark.parametrize(
    "param, error",
    [
        ("JET_paramSystemPath", errors.SystemPathInUseError),
        ("JET_paramLogFilePath", errors.LogFilePathInUseError),
    ],
)
def test_two_instances_cannot_share_a_folder(
    running_instance: int,
    tmp_path: pathlib.Path,
    param: str,
    error: type,
    new_name: Callable[..., str],
) -> None:
    """FS §5: a second instance on a system or log path another running instance uses fails
    JetInit with JET_errSystemPathInUse (-1083) / JET_errLogFilePathInUse (-1084)."""
    other = jet.JetCreateInstance2(new_name())
    try:
        _use_folder(other, tmp_path / "other")
        jet.JetSetSystemParameter(other, 0, jet.JET_paramCreatePathIfNotExist, 1)
        jet.JetSetSystemParameter(other, 0, getattr(jet, param), 0, str(tmp_path) + os.sep)
        with pytest.raises(error):
            jet.JetInit3(other)
    finally:
        try:
            jet.JetTerm2(other)
        except errors.EsentError:
            pass  # freed by the failed JetInit, as ESENT does


def test_term_of_created_but_not_initialised_instance(instance_name: str) -> None:
    """FS §6: JetTerm frees an instance that was never initialised, and succeeds."""
    handle = jet.JetCreateInstance2(instance_name)
    jet.JetTerm2(handle)
    with pytest.raises(errors.InvalidInstanceError):
        jet.JetTerm2(handle)


@pytest.mark.parametrize("nil", [0, "nil"])
def test_term_nil_handle_is_invalid_parameter(nil: object) -> None:
    """FS §6: JetTerm on 0 or JET_instanceNil gives JET_errInvalidParameter (-1003)."""
    handle = jet.JET_instanceNil if nil == "nil" else 0
    with pytest.raises(errors.InvalidParameterError):
        jet.JetTerm2(handle)


def test_term_twice_is_invalid_instance(running_instance: int) -> None:
    """FS §6, §10: the second JetTerm on the same handle gives JET_errInvalidInstance (-1115)."""
    jet.JetTerm2(running_instance)
    with pytest.raises(errors.InvalidInstanceError) as info:
        jet.JetTerm2(running_instance)
    assert info.value.code == -1115


@pytest.mark.parametrize(
    "grbit", ["JET_bitTermComplete", "JET_bitTermAbrupt", "JET_bitTermStopBackup"]
)
def test_term_grbits(running_instance: int, grbit: str) -> None:
    """FS §6: Complete, Abrupt and StopBackup all terminate an idle instance."""
    jet.JetTerm2(running_instance, getattr(jet, grbit))
    with pytest.raises(errors.InvalidInstanceError):
        jet.JetTerm2(running_instance)

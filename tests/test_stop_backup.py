"""JetStopBackupInstance outside a backup: handle validation and the idle case.

Citations: ese-backup-facts.md (facts) §3.10 and docs/contract/first-slice.md (FS) §9; ESENT's
documentation page for JetStopBackupInstance.  The backup-time behaviour (calls after a stop
fail with JET_errBackupAbortByServer) is tested with the streaming backup.
"""

from __future__ import annotations

import pytest

from esent import errors, jet

pytestmark = pytest.mark.contract


def test_zero_handle_is_invalid_parameter() -> None:
    """facts §3.10: a nil handle (0) gives JET_errInvalidParameter (-1003)."""
    with pytest.raises(errors.InvalidParameterError) as info:
        jet.JetStopBackupInstance(0)
    assert info.value.code == -1003


def test_instance_nil_is_invalid_parameter() -> None:
    """facts §3.10: JET_instanceNil gives JET_errInvalidParameter (-1003)."""
    with pytest.raises(errors.InvalidParameterError):
        jet.JetStopBackupInstance(jet.JET_instanceNil)


def test_made_up_handle_is_invalid_instance() -> None:
    """facts §3.10 (ESENT validates handles): any other non-live handle gives
    JET_errInvalidInstance (-1115)."""
    with pytest.raises(errors.InvalidInstanceError) as info:
        jet.JetStopBackupInstance(0x7654_3210)
    assert info.value.code == -1115


def test_running_instance_without_backup_succeeds(running_instance: int) -> None:
    """facts §3.10: on a live instance it succeeds whether or not a backup runs."""
    jet.JetStopBackupInstance(running_instance)
    jet.JetStopBackupInstance(running_instance)  # and again: it only sets a flag


def test_created_instance_succeeds(created_instance: int) -> None:
    """FS §9: a created but not initialised instance is live too."""
    jet.JetStopBackupInstance(created_instance)


def test_terminated_handle_is_rejected_again(running_instance: int) -> None:
    """facts §3.10, FS §9: after JetTerm2 the same handle is rejected (-1115)."""
    jet.JetStopBackupInstance(running_instance)
    jet.JetTerm2(running_instance)
    with pytest.raises(errors.InvalidInstanceError):
        jet.JetStopBackupInstance(running_instance)


def test_does_not_block_other_threads(running_instance: int) -> None:
    """facts §3.10: JetStopBackupInstance does not wait; it is callable from any thread."""
    import threading

    done = []
    workers = [
        threading.Thread(target=lambda: done.append(jet.JetStopBackupInstance(running_instance)))
        for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    assert len(done) == 8


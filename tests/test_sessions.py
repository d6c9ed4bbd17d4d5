"""JetBeginSession, JetEndSession, JetGetVersion.

Citations: docs/contract/first-slice.md (FS) §7 (sessions), §8 (version), §10 (wrong order).
"""

from __future__ import annotations

import pytest

from esent import errors, jet

pytestmark = pytest.mark.contract


def test_begin_and_end(running_instance: int) -> None:
    """FS §7: a session begins on an initialised instance and ends once."""
    sesid = jet.JetBeginSession(running_instance)
    jet.JetEndSession(sesid)
    with pytest.raises(errors.InvalidSesidError) as info:
        jet.JetEndSession(sesid)
    assert info.value.code == -1104


def test_begin_before_init_is_not_initialized(created_instance: int) -> None:
    """FS §7, §10: JetBeginSession before JetInit gives JET_errNotInitialized (-1029)."""
    with pytest.raises(errors.NotInitializedError) as info:
        jet.JetBeginSession(created_instance)
    assert info.value.code == -1029


def test_begin_on_nil_and_bogus_instances(running_instance: int) -> None:
    """FS §1, §7: 0 gives JET_errInvalidParameter, a made-up handle JET_errInvalidInstance."""
    with pytest.raises(errors.InvalidParameterError):
        jet.JetBeginSession(0)
    with pytest.raises(errors.InvalidInstanceError):
        jet.JetBeginSession(0x7654_3210)


def test_session_limit(created_instance: int, tmp_path) -> None:
    """FS §7: beyond JET_paramMaxSessions sessions, JetBeginSession gives JET_errOutOfSessions
    (-1101); ending one makes room again."""
    for param in (jet.JET_paramSystemPath, jet.JET_paramLogFilePath, jet.JET_paramTempPath):
        jet.JetSetSystemParameter(created_instance, 0, param, 0, str(tmp_path) + "/")
    jet.JetSetSystemParameter(created_instance, 0, jet.JET_paramMaxSessions, 4)
    jet.JetInit3(created_instance)
    sessions = []
    with pytest.raises(errors.OutOfSessionsError):
        for _ in range(100):
            sessions.append(jet.JetBeginSession(created_instance))
    # ESENT's exact cut-off is not documented; it is at least the configured number.
    assert len(sessions) >= 4
    jet.JetEndSession(sessions.pop())
    sessions.append(jet.JetBeginSession(created_instance))


def test_term_ends_the_sessions(running_instance: int) -> None:
    """FS §6, §10: JetTerm closes sessions without transactions; their handles are dead."""
    sesid = jet.JetBeginSession(running_instance)
    jet.JetTerm2(running_instance)
    with pytest.raises(errors.InvalidSesidError):
        jet.JetEndSession(sesid)


def test_version_encoding(running_instance: int) -> None:
    """FS §8: JetGetVersion packs major (bits 28-31), minor (24-27), build (8-23) and service
    pack (0-7); the engine is at least the Windows 10 family the binding targets."""
    sesid = jet.JetBeginSession(running_instance)
    try:
        version = jet.JetGetVersion(sesid)
    finally:
        jet.JetEndSession(sesid)
    assert 0 <= version < 2**32
    assert version >> 28 >= 10


def test_version_checks_the_session(running_instance: int) -> None:
    """FS §8: JetGetVersion validates its session (JET_errInvalidSesid, -1104)."""
    with pytest.raises(errors.InvalidSesidError):
        jet.JetGetVersion(0x7654_3210)

"""esent.Instance and esent.Session: the Python objects over the lifecycle APIs.

These check the binding's own promises (DESIGN "The public surface"): context managers, children
closed before parents, `.handle`, parameter names, process-wide parameters refused per instance.
They hold on esent.dll as on libese.
"""

from __future__ import annotations

from collections.abc import Callable

import pathlib
import sys

import pytest

import esent
from esent import errors, jet

pytestmark = pytest.mark.contract


def test_with_block_initialises_and_terminates(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    """Entering initialises (the handle is live), leaving terminates (the handle is dead)."""
    with esent.Instance(new_name(), system_path=tmp_path / "sys") as inst:
        handle = inst.handle
        jet.JetStopBackupInstance(handle)  # live
        assert (tmp_path / "sys").is_dir()  # folders created by default
    assert inst.closed
    with pytest.raises(errors.InvalidInstanceError):
        jet.JetStopBackupInstance(handle)


def test_params_reach_the_engine(tmp_path: pathlib.Path, new_name: Callable[..., str]) -> None:
    """params= maps JET_param names without the prefix to values."""
    params = {"BaseName": "abc", "CircularLog": True, "LogFileSize": 1024}
    with esent.Instance(new_name(), system_path=tmp_path, params=params) as inst:
        assert inst.get_param("BaseName") == "abc"
        assert inst.get_param("CircularLog") is True
        assert inst.get_param("LogFileSize") == 1024
        assert inst.get_param("SystemPath").rstrip("\\/") == str(tmp_path)


def test_log_path_defaults_to_system_path(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    with esent.Instance(new_name(), system_path=tmp_path / "s") as inst:
        assert inst.get_param("LogFilePath") == inst.get_param("SystemPath")
    with esent.Instance(
        new_name(), system_path=tmp_path / "s", log_path=tmp_path / "l"
    ) as inst:
        assert inst.get_param("LogFilePath").rstrip("\\/") == str(tmp_path / "l")


def test_global_param_in_instance_params_is_refused(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    """DESIGN: naming a process-wide parameter in an instance's params is a clear error."""
    with pytest.raises(ValueError, match="set_global_params"):
        esent.Instance(new_name(), system_path=tmp_path, params={"DatabasePageSize": 8192})


def test_unknown_param_name_is_refused(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    with pytest.raises(KeyError, match="CircularLog"):
        esent.Instance(new_name(), system_path=tmp_path, params={"CircularLogs": True})


def test_bad_param_value_leaves_no_instance_behind(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    """A failing __enter__ raises the engine's error and frees the half-made instance, so the
    name can be used again at once."""
    name = new_name()
    with pytest.raises(errors.InvalidParameterError):
        with esent.Instance(name, system_path=tmp_path, params={"BaseName": "toolong"}):
            pass
    with esent.Instance(name, system_path=tmp_path):
        pass


def test_set_global_params(tmp_path: pathlib.Path, new_name: Callable[..., str]) -> None:
    """DESIGN: process-wide parameters go through esent.set_global_params, before the first
    instance; per-instance names are refused there."""
    esent.set_global_params({"DatabasePageSize": 8192})
    try:
        assert esent.get_global_param("DatabasePageSize") == 8192
        with esent.Instance(new_name(), system_path=tmp_path):
            with pytest.raises(errors.AlreadyInitializedError):
                esent.set_global_params({"DatabasePageSize": 16384})
    finally:
        esent.set_global_params({"DatabasePageSize": 4096})
    with pytest.raises(ValueError, match="per-instance"):
        esent.set_global_params({"CircularLog": True})


def test_sessions_close_before_their_instance(instance: esent.Instance) -> None:
    """Closing a parent closes its children first; their handles then refuse use."""
    first, second = instance.session(), instance.session()
    sesid = first.handle
    instance.close()
    assert first.closed and second.closed
    with pytest.raises(esent.ObjectClosedError, match="closed"):
        first.handle
    with pytest.raises(errors.InvalidSesidError):
        jet.JetEndSession(sesid)


def test_session_context_manager(instance: esent.Instance) -> None:
    with instance.session() as session:
        sesid = session.handle
        assert session.version() >> 28 >= 10
    assert session.closed
    with pytest.raises(errors.InvalidSesidError):
        jet.JetEndSession(sesid)
    # a closed session does not linger among the instance's children
    instance.close()


def test_close_is_idempotent(instance: esent.Instance) -> None:
    session = instance.session()
    session.close()
    session.close()
    instance.close()
    instance.close()


def test_session_on_closed_instance(instance: esent.Instance) -> None:
    instance.close()
    with pytest.raises(esent.ObjectClosedError):
        instance.session()


def test_exception_in_block_still_terminates(
    tmp_path: pathlib.Path, new_name: Callable[..., str]
) -> None:
    """Leaving by an exception terminates the instance and lets the exception through."""
    with pytest.raises(KeyError):
        with esent.Instance(new_name(), system_path=tmp_path) as inst:
            inst.session()
            raise KeyError("boom")
    assert inst.closed


def test_stop_backup_method(instance: esent.Instance) -> None:
    instance.stop_backup()


def test_import_esent_loads_no_third_party_package() -> None:
    """DESIGN: `import esent` imports nothing outside the standard library."""
    import subprocess

    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import esent, esent.jet, esent.errors\n"
        "std = set(sys.stdlib_module_names) | set(sys.builtin_module_names)\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        # modules Cython's generated code registers for itself
        "new = {m for m in new if not m.startswith(('_cython_', 'cython_runtime'))}\n"
        "print(','.join(sorted(new - std - {'esent'})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

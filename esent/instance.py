"""esent.Instance: one ESENT instance, its folders and parameters, as a context manager."""

from __future__ import annotations

import os
from types import TracebackType
from typing import TYPE_CHECKING, Mapping

from esent import _esent
from esent._lifecycle import NativeObject
from esent.params import ParamValue, check_instance_params, get_param, lookup, set_param

if TYPE_CHECKING:
    from esent.backup import ExternalBackup, SetProgress
    from esent.manifest import Manifest
    from esent.session import Session


def _folder(path: str | os.PathLike[str]) -> str:
    """A folder path as ESENT wants it: absolute, ending with a separator."""
    text = os.path.abspath(os.fspath(path))
    return text if text.endswith(os.sep) else text + os.sep


class Instance(NativeObject):
    """An ESENT instance: a log stream, a checkpoint and the databases attached to it.

    ``with esent.Instance("app", system_path=folder) as inst:`` creates the instance, applies
    its parameters and initialises it (running recovery if the last run crashed); leaving the
    block closes every session and backup opened from it, then terminates the instance.

    ``system_path`` holds the checkpoint file; ``log_path`` the transaction logs (default: the
    system path); ``temp_path`` the temporary database (default: the system path).  ``params``
    maps JET_param names without the prefix to values, e.g. ``{"CircularLog": True,
    "BaseName": "edb"}``; process-wide parameters are refused here (see set_global_params).
    Missing folders are created unless ``params`` sets ``CreatePathIfNotExist`` to False.
    """

    def __init__(
        self,
        name: str,
        *,
        system_path: str | os.PathLike[str],
        log_path: str | os.PathLike[str] | None = None,
        temp_path: str | os.PathLike[str] | None = None,
        params: Mapping[str, ParamValue] | None = None,
        display_name: str | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(name, str) or not name:
            raise ValueError("an instance needs a non-empty name")
        self.name = name
        self.display_name = display_name
        self.system_path = _folder(system_path)
        self.log_path = _folder(log_path) if log_path is not None else self.system_path
        self.temp_path = _folder(temp_path) if temp_path is not None else self.system_path
        user_params = dict(params or {})
        check_instance_params(user_params)
        self._params: dict[str, ParamValue] = {
            "CreatePathIfNotExist": True,
            "SystemPath": self.system_path,
            "LogFilePath": self.log_path,
            "TempPath": self.temp_path,
        }
        self._params.update(user_params)

    def _describe(self) -> str:
        return f"Instance {self.name!r}"

    # -- lifecycle ----------------------------------------------------------------------------
    def init(self) -> Instance:
        """Create, configure and initialise the instance (what ``with`` does on entry)."""
        if self._handle is not None:
            raise RuntimeError(f"{self._describe()} is already initialised")
        handle = _esent.JetCreateInstance2(self.name, self.display_name)
        try:
            for name, value in self._params.items():
                set_param(handle, lookup(name), value)
            _esent.JetInit3(handle)
        except BaseException:
            # Never leave a half-made instance behind: it would hold the name in this process.
            try:
                _esent.JetTerm2(handle, _esent.JET_bitTermAbrupt)
            except Exception:
                pass
            raise
        self._handle = handle
        return self

    def __enter__(self) -> Instance:
        return self.init()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _release(self, handle: int) -> None:
        _esent.JetTerm2(handle, _esent.JET_bitTermComplete)

    # -- children and queries -----------------------------------------------------------------
    def session(self) -> "Session":
        """Begin a session on this instance (a context manager; ends with the block)."""
        from esent.session import Session

        return Session(self)

    def get_param(self, name: str) -> ParamValue:
        """The value of a parameter as the engine holds it for this instance."""
        return get_param(self.handle, lookup(name))

    # -- backup -------------------------------------------------------------------------------
    def external_backup(self, *, incremental: bool = False, truncate: bool = False,
                        buffer_mib: int | None = None) -> "ExternalBackup":
        """A streaming backup of this instance, as a context manager (esent.backup explains
        the protocol and the abort rules)::

            with inst.external_backup(truncate=True) as bk:
                for name in bk.database_files():
                    bk.copy(name, folder / os.path.basename(name))
                for name in bk.log_files():
                    bk.copy(name, folder / os.path.basename(name))

        ``incremental`` copies only the logs written since the last full backup that
        truncated them; ``truncate`` marks the backup as one that handled log truncation
        (JET_bitBackupTruncateDone), so later incrementals can build on it.
        """
        from esent.backup import DEFAULT_BUFFER_MIB, ExternalBackup

        return ExternalBackup(self, incremental=incremental, truncate=truncate,
                              buffer_mib=buffer_mib or DEFAULT_BUFFER_MIB)

    def backup(self, destination: str | os.PathLike[str], *, incremental: bool = False,
               parent: str | os.PathLike[str] | None = None, truncate: bool = True,
               progress: "SetProgress | None" = None, buffer_mib: int | None = None
               ) -> "Manifest":
        """Back up this instance into a new backup-set directory and return its manifest.

        A full set copies every attached database and the logs it needs; an incremental one
        (``incremental=True, parent=<previous set>``) copies the logs since.  Restore with
        ``esent.restore([full, incremental, ...], target)``.  Set layout: docs/backup-set.md.
        """
        from esent.backup import DEFAULT_BUFFER_MIB, write_backup_set

        return write_backup_set(self, destination, incremental=incremental, parent=parent,
                                truncate=truncate, progress=progress,
                                buffer_mib=buffer_mib or DEFAULT_BUFFER_MIB)

    def stop_backup(self) -> None:
        """Call JetStopBackupInstance: a running backup fails at its next call (any thread)."""
        _esent.JetStopBackupInstance(self.handle)


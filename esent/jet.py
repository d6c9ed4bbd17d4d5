"""The Jet API, one Python function per wrapped C function, named as in C.

Conventions (the same for every function):

- Names are the C API's without the A/W suffix: ``JetCreateInstance2``, ``JetInit3``,
  ``JetStopBackupInstance``...  The W (UTF-16) variant is always the one called; text and paths
  are ``str`` (or ``os.PathLike`` for paths).
- Handles (instances, sessions, tables, backup files) are plain ints.  Outputs are returned
  (a tuple when there are several); inputs keep the C parameter order, and trailing grbits
  default to 0 where ESENT allows it.
- A negative return code raises the ``esent.errors`` class for that code (``.code`` holds the
  raw value).  A positive code is a *warning*: it never raises.  Read it right after the call
  with :func:`get_last_warning` (0 when the call returned JET_errSuccess); it is kept per thread.
- Every call releases the GIL while the engine runs, so other threads go on, and
  :func:`JetStopBackupInstance` can be called from any thread while a backup call runs.
- Constants keep their C names and the values of the header the module was compiled against:
  ``JET_paramSystemPath``, ``JET_bitBackupIncremental``, ``JET_errBackupAbortByServer`` ...
"""

from esent import _esent
from esent._esent import (
    JetAttachDatabase2,
    JetBeginExternalBackupInstance,
    JetBeginTransaction,
    JetBeginTransaction2,
    JetCloseFileInstance,
    JetCommitTransaction,
    JetEndExternalBackupInstance,
    JetEndExternalBackupInstance2,
    JetExternalRestore2,
    JetGetAttachInfoInstance,
    JetGetLogInfoInstance,
    JetGetLogInfoInstance2,
    JetGetTruncateLogInfoInstance,
    JetOpenFileInstance,
    JetReadFileInstance,
    JetRollback,
    JetStopServiceInstance,
    JetStopServiceInstance2,
    JetTruncateLogInstance,
    JetBeginSession,
    JetCloseDatabase,
    JetCloseTable,
    JetCreateDatabase2,
    JetCreateInstance2,
    JetCreateTableColumnIndex2,
    JetDelete,
    JetDetachDatabase2,
    JetGetDatabaseFileInfo,
    JetGetTableColumnInfo,
    JetMakeKey,
    JetMove,
    JetOpenDatabase,
    JetOpenTable,
    JetPrepareUpdate,
    JetRetrieveColumn,
    JetSeek,
    JetSetColumn,
    JetUpdate,
    JetEndSession,
    JetGetSystemParameter,
    JetGetVersion,
    JetInit3,
    JetSetSystemParameter,
    JetStopBackupInstance,
    JetTerm2,
    # the full data API (issue 5)
    JetCreateIndex,
    JetCreateIndex2,
    JetDeleteIndex,
    JetSetCurrentIndex,
    JetSetCurrentIndex2,
    JetSetCurrentIndex3,
    JetGetCurrentIndex,
    JetGetTableIndexInfo,
    JetSetIndexRange,
    JetIndexRecordCount,
    JetRetrieveKey,
    JetGetBookmark,
    JetGotoBookmark,
    JetGetRecordPosition,
    JetGotoPosition,
    JetRetrieveColumns,
    JetSetColumns,
    JetEscrowUpdate,
    JetAddColumn,
    JetDeleteColumn,
    JetDeleteColumn2,
    JetRenameColumn,
    JetDeleteTable,
    JetRenameTable,
    JetGetColumnInfo,
    JetGetObjectInfo,
    JetGetTableInfo,
    get_last_warning,
)
from esent._error_codes import ALIASES as _ALIASES
from esent._error_codes import ERRORS as _ERRORS
from esent._error_codes import WARNINGS as _WARNINGS

#: ~(JET_INSTANCE)0, the "no instance" handle, as wide as a pointer on this platform.
JET_instanceNil: int = _esent.instance_nil
#: ~(JET_SESID)0.
JET_sesidNil: int = _esent.sesid_nil

# Parameter ids and grbits, with the compiled header's values.
globals().update({name: getattr(_esent, name) for name in dir(_esent) if name.startswith("JET_")})
# Error and warning codes (JET_err..., JET_wrn...), including the second names some codes have.
_CODES = {entry.name: entry.value for entry in _ERRORS + _WARNINGS if entry.name.startswith("JET_")}
_CODES.update({alias: _CODES[name] for alias, name in _ALIASES.items() if name in _CODES})
globals().update(_CODES)

__all__ = sorted(
    [name for name in globals() if name.startswith(("Jet", "JET_"))] + ["get_last_warning"]
)

"""esent: the Windows Extensible Storage Engine (ESENT) from Python.

Built for backup agents that stream online backups of ESENT databases and must abort them
cleanly.  On Windows it calls the real esent.dll; on Linux and macOS it runs libese, a portable
engine with the same Jet API contract that writes real ESE-format files.

- ``esent.jet``: one function per wrapped Jet API, under its C name, handles as ints.
- ``esent.errors``: one exception class per ESENT error code.
- ``esent.Instance`` / ``Session``: context managers that close children before parents.
- ``esent.set_global_params``: process-wide parameters, before the first instance.
- ``Instance.external_backup()`` / ``Instance.backup()`` / ``esent.restore()``: streaming
  backup as a context manager, one-call backup sets, and restore of a full set plus its
  incrementals.

``import esent`` imports nothing outside the standard library.
"""

from esent import errors
from esent._esent import HAVE_LIBESE
from esent._lifecycle import ObjectClosedError
from esent.columns import Column, ColumnType, Index
from esent.database import Database
from esent.instance import Instance
from esent.params import get_global_param, set_global_params
from esent import offline as _offline  # noqa: F401  (loads the format readers before manifest)
from esent.restore_sets import restore
from esent.session import Session
from esent.table import Table

__version__ = "0.1.0.dev0"

#: "libese" when this build runs the portable engine, "esent.dll" on Windows.
ENGINE = "libese" if HAVE_LIBESE else "esent.dll"

__all__ = [
    "Column",
    "ColumnType",
    "Database",
    "ENGINE",
    "Index",
    "Instance",
    "ObjectClosedError",
    "Session",
    "Table",
    "errors",
    "get_global_param",
    "restore",
    "set_global_params",
]

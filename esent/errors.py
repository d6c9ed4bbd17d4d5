"""ESENT errors as Python exceptions.

Every Jet API returns a ``JET_ERR``: ``0`` is success, a positive value is a
warning and a negative value is an error.  The binding turns every negative
value into an exception from this module; warnings never raise (``esent.jet``
documents how a caller sees them).

Exceptions
----------
``EsentError`` is the base of everything raised for an ESENT error code.  Each
instance carries:

* ``code`` -- the ``JET_ERR`` value (an ``int``, always negative),
* ``name`` -- its C name, e.g. ``"JET_errBackupAbortByServer"``,
* ``description`` -- a one-line explanation,
* ``message`` -- optional context the caller added (usually which API failed).

``str(exc)`` reads ``JET_errBackupAbortByServer (-801): <description>``,
followed by ``[<message>]`` when a message was given.

There is one subclass per known error code, named after the code without its
``JET_err`` prefix plus ``Error``: ``JET_errInvalidParameter`` ->
``InvalidParameterError``, ``JET_errBackupAbortByServer`` ->
``BackupAbortByServerError``.  The naming rule, applied mechanically to every
code and category:

1. Drop the prefix ``JET_err`` (or ``JET_wrn`` for ``JET_wrnNyi``, the only
   negative "warning", or ``err`` for the engine-internal codes that have no
   ``JET_`` name).
2. Append ``Error``, unless the remainder already ends in ``Error``
   (``JET_errInternalError`` -> ``InternalError``, not ``InternalErrorError``).
3. If the result is the name of a Python builtin (``dir(builtins)``), prefix it
   with ``Jet`` so that no class shadows a builtin:
   ``JET_errFileNotFound`` -> ``JetFileNotFoundError``, and the categories IO
   and Memory -> ``JetIOError``, ``JetMemoryError``.

A code with two C names (``JET_errDatabaseInconsistent`` is the obsolete name of
``JET_errDatabaseDirtyShutdown``, -550) has one class, bound under both names:
``DatabaseInconsistentError is DatabaseDirtyShutdownError``.

Categories
----------
The classes between ``EsentError`` and the per-code classes mirror ESE's own
error categories (``JET_ERRCAT``), so a caller can handle a whole family::

    EsentError                    JET_errcatError
    +-- OperationError            JET_errcatOperation   (retry, then tell the operator)
    |   +-- FatalError            JET_errcatFatal       (restart the instance/process)
    |   +-- JetIOError            JET_errcatIO
    |   +-- ResourceError         JET_errcatResource
    |       +-- JetMemoryError    JET_errcatMemory
    |       +-- QuotaError        JET_errcatQuota
    |       +-- DiskError         JET_errcatDisk
    +-- DataError                 JET_errcatData
    |   +-- CorruptionError       JET_errcatCorruption  (restore from backup)
    |   +-- InconsistentError     JET_errcatInconsistent
    |   +-- FragmentationError    JET_errcatFragmentation
    +-- ApiError                  JET_errcatApi
        +-- UsageError            JET_errcatUsage       (a bug in the caller)
        +-- StateError            JET_errcatState
        +-- ObsoleteError         JET_errcatObsolete

Each code's category is the one ESE's own error table assigns it
(``dev/ese/src/_errstr/errdata.txt``).  ESE gives mostly obsolete and
engine-internal codes no category ("Unknown"); their classes derive directly
from ``EsentError``.  Every class has a ``category`` attribute with the ESE
category name (without ``JET_errcat``).

Functions
---------
``from_code(code)`` gives the class for a negative code (``EsentError`` itself
for a code not in the table); ``exception_for(code, context)`` builds the
exception and ``raise_for_code(code, context)`` raises it; ``error_name``,
``warning_name`` and ``describe`` look codes up.

Error codes are not versioned by ``JET_VERSION`` in ``esent.h``, so the table is
the same for every Windows version; codes marked non-public in
``esent._error_codes`` are not in the public header but can still come back
from the engine.

This module is pure Python and imports nothing outside the standard library,
so it works without the compiled extension.  ``errors.pyi`` lists the generated
classes for type checkers; a test keeps it in step with this module.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Mapping
from typing import Any, ClassVar, NoReturn

from . import _error_codes as _table

# The generated per-code classes are added to __all__ below.
__all__ = [
    "EsentError",
    "OperationError",
    "FatalError",
    "JetIOError",
    "ResourceError",
    "JetMemoryError",
    "QuotaError",
    "DiskError",
    "DataError",
    "CorruptionError",
    "InconsistentError",
    "FragmentationError",
    "ApiError",
    "UsageError",
    "StateError",
    "ObsoleteError",
    "from_code",
    "exception_for",
    "raise_for_code",
    "error_name",
    "warning_name",
    "describe",
]

_UNKNOWN_ERROR_NAME = "unknown ESENT error"
_UNKNOWN_WARNING_NAME = "unknown ESENT warning"

_ERROR_BY_CODE: Mapping[int, _table.ErrorCode] = {e.value: e for e in _table.ERRORS}
_WARNING_BY_CODE: Mapping[int, _table.ErrorCode] = {w.value: w for w in _table.WARNINGS}
# Codes strictly between these two bounds are free for applications (a callback
# may return one); they are not in the table but are still worth naming.
_CLIENT_SPACE_END = -11999  # JET_errClientSpaceEnd
_CLIENT_SPACE_BEGIN = -10000  # JET_errClientSpaceBegin


def _as_code(code: int) -> int:
    # operator.index accepts int-like objects (numpy ints, IntEnum) but rejects
    # floats and strings, which are always a caller bug here.
    if isinstance(code, bool):
        raise TypeError("an ESENT code must be an int, not bool")
    return operator.index(code)


def error_name(code: int) -> str:
    """Return the C name of an error code, e.g. ``error_name(-1003)`` ->
    ``"JET_errInvalidParameter"``.

    A code with two names gives its current one (-550 ->
    ``"JET_errDatabaseDirtyShutdown"``).  Engine-internal codes keep the ESE
    source spelling (``"errBackupAbortByCaller"``).  An unknown negative code
    gives ``"unknown ESENT error"``; ``0`` gives ``"JET_errSuccess"``.

    Raises ValueError for a positive code: use :func:`warning_name` for those.
    """
    code = _as_code(code)
    if code > 0:
        raise ValueError(f"{code} is a warning code, not an error; use warning_name()")
    if code == 0:
        return _table.SUCCESS.name
    entry = _ERROR_BY_CODE.get(code)
    return entry.name if entry is not None else _UNKNOWN_ERROR_NAME


def warning_name(code: int) -> str:
    """Return the C name of a (positive) warning code, e.g. ``warning_name(1004)``
    -> ``"JET_wrnColumnNull"``; ``"unknown ESENT warning"`` for a code not in
    the table.

    Warnings never raise: a Jet call that returns one has succeeded.  Raises
    ValueError for zero or a negative code (use :func:`error_name`).
    """
    code = _as_code(code)
    if code <= 0:
        raise ValueError(
            f"{code} is not a warning code (warnings are positive); use error_name()"
        )
    entry = _WARNING_BY_CODE.get(code)
    return entry.name if entry is not None else _UNKNOWN_WARNING_NAME


def describe(code: int) -> str:
    """Return a one-line description of any ``JET_ERR`` value: success, warning
    or error (known or not)."""
    code = _as_code(code)
    if code == 0:
        return _table.SUCCESS.description
    entry = (_ERROR_BY_CODE if code < 0 else _WARNING_BY_CODE).get(code)
    if entry is not None:
        return entry.description
    if code < 0 and _CLIENT_SPACE_END < code < _CLIENT_SPACE_BEGIN:
        return "an application-defined error (the code lies in the range ESE leaves to applications)"
    return "this code is not in esent's table of ESENT codes"


class EsentError(Exception):
    """Base class of every exception raised for an ESENT error code.

    Construct as ``EsentError(code)`` or, for a per-code class,
    ``InvalidParameterError()`` / ``InvalidParameterError(-1003, "JetFoo")``.
    The optional ``message`` is context (for example the API that failed) and
    is shown after the description.  Catch a category class (``UsageError``,
    ``CorruptionError``, ...) to handle a whole family of codes.
    """

    #: ESE category (``JET_errcat`` name without the prefix) of this class.
    category: ClassVar[str] = "Error"

    code: int
    name: str
    description: str
    message: str | None

    def __init__(self, code: int | None = None, message: str | None = None) -> None:
        fixed = _fixed_code(type(self))
        if code is None:
            if fixed is None:
                raise TypeError(f"{type(self).__name__}() needs an ESENT error code")
            code = fixed
        code = _as_code(code)
        if code >= 0:
            raise ValueError(f"ESENT error codes are negative, got {code}")
        if fixed is not None and code != fixed:
            raise ValueError(f"{type(self).__name__} is for code {fixed}, got {code}")
        if message is not None and not isinstance(message, str):
            raise TypeError(
                f"message must be a str or None, not {type(message).__name__}"
            )
        # args mirrors the constructor so that the default machinery (repr of
        # args, copy) sees the same values __reduce__ hands back.
        if message is None:
            super().__init__(code)
        else:
            super().__init__(code, message)
        self.code = code
        self.name = error_name(code)
        self.description = describe(code)
        self.message = message

    def __str__(self) -> str:
        text = f"{self.name} ({self.code}): {self.description}"
        return f"{text} [{self.message}]" if self.message else text

    def __repr__(self) -> str:
        if self.message is None:
            return f"{type(self).__name__}({self.code})"
        return f"{type(self).__name__}({self.code}, {self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild through __init__ (which validates the code) and then restore
        # anything else set on the instance, e.g. __notes__ from add_note().
        return (type(self), (self.code, self.message), dict(self.__dict__))


def _fixed_code(cls: type[EsentError]) -> int | None:
    # Per-code classes carry their code as a class attribute; the root and the
    # category classes do not, and accept any negative code.
    code = cls.__dict__.get("code")
    return code if isinstance(code, int) else None


# --- ESE's category hierarchy (JET_ERRCAT), see the module docstring. --------
# Parents follow ESE's errorhierarchy.cxx (Obsolete sits under Api there).


class OperationError(EsentError):
    """Operational errors (JET_errcatOperation): uncontrollable conditions that can
    happen at any time and are often temporary.  Retry; if it persists, tell the
    operator."""

    category = "Operation"


class FatalError(OperationError):
    """Fatal errors (JET_errcatFatal): the engine cannot continue safely.  Restart
    the instance or the process; if it persists, tell the operator."""

    category = "Fatal"


class JetIOError(OperationError):
    """I/O errors reported by the operating system (JET_errcatIO); possibly
    temporary.  Named ``JetIOError`` because ``IOError`` is a Python builtin."""

    category = "IO"


class ResourceError(OperationError):
    """Resource errors (JET_errcatResource): something ran out."""

    category = "Resource"


class JetMemoryError(ResourceError):
    """Out of memory or of a memory-like resource (JET_errcatMemory).  Named
    ``JetMemoryError`` because ``MemoryError`` is a Python builtin."""

    category = "Memory"


class QuotaError(ResourceError):
    """A configured limit was reached (JET_errcatQuota); raise the limit or
    reduce the load."""

    category = "Quota"


class DiskError(ResourceError):
    """Out of disk space (JET_errcatDisk)."""

    category = "Disk"


class DataError(EsentError):
    """Errors about the persisted data (JET_errcatData)."""

    category = "Data"


class CorruptionError(DataError):
    """The database or log files are corrupt (JET_errcatCorruption).  Restore from
    a backup."""

    category = "Corruption"


class InconsistentError(DataError):
    """Database and/or log files do not fit together (JET_errcatInconsistent),
    typically after files were mishandled.  Restore from a backup or put back
    the right files."""

    category = "Inconsistent"


class FragmentationError(DataError):
    """A persisted internal resource ran out (JET_errcatFragmentation).  For a
    database, offline defragmentation helps; for logs, shut down cleanly and
    start a new log sequence."""

    category = "Fragmentation"


class ApiError(EsentError):
    """Errors about how the API was called (JET_errcatApi)."""

    category = "Api"


class UsageError(ApiError):
    """The caller passed something wrong (JET_errcatUsage); retrying will not
    help.  This is a bug in the calling code."""

    category = "Usage"


class StateError(ApiError):
    """The call is valid but not in the current state (JET_errcatState), for
    example a missing record or a busy object."""

    category = "State"


class ObsoleteError(ApiError):
    """Obsolete functionality (JET_errcatObsolete).  ESE assigns no code to this
    category today; it exists to mirror the hierarchy."""

    category = "Obsolete"


_CATEGORY_CLASS: Mapping[str, type[EsentError]] = {
    "Error": EsentError,
    # ESE gives these codes no category; they hang directly off the root.
    "Unknown": EsentError,
    "Operation": OperationError,
    "Fatal": FatalError,
    "IO": JetIOError,
    "Resource": ResourceError,
    "Memory": JetMemoryError,
    "Quota": QuotaError,
    "Disk": DiskError,
    "Data": DataError,
    "Corruption": CorruptionError,
    "Inconsistent": InconsistentError,
    "Fragmentation": FragmentationError,
    "Api": ApiError,
    "Usage": UsageError,
    "State": StateError,
    "Obsolete": ObsoleteError,
}


# --- One class per negative code, generated from the table. ------------------


def _class_name(c_name: str) -> str:
    """The naming rule of the module docstring, applied to one C name."""
    for prefix in ("JET_err", "JET_wrn", "err"):
        if c_name.startswith(prefix):
            stem = c_name[len(prefix) :]
            break
    else:  # pragma: no cover - the table only holds prefixed names
        raise ValueError(f"unexpected ESENT code name {c_name!r}")
    name = stem if stem.endswith("Error") else stem + "Error"
    return "Jet" + name if name in _BUILTIN_NAMES else name


_BUILTIN_NAMES = frozenset(dir(builtins))
_CLASS_BY_CODE: dict[int, type[EsentError]] = {}


def _make_class(entry: _table.ErrorCode, aliases: list[str]) -> type[EsentError]:
    base = _CATEGORY_CLASS[entry.category]
    where = (
        "Defined in the public esent.h."
        if entry.public
        else "Not in the public esent.h; the engine can still return it."
    )
    if entry.category == "Unknown":
        category_note = (
            "ESE assigns this code no category, so the class derives from EsentError."
        )
    else:
        category_note = f"ESE category: {entry.category} ({base.__name__})."
    doc = (
        f"{entry.name} ({entry.value}): {entry.description}.\n\n{category_note} {where}"
    )
    if aliases:
        doc += " Also named " + ", ".join(aliases) + "."
    namespace = {
        "__module__": __name__,
        "__doc__": doc,
        "code": entry.value,
        "category": entry.category,
    }
    return type(_class_name(entry.name), (base,), namespace)


def _build_classes() -> None:
    aliases_of: dict[str, list[str]] = {}
    for alias, target in _table.ALIASES.items():
        aliases_of.setdefault(target, []).append(alias)
    module = globals()
    for entry in _table.ERRORS:
        cls = _make_class(entry, aliases_of.get(entry.name, []))
        if cls.__name__ in module:
            raise RuntimeError(f"class name clash in esent.errors: {cls.__name__}")
        module[cls.__name__] = cls
        __all__.append(cls.__name__)
        _CLASS_BY_CODE[entry.value] = cls
        for alias in aliases_of.get(entry.name, []):
            alias_name = _class_name(alias)
            if alias_name in module:
                raise RuntimeError(f"class name clash in esent.errors: {alias_name}")
            module[alias_name] = cls
            __all__.append(alias_name)


_build_classes()


def from_code(code: int) -> type[EsentError]:
    """Return the exception class for a negative ESENT code.

    ``from_code(-1003) is InvalidParameterError``.  A negative code that is not
    in the table gives ``EsentError`` itself (an instance still carries the
    code).  Raises ValueError for ``0`` and positive (warning) codes, which are
    never errors.
    """
    code = _as_code(code)
    if code >= 0:
        raise ValueError(f"{code} is not an error code (errors are negative)")
    return _CLASS_BY_CODE.get(code, EsentError)


def exception_for(code: int, context: str | None = None) -> EsentError:
    """Build (not raise) the exception for a negative code, with optional context
    such as the name of the API that failed.

    Meant for the binding: ``raise exception_for(err, "JetReadFileInstance")``
    keeps the wrapper's own frame at the top of the traceback.
    """
    return from_code(code)(code, context)


def raise_for_code(code: int, context: str | None = None) -> NoReturn:
    """Raise the exception for a negative code (see :func:`exception_for`).

    Raises ValueError instead for ``0`` or a warning: only call this for errors.
    """
    raise exception_for(code, context)

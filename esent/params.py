"""System parameters by name: what esent.Instance(params=...) and set_global_params() accept.

Names are the JET_param constants without the prefix ("CircularLog" for JET_paramCircularLog).
ESENT keeps some parameters process-wide (the database page size, the cache, the instance
limit, the OS-snapshot timeout); they are set once, before the first instance is initialised,
with :func:`esent.set_global_params`.  Everything else is per instance.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import Mapping, Union

from esent import _esent

ParamValue = Union[int, bool, str, "os.PathLike[str]"]


class Kind(enum.Enum):
    INTEGER = "integer"
    BOOLEAN = "boolean"
    STRING = "string"
    PATH = "path"


class Scope(enum.Enum):
    INSTANCE = "instance"
    GLOBAL = "global"


@dataclass(frozen=True)
class Param:
    """One system parameter: its name, JET_param id, value kind and scope."""

    name: str
    id: int
    kind: Kind
    scope: Scope

    @property
    def is_text(self) -> bool:
        return self.kind in (Kind.STRING, Kind.PATH)


def _p(name: str, kind: Kind, scope: Scope = Scope.INSTANCE) -> Param:
    return Param(name, getattr(_esent, "JET_param" + name), kind, scope)


PARAMS: dict[str, Param] = {
    p.name: p
    for p in (
        _p("SystemPath", Kind.PATH),
        _p("TempPath", Kind.PATH),
        _p("LogFilePath", Kind.PATH),
        _p("BaseName", Kind.STRING),
        _p("MaxSessions", Kind.INTEGER),
        _p("LogFileSize", Kind.INTEGER),
        _p("CircularLog", Kind.BOOLEAN),
        _p("Recovery", Kind.STRING),
        _p("CreatePathIfNotExist", Kind.BOOLEAN),
        _p("LegacyFileNames", Kind.INTEGER),
        _p("DatabasePageSize", Kind.INTEGER, Scope.GLOBAL),
        _p("CacheSizeMax", Kind.INTEGER, Scope.GLOBAL),
        _p("MaxInstances", Kind.INTEGER, Scope.GLOBAL),
        _p("OSSnapshotTimeout", Kind.INTEGER, Scope.GLOBAL),
    )
}


def lookup(name: str) -> Param:
    """The parameter called ``name``; KeyError naming the known ones otherwise."""
    try:
        return PARAMS[name]
    except KeyError:
        known = ", ".join(sorted(PARAMS))
        raise KeyError(f"unknown system parameter {name!r}; known: {known}") from None


def check_instance_params(params: Mapping[str, ParamValue]) -> None:
    """Refuse unknown names and process-wide parameters in an instance's ``params``."""
    for name in params:
        param = lookup(name)
        if param.scope is Scope.GLOBAL:
            raise ValueError(
                f"{name} is a process-wide ESENT parameter: set it with "
                f"esent.set_global_params({{{name!r}: ...}}) before the first instance starts"
            )


def set_param(instance: int | None, param: Param, value: ParamValue) -> None:
    """Set one parameter on ``instance`` (None: process-wide) through esent.jet."""
    if param.is_text:
        text = os.fspath(value) if not isinstance(value, str) else value
        if not isinstance(text, str):
            raise TypeError(f"{param.name} takes a str, not {type(value).__name__}")
        _esent.JetSetSystemParameter(instance, 0, param.id, 0, text)
    else:
        if not isinstance(value, int):
            raise TypeError(f"{param.name} takes an int or bool, not {type(value).__name__}")
        _esent.JetSetSystemParameter(instance, 0, param.id, int(value), None)


def get_param(instance: int, param: Param) -> ParamValue:
    """Read one parameter of ``instance`` (0: the process-wide value or default)."""
    number, text = _esent.JetGetSystemParameter(instance, 0, param.id)
    if param.is_text:
        return text
    if param.kind is Kind.BOOLEAN:
        return bool(number)
    return int(number)


def set_global_params(params: Mapping[str, ParamValue]) -> None:
    """Set process-wide ESENT parameters (before the first instance is initialised).

    Example: ``esent.set_global_params({"DatabasePageSize": 8192})``.  Only parameters ESENT
    keeps per process are accepted here; per-instance ones go in ``esent.Instance(params=...)``.
    Raises AlreadyInitializedError when a parameter can no longer change because an instance
    is running.
    """
    for name, value in params.items():
        param = lookup(name)
        if param.scope is not Scope.GLOBAL:
            raise ValueError(
                f"{name} is a per-instance parameter: pass it in esent.Instance(params=...)"
            )
        set_param(None, param, value)


def get_global_param(name: str) -> ParamValue:
    """The current process-wide value of a global parameter (or an instance default)."""
    return get_param(0, lookup(name))

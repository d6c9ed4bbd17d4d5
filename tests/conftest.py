"""Shared fixtures.

Tests are marked ``contract`` (ESENT behaviour that must hold unchanged on the real esent.dll;
the Windows workflow runs exactly these) or ``libese`` (the portable engine's own behaviour or
internals).  A test's docstring names the documentation page or fact-sheet section it checks.
"""

from __future__ import annotations

import itertools
import os
import pathlib
from collections.abc import Callable, Iterator

import pytest

import esent
from esent import jet

REPO = pathlib.Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

_names = itertools.count()


def unique_name(prefix: str = "test") -> str:
    """An instance name no other test in this process uses (ESENT names are process-unique)."""
    return f"{prefix}-{os.getpid()}-{next(_names)}"


@pytest.fixture
def new_name() -> Callable[..., str]:
    """A factory of unique instance names (tests must not import conftest: the Windows
    workflow runs them from outside the checkout)."""
    return unique_name


@pytest.fixture
def instance_name() -> str:
    return unique_name()


@pytest.fixture
def created_instance(instance_name: str) -> Iterator[int]:
    """A JetCreateInstance2 handle (not initialised), terminated afterwards if still alive."""
    handle = jet.JetCreateInstance2(instance_name)
    yield handle
    try:
        jet.JetTerm2(handle, jet.JET_bitTermAbrupt)
    except esent.errors.EsentError:
        pass  # the test terminated it already


@pytest.fixture
def running_instance(created_instance: int, tmp_path: pathlib.Path) -> int:
    """An initialised instance whose files live in a fresh temporary folder."""
    folder = str(tmp_path) + os.sep
    for param in (jet.JET_paramSystemPath, jet.JET_paramLogFilePath, jet.JET_paramTempPath):
        jet.JetSetSystemParameter(created_instance, 0, param, 0, folder)
    jet.JetInit3(created_instance)
    return created_instance


@pytest.fixture
def instance(tmp_path: pathlib.Path, instance_name: str) -> Iterator[esent.Instance]:
    """An esent.Instance, initialised, in a fresh temporary folder."""
    with esent.Instance(instance_name, system_path=tmp_path / "system") as inst:
        yield inst

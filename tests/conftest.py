"""Shared fixtures.

Tests are marked ``contract`` (ESENT behaviour that must hold unchanged on the real esent.dll;
the Windows workflow runs exactly these) or ``libese`` (the portable engine's own behaviour or
internals).  A test's docstring names the documentation page or fact-sheet section it checks.
"""

from __future__ import annotations

import gzip
import itertools
import os
import pathlib
import shutil
from collections.abc import Callable, Iterator

import pytest

import esent
from esent import jet
from esent.offline import DatabaseState

REPO = pathlib.Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "ese-samples"

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


@pytest.fixture
def data_session(instance: esent.Instance) -> Iterator[esent.Session]:
    """A session on a fresh instance, for the data API tests."""
    with instance.session() as session:
        yield session


@pytest.fixture
def data_db(data_session: esent.Session, tmp_path: pathlib.Path) -> esent.Database:
    """A new, empty database in a fresh instance, for the data API tests."""
    return data_session.create_database(tmp_path / "data.edb")


# From shared/ese-samples/MANIFEST.md: page size, format revision (DaeUpdateMajor at 232) and
# state (52); and from format facts §3 whether the log signature (108) is all zero ("Catalog1
# and decompress_test have 0").
MANIFEST_FACTS = {
    "secedit-win11-22631.sdb": (4096, 0xE6, DatabaseState.CleanShutdown, False),
    "Catalog1.edb": (4096, 0x14, DatabaseState.CleanShutdown, True),
    "SRUDB.dat": (4096, 0x6E, DatabaseState.CleanShutdown, False),
    "decompress_test-8k.edb": (8192, 0x14, DatabaseState.CleanShutdown, True),
    "qmgr-16k.db": (16384, 0x12C, DatabaseState.DirtyShutdown, False),
    "large-32k.edb": (32768, 0x14, DatabaseState.CleanShutdown, False),
}


_prepared: dict[str, pathlib.Path] = {}


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The Windows-written samples, with large-32k.edb.gz gunzipped into a temporary folder
    (the shared folder is read-only).  Prepared once per run, however many test files import
    this fixture."""
    if not SAMPLES.is_dir():
        pytest.skip(f"the Windows-written samples are absent ({SAMPLES})")
    if "folder" not in _prepared:
        folder = tmp_path_factory.mktemp("samples")
        for name in MANIFEST_FACTS:
            if (SAMPLES / name).exists():
                (folder / name).symlink_to(SAMPLES / name)
        with gzip.open(SAMPLES / "large-32k.edb.gz") as packed, open(
                folder / "large-32k.edb", "wb") as out:
            shutil.copyfileobj(packed, out)
        _prepared["folder"] = folder
    return _prepared["folder"]

"""Tests of esent.errors, its code table and libese's C error header.

Facts come from the ESE engine source (``jethdr.w`` for names, values and which
codes are public; ``errdata.txt`` for categories; ``errorhierarchy.cxx`` for the
category tree) and from shared/reference/ese-backup-facts.md (sections 7.1 and
11).  Everything here except the header cross-check holds unchanged on Windows,
so those tests are marked ``contract``; the header check is ``libese``.
"""

from __future__ import annotations

import ast
import builtins
import copy
import pickle
import re
from pathlib import Path

import pytest

from esent import _error_codes as table
from esent import errors

contract = pytest.mark.contract

REPO = Path(__file__).resolve().parent.parent
HEADER = REPO / "src" / "libese" / "include" / "esent_errors.h"
STUB = Path(errors.__file__).with_suffix(".pyi")
MINGW_HEADER = Path("/usr/share/mingw-w64/include/esent.h")

ALL_CODES = [*table.ERRORS, *table.WARNINGS]

# ESE's category tree (errorhierarchy.cxx): child -> parent.
ESE_CATEGORY_PARENT = {
    "Operation": "Error",
    "Fatal": "Operation",
    "IO": "Operation",
    "Resource": "Operation",
    "Memory": "Resource",
    "Quota": "Resource",
    "Disk": "Resource",
    "Data": "Error",
    "Corruption": "Data",
    "Inconsistent": "Data",
    "Fragmentation": "Data",
    "Api": "Error",
    "Usage": "Api",
    "State": "Api",
    "Obsolete": "Api",
}
CATEGORY_CLASS = {
    "Error": errors.EsentError,
    "Operation": errors.OperationError,
    "Fatal": errors.FatalError,
    "IO": errors.JetIOError,
    "Resource": errors.ResourceError,
    "Memory": errors.JetMemoryError,
    "Quota": errors.QuotaError,
    "Disk": errors.DiskError,
    "Data": errors.DataError,
    "Corruption": errors.CorruptionError,
    "Inconsistent": errors.InconsistentError,
    "Fragmentation": errors.FragmentationError,
    "Api": errors.ApiError,
    "Usage": errors.UsageError,
    "State": errors.StateError,
    "Obsolete": errors.ObsoleteError,
}


def expected_class_name(c_name: str) -> str:
    """The documented naming rule, written out again independently of errors.py."""
    stem = re.sub(r"^(JET_err|JET_wrn|err)", "", c_name)
    name = stem if stem.endswith("Error") else stem + "Error"
    return "Jet" + name if hasattr(builtins, name) else name


# --- The table ---------------------------------------------------------------


@contract
def test_table_is_sorted_and_unique() -> None:
    """Every ESENT code has one value and one current name: no duplicates, errors
    ordered from -1 outwards and warnings ascending, as in esent.h."""
    values = [e.value for e in ALL_CODES]
    names = [e.name for e in ALL_CODES]
    assert len(set(values)) == len(values)
    assert len(set(names)) == len(names)
    assert [e.value for e in table.ERRORS] == sorted(
        (e.value for e in table.ERRORS), reverse=True
    )
    assert [w.value for w in table.WARNINGS] == sorted(w.value for w in table.WARNINGS)
    assert all(e.value < 0 for e in table.ERRORS)
    assert all(w.value > 0 for w in table.WARNINGS)
    assert table.SUCCESS == (
        0,
        "JET_errSuccess",
        "State",
        "external",
        True,
        table.SUCCESS.description,
    )


@contract
def test_table_rows_are_well_formed() -> None:
    """Each row uses a JET_errcat name (or Unknown), one of ESE's three statuses
    (errdata.txt: EXTERNAL/INTERNAL/OBSOLETE) and a non-empty one-line description."""
    categories = set(CATEGORY_CLASS) | {"Unknown"}
    for e in ALL_CODES:
        assert e.category in categories, e
        assert e.status in {"external", "internal", "obsolete"}, e
        assert isinstance(e.public, bool), e
        assert (
            e.description and "\n" not in e.description and e.description.isascii()
        ), e
        assert re.fullmatch(r"(JET_(err|wrn)|err|wrn)[A-Z0-9]\w*", e.name), e


@contract
def test_aliases_name_existing_codes() -> None:
    """esent.h's second names (JET_errDatabaseInconsistent, JET_errColumnIllegalNull,
    JET_wrnRecordFound{Greater,Less}, two IndexTuples names) point at current names."""
    names = {e.name for e in ALL_CODES}
    assert (
        table.ALIASES["JET_errDatabaseInconsistent"] == "JET_errDatabaseDirtyShutdown"
    )
    assert table.ALIASES["JET_errColumnIllegalNull"] == "JET_errNullInvalid"
    assert table.ALIASES["JET_wrnRecordFoundGreater"] == "JET_wrnSeekNotEqual"
    assert table.ALIASES["JET_wrnRecordFoundLess"] == "JET_wrnSeekNotEqual"
    for alias, target in table.ALIASES.items():
        assert target in names and alias not in names


# Fact sheet section 7.1 (backup/restore codes) and section 11 (codes mingw lacks).
FACT_SHEET_CODES = [
    ("JET_wrnNyi", -1, True),
    ("JET_errInvalidLoggedOperation", -500, True),
    ("JET_errLogFileCorrupt", -501, True),
    ("JET_errBackupInProgress", -505, True),
    ("JET_errRestoreInProgress", -506, True),
    ("JET_errLogWriteFail", -510, True),
    ("JET_errInvalidLogSequence", -515, True),
    ("JET_errLoggingDisabled", -516, True),
    ("JET_errNoBackup", -520, True),
    ("JET_errInvalidBackupSequence", -521, True),
    ("JET_errBackupNotAllowedYet", -523, True),
    ("JET_errInvalidBackup", -526, True),
    ("JET_errMissingLogFile", -528, True),
    ("JET_errLogDiskFull", -529, True),
    ("JET_errCheckpointCorrupt", -533, True),
    ("JET_errDatabaseDirtyShutdown", -550, True),
    ("JET_errMissingFullBackup", -560, True),
    ("JET_errMissingFileToBackup", -569, True),
    ("JET_errCommittedLogFilesMissing", -582, True),
    ("JET_errSectorSizeNotSupported", -583, True),
    ("JET_errRecoveredWithoutUndoDatabasesConsistent", -584, True),
    ("JET_errCommittedLogFileCorrupt", -586, True),
    ("JET_errLogSequenceChecksumMismatch", -590, True),
    ("JET_errPageInitializedMismatch", -596, True),
    ("JET_errLogReadVerifyFailure", -612, True),
    ("JET_errRestoreOfNonBackupDatabase", -615, True),
    ("JET_errLogFileNotCopied", -616, True),
    ("JET_errSurrogateBackupInProgress", -617, False),
    ("JET_errTransactionTooLong", -618, True),
    ("JET_errEngineFormatVersionNoLongerSupportedTooLow", -619, True),
    ("JET_errEngineFormatVersionSpecifiedTooLowForDatabaseVersion", -623, True),
    ("errLogServiceStopped", -624, False),
    ("JET_errDbTimeBeyondMaxRequired", -625, True),
    ("JET_errLogOperationInconsistentWithDatabase", -626, True),
    ("errBackupAbortByCaller", -800, False),
    ("JET_errBackupAbortByServer", -801, True),
    ("errTooManyPatchRequests", -802, False),
    ("JET_errInvalidGrbit", -900, True),
    ("JET_errTermInProgress", -1000, True),
    ("JET_errInvalidParameter", -1003, True),
    ("JET_errOutOfMemory", -1011, True),
    ("JET_errReadVerifyFailure", -1018, True),
    ("JET_errPageNotInitialized", -1019, True),
    ("JET_errDiskReadVerificationFailure", -1021, True),
    ("JET_errDiskIO", -1022, True),
    ("JET_errInvalidPath", -1023, True),
    ("JET_errNotInitialized", -1029, True),
    ("JET_errAlreadyInitialized", -1030, True),
    ("JET_errFileAccessDenied", -1032, True),
    ("JET_errBufferTooSmall", -1038, True),
    ("JET_errRunningInOneInstanceMode", -1080, True),
    ("JET_errRunningInMultiInstanceMode", -1081, True),
    ("JET_errInstanceUnavailable", -1090, True),
    ("JET_errInstanceUnavailableDueToFatalLogDiskFull", -1092, True),
    ("JET_errInvalidInstance", -1115, True),
    ("JET_errDirtyShutdown", -1116, True),
    ("JET_errReadPgnoVerifyFailure", -1118, True),
    ("JET_errReadLostFlushVerifyFailure", -1119, True),
    ("JET_errFileSystemCorruption", -1121, True),
    ("JET_errRecoveryVerifyFailure", -1123, True),
    ("JET_errDatabaseNotFound", -1203, True),
    ("JET_errDatabaseCorrupted", -1206, True),
    ("JET_errPageSizeMismatch", -1213, True),
    ("JET_errDatabaseNotReady", -1230, True),
    ("JET_errDatabaseAttachedForRecovery", -1231, True),
    ("JET_errClientRequestToStopJetService", -1329, True),
    ("JET_errDiskFull", -1808, True),
    ("JET_errFileNotFound", -1811, True),
    ("JET_errFileAlreadyExists", -1814, True),
    ("JET_errAfterInitialization", -1850, True),
    ("JET_errOSSnapshotInvalidSequence", -2401, True),
    ("JET_errOSSnapshotTimeOut", -2402, True),
    ("JET_errOSSnapshotNotAllowed", -2403, True),
    ("JET_errOSSnapshotInvalidSnapId", -2404, True),
    ("errOSSnapshotNewLogStopped", -2405, False),
    ("JET_wrnExistingLogFileHasBadSignature", 558, True),
    ("JET_wrnTargetInstanceRunning", 578, True),
    ("JET_wrnCommittedLogFilesLost", 585, True),
    ("JET_wrnCommittedLogFilesRemoved", 587, True),
    ("JET_wrnFinishWithUndo", 588, True),
]


@contract
@pytest.mark.parametrize(("name", "value", "public"), FACT_SHEET_CODES)
def test_fact_sheet_codes(name: str, value: int, public: bool) -> None:
    """ese-backup-facts.md 7.1/11: each listed code has this value and this
    public/non-public status (-617, -624, -800, -802, -2405 are not in esent.h)."""
    by_name = {e.name: e for e in ALL_CODES}
    assert by_name[name].value == value
    assert by_name[name].public is public


@contract
@pytest.mark.skipif(
    not MINGW_HEADER.exists(), reason="mingw-w64's esent.h is not installed"
)
def test_table_agrees_with_mingw_header() -> None:
    """Every JET_err/JET_wrn constant in mingw-w64's esent.h (an independent copy of
    the Windows header) is in the table with the same value, aliases included."""
    text = MINGW_HEADER.read_text(encoding="latin-1")
    by_name = {e.name: e.value for e in (*ALL_CODES, table.SUCCESS)}
    seen = 0
    for name, value in re.findall(
        r"^\s*#\s*define\s+(JET_(?:err|wrn)\w+)\s+(\S+)", text, re.MULTILINE
    ):
        seen += 1
        if re.fullmatch(r"\(?-?\d+\)?", value):
            assert by_name.get(name) == int(value.strip("()")), name
        else:
            assert table.ALIASES.get(name) == value, name
    assert seen > 300


# --- Classes -----------------------------------------------------------------


@contract
def test_every_error_code_has_its_class() -> None:
    """Each negative ESENT code maps, through from_code, to its own exception class
    that is a real module attribute, exported in __all__ and documented."""
    exported = set(errors.__all__)
    for e in table.ERRORS:
        cls = errors.from_code(e.value)
        assert cls is not errors.EsentError, e
        assert issubclass(cls, errors.EsentError)
        assert cls.code == e.value
        assert cls.__name__ == expected_class_name(e.name)
        assert getattr(errors, cls.__name__) is cls
        assert cls.__name__ in exported
        assert cls.__module__ == "esent.errors"
        assert cls.__doc__ and e.name in cls.__doc__ and str(e.value) in cls.__doc__
        exc = cls()
        assert (exc.code, exc.name, exc.description) == (e.value, e.name, e.description)


@contract
def test_two_names_for_one_code_share_a_class() -> None:
    """JET_errDatabaseDirtyShutdown = JET_errDatabaseInconsistent = -550 (and the
    other esent.h aliases) give one class, bound under both names."""
    assert errors.DatabaseDirtyShutdownError is errors.DatabaseInconsistentError
    assert errors.from_code(-550) is errors.DatabaseDirtyShutdownError
    assert errors.ColumnIllegalNullError is errors.NullInvalidError
    assert errors.IndexTuplesOneColumnOnlyError is errors.IndexTuplesTooManyColumnsError
    assert (
        errors.IndexTuplesTextColumnsOnlyError
        is errors.IndexTuplesTextBinaryColumnsOnlyError
    )
    assert {"DatabaseInconsistentError", "DatabaseDirtyShutdownError"} <= set(
        errors.__all__
    )
    # The class reports the current name.
    assert errors.DatabaseInconsistentError().name == "JET_errDatabaseDirtyShutdown"


@contract
def test_no_class_shadows_a_builtin() -> None:
    """No exported name equals a Python builtin; clashes get the Jet prefix
    (JET_errFileNotFound -> JetFileNotFoundError, categories IO and Memory)."""
    for name in errors.__all__:
        assert not hasattr(builtins, name), name
    assert errors.JetFileNotFoundError is errors.from_code(-1811)
    assert errors.JetIOError.category == "IO"
    assert errors.JetMemoryError.category == "Memory"
    assert "FileNotFoundError" not in vars(errors)


@contract
@pytest.mark.parametrize(
    ("code", "class_name"),
    [
        (-1003, "InvalidParameterError"),
        (-1115, "InvalidInstanceError"),
        (-801, "BackupAbortByServerError"),
        (-521, "InvalidBackupSequenceError"),
        (-1018, "ReadVerifyFailureError"),
        (-612, "LogReadVerifyFailureError"),
        (-560, "MissingFullBackupError"),
        (-550, "DatabaseDirtyShutdownError"),
        (-550, "DatabaseInconsistentError"),
        (-1811, "JetFileNotFoundError"),
        (-107, "InternalError"),
        (-1, "NyiError"),
        (-800, "BackupAbortByCallerError"),
        (-617, "SurrogateBackupInProgressError"),
    ],
)
def test_spot_check_class_names(code: int, class_name: str) -> None:
    """Fact-sheet codes get the documented class names (JET_err prefix dropped,
    Error appended once, Jet prefix only against builtins)."""
    assert errors.from_code(code) is getattr(errors, class_name)


@contract
def test_classes_import_by_name() -> None:
    """The generated classes are real module attributes: a plain from-import works."""
    from esent.errors import (  # the import statement is what is tested
        BackupAbortByServerError,
        DatabaseInconsistentError,
        InvalidParameterError,
        JetFileNotFoundError,
    )

    assert InvalidParameterError.code == -1003
    assert BackupAbortByServerError.code == -801
    assert DatabaseInconsistentError.code == -550
    assert JetFileNotFoundError.code == -1811


@contract
def test_category_classes_follow_ese_hierarchy() -> None:
    """The category classes form ESE's JET_ERRCAT tree (errorhierarchy.cxx), with
    Obsolete under Api."""
    for child, parent in ESE_CATEGORY_PARENT.items():
        assert CATEGORY_CLASS[child].__bases__ == (CATEGORY_CLASS[parent],), child
        assert CATEGORY_CLASS[child].category == child
    assert errors.EsentError.__bases__ == (Exception,)


@contract
def test_each_code_class_derives_from_its_category() -> None:
    """Each code's class sits directly under the class of the category ESE assigns
    it (errdata.txt); codes ESE leaves uncategorised sit directly under EsentError."""
    for e in table.ERRORS:
        cls = errors.from_code(e.value)
        parent = (
            errors.EsentError if e.category == "Unknown" else CATEGORY_CLASS[e.category]
        )
        assert cls.__bases__ == (parent,), e
        assert cls.category == e.category


@contract
@pytest.mark.parametrize(
    ("code", "ancestors"),
    [
        (-510, ("JetIOError", "OperationError")),  # JET_errLogWriteFail: IO
        (-1022, ("JetIOError", "OperationError")),  # JET_errDiskIO: IO
        (-1808, ("DiskError", "ResourceError", "OperationError")),  # JET_errDiskFull
        (-1011, ("JetMemoryError", "ResourceError")),  # JET_errOutOfMemory
        (-1018, ("CorruptionError", "DataError")),  # JET_errReadVerifyFailure
        (-612, ("CorruptionError", "DataError")),  # JET_errLogReadVerifyFailure
        (-550, ("InconsistentError", "DataError")),  # JET_errDatabaseDirtyShutdown
        (-1003, ("UsageError", "ApiError")),  # JET_errInvalidParameter
        (-521, ("UsageError", "ApiError")),  # JET_errInvalidBackupSequence
        (-560, ("StateError", "ApiError")),  # JET_errMissingFullBackup
        (-801, ("OperationError",)),  # JET_errBackupAbortByServer
        (-1090, ("FatalError", "OperationError")),  # JET_errInstanceUnavailable
    ],
)
def test_category_spot_checks(code: int, ancestors: tuple[str, ...]) -> None:
    """errdata.txt assigns these codes these categories, so an instance is also an
    instance of every category above it (e.g. an IO-category error is a JetIOError)."""
    exc = errors.exception_for(code)
    for name in ancestors:
        assert isinstance(exc, getattr(errors, name)), name
    assert isinstance(exc, errors.EsentError)


# --- Behaviour of the exceptions ---------------------------------------------


@contract
def test_str_shows_name_code_description_and_context() -> None:
    """str() reads "JET_errBackupAbortByServer (-801): <description>", followed by
    "[<context>]" when the binding passes one."""
    exc = errors.exception_for(-801, "JetReadFileInstance")
    description = errors.describe(-801)
    assert (
        str(exc)
        == f"JET_errBackupAbortByServer (-801): {description} [JetReadFileInstance]"
    )
    assert (
        str(errors.BackupAbortByServerError())
        == f"JET_errBackupAbortByServer (-801): {description}"
    )
    assert repr(exc) == "BackupAbortByServerError(-801, 'JetReadFileInstance')"
    assert exc.message == "JetReadFileInstance"
    assert exc.args == (-801, "JetReadFileInstance")


@contract
def test_constructors() -> None:
    """EsentError(code) and cls(code, message=None) both work; a per-code class
    defaults to its own code and refuses another one."""
    assert errors.EsentError(-1003).code == -1003
    assert type(errors.EsentError(-1003)) is errors.EsentError
    assert errors.InvalidParameterError().code == -1003
    assert errors.InvalidParameterError(-1003, message="JetInit").message == "JetInit"
    with pytest.raises(ValueError, match="-1003"):
        errors.InvalidParameterError(-1002)
    with pytest.raises(TypeError):
        errors.EsentError()
    with pytest.raises(ValueError):
        errors.EsentError(0)
    with pytest.raises(ValueError):
        errors.EsentError(1004)
    with pytest.raises(TypeError):
        errors.EsentError(True)
    with pytest.raises(TypeError):
        errors.EsentError(-1003, 42)  # type: ignore[arg-type]


@contract
def test_unknown_negative_code_gives_base_class() -> None:
    """A negative code not in the table maps to EsentError itself, and the instance
    still carries the code (ESENT may grow codes this table does not know)."""
    assert errors.from_code(-99999) is errors.EsentError
    exc = errors.exception_for(-99999, "JetFoo")
    assert type(exc) is errors.EsentError
    assert exc.code == -99999
    assert exc.name == "unknown ESENT error"
    assert "(-99999)" in str(exc) and "[JetFoo]" in str(exc)
    # Codes between JET_errClientSpaceEnd and JET_errClientSpaceBegin belong to applications.
    assert "application" in errors.describe(-10500)


@contract
def test_non_negative_codes_are_not_errors() -> None:
    """JET_errSuccess (0) and warnings (positive) never map to an exception class."""
    for code in (0, 1, 1004):
        with pytest.raises(ValueError):
            errors.from_code(code)
        with pytest.raises(ValueError):
            errors.raise_for_code(code)
    with pytest.raises(TypeError):
        errors.from_code(-1.0)  # type: ignore[arg-type]


@contract
def test_raise_for_code_raises_the_class() -> None:
    """raise_for_code(code, context) raises the code's class carrying the context;
    exception_for returns the same exception unraised."""
    with pytest.raises(errors.InvalidInstanceError) as info:
        errors.raise_for_code(-1115, "JetBeginExternalBackupInstance")
    assert info.value.code == -1115
    assert info.value.message == "JetBeginExternalBackupInstance"
    with pytest.raises(errors.UsageError):
        errors.raise_for_code(-1003)
    exc = errors.exception_for(-521)
    assert isinstance(exc, errors.InvalidBackupSequenceError)


@contract
@pytest.mark.parametrize("code", [-801, -1003, -550, -800, -1, -99999])
@pytest.mark.parametrize("message", [None, "JetReadFileInstance"])
def test_pickle_round_trip(code: int, message: str | None) -> None:
    """Exceptions survive pickling (multiprocessing, logging handlers): same class,
    code, name, message and text; notes added with add_note() survive too."""
    exc = errors.exception_for(code, message)
    exc.add_note("while copying edb.dat")
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        clone = pickle.loads(pickle.dumps(exc, protocol))
        assert type(clone) is type(exc)
        assert (clone.code, clone.name, clone.message, str(clone)) == (
            exc.code,
            exc.name,
            exc.message,
            str(exc),
        )
        assert clone.__notes__ == ["while copying edb.dat"]
    assert str(copy.deepcopy(exc)) == str(exc)


@contract
def test_every_class_pickles() -> None:
    """Every generated class is importable by its qualified name, so pickle can find it."""
    for e in table.ERRORS:
        exc = errors.exception_for(e.value)
        assert type(pickle.loads(pickle.dumps(exc))) is type(exc)


@contract
def test_name_lookups() -> None:
    """error_name/warning_name/describe give the C names esent.h uses, with the
    current name for aliased codes and a clear marker for unknown codes."""
    assert errors.error_name(-1003) == "JET_errInvalidParameter"
    assert errors.error_name(-550) == "JET_errDatabaseDirtyShutdown"
    assert errors.error_name(-800) == "errBackupAbortByCaller"
    assert errors.error_name(0) == "JET_errSuccess"
    assert errors.error_name(-99999) == "unknown ESENT error"
    assert errors.warning_name(1004) == "JET_wrnColumnNull"
    assert errors.warning_name(1039) == "JET_wrnSeekNotEqual"
    assert errors.warning_name(587) == "JET_wrnCommittedLogFilesRemoved"
    assert errors.warning_name(99999) == "unknown ESENT warning"
    with pytest.raises(ValueError):
        errors.error_name(1004)
    with pytest.raises(ValueError):
        errors.warning_name(-1003)
    with pytest.raises(ValueError):
        errors.warning_name(0)
    assert errors.describe(0) == table.SUCCESS.description
    assert errors.describe(1004) == next(
        w.description for w in table.WARNINGS if w.value == 1004
    )


@contract
def test_stub_matches_runtime() -> None:
    """errors.pyi (what type checkers read) declares exactly the runtime's public
    classes, with the same direct base, the same aliases, functions and __all__."""
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    stub_classes: dict[str, str | None] = {}
    stub_aliases: dict[str, str] = {}
    stub_functions: set[str] = set()
    stub_all: list[str] = []
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "__all__"
        ):
            stub_all = ast.literal_eval(node.value)
        elif isinstance(node, ast.ClassDef):
            bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
            stub_classes[node.name] = bases[0] if bases else None
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            (target,) = node.targets
            assert isinstance(target, ast.Name)
            stub_aliases[target.id] = node.value.id
        elif isinstance(node, ast.FunctionDef):
            stub_functions.add(node.name)
    runtime_classes: dict[str, str | None] = {}
    runtime_aliases: dict[str, str] = {}
    runtime_functions: set[str] = set()
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type):
            if obj.__name__ == name:
                runtime_classes[name] = obj.__bases__[0].__name__
            else:
                runtime_aliases[name] = obj.__name__
        else:
            runtime_functions.add(name)
    runtime_classes["EsentError"] = None  # its base, Exception, is written as a builtin
    stub_classes["EsentError"] = None
    assert stub_classes == runtime_classes
    assert stub_aliases == runtime_aliases
    assert stub_functions == runtime_functions
    assert stub_all == errors.__all__
    assert len(errors.__all__) == len(set(errors.__all__))


# --- libese's C header -------------------------------------------------------

_DEFINE = re.compile(
    r"^\s*#\s*define\s+(\w+)\s+(\(-\d+\)|-?\d+|[A-Za-z_]\w*)(?=\s|$)", re.MULTILINE
)


@pytest.mark.libese
def test_c_header_matches_table() -> None:
    """src/libese/include/esent_errors.h defines exactly the table's names and values
    (plus JET_errSuccess and the aliases), public codes unconditionally and
    non-public ones only under LIBESE_NONPUBLIC_ERRORS, with its include guard."""
    text = HEADER.read_text(encoding="ascii")
    assert re.search(
        r"#ifndef LIBESE_ESENT_ERRORS_H\s*\n#define LIBESE_ESENT_ERRORS_H", text
    )
    guard_start = text.index("#if defined(LIBESE_NONPUBLIC_ERRORS)")
    guard_end = text.index("#endif /* LIBESE_NONPUBLIC_ERRORS */")
    public_text = text[:guard_start] + text[guard_end:]
    private_text = text[guard_start:guard_end]

    def parse(chunk: str) -> dict[str, int | str]:
        found: dict[str, int | str] = {}
        for name, value in _DEFINE.findall(chunk):
            if name == "LIBESE_ESENT_ERRORS_H":
                continue
            assert name not in found, f"{name} defined twice"
            found[name] = (
                int(value.strip("()")) if re.fullmatch(r"\(?-?\d+\)?", value) else value
            )
        return found

    public, private = parse(public_text), parse(private_text)
    for name, value in (*public.items(), *private.items()):
        if isinstance(value, int) and value < 0:
            assert re.search(rf"#define {name} \({value}\)", text), (
                f"{name} not parenthesized"
            )

    alias_target = table.ALIASES
    by_name = {e.name: e for e in ALL_CODES}
    want_public: dict[str, int | str] = {"JET_errSuccess": 0}
    want_private: dict[str, int | str] = {}
    for e in ALL_CODES:
        (want_public if e.public else want_private)[e.name] = e.value
    for alias, target in alias_target.items():
        (want_public if by_name[target].public else want_private)[alias] = target
    assert public == want_public
    assert private == want_private

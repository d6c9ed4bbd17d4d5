"""Offline tools for ESE files: read and verify databases, logs, checkpoints and backup sets
on any OS, with no engine running.

- ``detect(path)``: what a file is, from its content (``FileKind``).
- ``inspect(path)``: that plus its decoded headers (``esent info``).
- ``open_database`` / ``open_log`` / ``open_checkpoint``: the header readers.
- ``verify_path(path)``: every checksum and cross-file rule (``esent verify``); returns a
  ``VerifyReport`` whose ``ok`` says whether everything holds.

Checksums run in the native format unit (``esent._esent``), never in a Python loop per page.
Section numbers in docstrings ("format facts §6.3") refer to the project's ESE format fact
sheet.  Nothing here imports a third-party package.
"""

from esent.offline.checkpoint import CheckpointFile, CheckpointHeader, open_checkpoint
from esent.offline.database import (
    DatabaseFile, DatabaseHeader, PageHeader, PatchTrailer, open_database,
)
from esent.offline.detect import Detection, FileKind, detect
from esent.offline.enums import (
    BackupType, DatabaseFlags, DatabaseState, FileType, LogFlags, PageFlags,
)
from esent.offline.errors import (
    DamagedHeaderError, EmptyFileError, NotEseFileError, OfflineFormatError, TruncatedFileError,
)
from esent.offline.info import FileInfo, inspect
from esent.offline.log import AttachInfo, LogFile, LogFormat, LogHeader, open_log
from esent.offline.records import BackupInfo, LogPosition, LogTime, Signature
from esent.offline.report import FileReport, Problem, Severity, VerifyReport
from esent.offline.verify import planned_bytes, verify_file, verify_path

__all__ = [
    "AttachInfo", "BackupInfo", "BackupType", "CheckpointFile", "CheckpointHeader",
    "DamagedHeaderError", "DatabaseFile", "DatabaseFlags", "DatabaseHeader", "DatabaseState",
    "Detection", "EmptyFileError", "FileInfo", "FileKind", "FileReport", "FileType", "LogFile",
    "LogFlags", "LogFormat", "LogHeader", "LogPosition", "LogTime", "NotEseFileError",
    "OfflineFormatError", "PageFlags", "PageHeader", "PatchTrailer", "Problem", "Severity",
    "Signature", "TruncatedFileError", "VerifyReport", "detect", "inspect", "open_checkpoint",
    "open_database", "open_log", "planned_bytes", "verify_file", "verify_path",
]

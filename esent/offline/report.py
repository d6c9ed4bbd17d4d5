"""What verification found: problems (each naming its file and, where it applies, the page,
log sector, bit or generation), per-file results, and the report over a file or a directory.

JSON form (``VerifyReport.to_json``), stable keys::

    {"target": str, "kind": "file" | "directory" | "backup-set", "ok": bool,
     "problem_count": int, "correctable_count": int,
     "files": [FileReport], "problems": [Problem],   # problems not tied to one file
     "notes": [str]}
    FileReport: {"path": str, "type": FileKind value, "size": int, "sha256": str | null,
                 "checked": {str: int}, "ok": bool, "problems": [Problem],
                 "unlisted_problems": int, "notes": [str]}
    Problem:    {"file": str | null, "code": str, "severity": "error" | "correctable",
                 "message": str, "page": int | null, "sector": int | null,
                 "bit": int | null, "generation": int | null}

``checked`` counts what was checked: for databases "pages", "ok", "uninitialized",
"correctable", "wrong_pgno", "bad"; for v8 logs "segments", "ok", "uninitialized",
"correctable", "bad".  Problem codes are listed in ``PROBLEM_CODES``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from esent.offline.detect import FileKind

#: Every problem code a report can hold, with what it means.
PROBLEM_CODES: dict[str, str] = {
    "unreadable": "the file could not be read (missing, a directory, no permission, I/O error)",
    "empty": "the file has no bytes",
    "not-ese": "the file is not an ESE file",
    "truncated": "the file ends before what its header announces",
    "size": "the file is longer than its header announces",
    "header-damaged": "no copy of the file's header passes its checksum",
    "header-checksum": "the primary header fails its checksum (the shadow copy holds)",
    "shadow-checksum": "the shadow header (second copy) fails its checksum",
    "header-shadow-differ": "both header copies pass their checksums but differ",
    "page-correctable": "a page has a single flipped bit that can be repaired",
    "page-misplaced": "a page holds the content of another page number",
    "page-bad": "a page fails its checksum and cannot be repaired",
    "trailer-checksum": "the streaming-backup trailer page fails its checksum",
    "trailer-mismatch": "the trailer page does not belong to the database image it ends",
    "trailer-missing": "a streaming-backup image lacks its trailer page",
    "segment-correctable": "a log segment has a single flipped bit that can be repaired",
    "segment-bad": "a log segment fails its checksum and cannot be repaired",
    "segment-misplaced": "a log segment stores another position than where it lies",
    "segment-hole": "an unused (all-zero) log segment lies before data of the same log",
    "log-signature": "files of one set carry different log signatures",
    "db-signature": "a log's attach list names a database with a different signature",
    "generation-missing": "a log generation a database or the set needs is absent",
    "generation-duplicate": "two log files hold the same generation",
    "generation-chain": "a log's previous-generation time does not match that log's creation",
    "generation-name": "a log's file name names another generation than its header",
    "checkpoint-ahead": "the checkpoint lies past the oldest log generation still needed",
    "manifest-invalid": "manifest.json is missing, not JSON, or breaks the schema",
    "manifest-unsafe-path": "a manifest path is absolute, holds '..' or leaves the set",
    "manifest-missing-file": "a file the manifest lists is absent",
    "manifest-size": "a file's size differs from the manifest",
    "manifest-sha256": "a file's SHA-256 differs from the manifest",
    "manifest-facts": "a file's header disagrees with what the manifest records about it",
    "manifest-unlisted-file": "a file in the set is not listed in the manifest",
}


class Severity(str, enum.Enum):
    """``correctable``: one flipped bit, located, the data can be restored exactly; anything
    else is an ``error``.  Both make verification fail: a correctable page is still damage."""

    ERROR = "error"
    CORRECTABLE = "correctable"


@dataclass(frozen=True)
class Problem:
    """One thing wrong.  ``code`` is a key of ``PROBLEM_CODES``; ``message`` says it for a
    person; the location fields are set where they apply."""

    code: str
    message: str
    file: str | None = None
    severity: Severity = Severity.ERROR
    page: int | None = None
    sector: int | None = None
    bit: int | None = None
    generation: int | None = None

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.page is not None:
            where.append(f"page {self.page}")
        if self.sector is not None:
            where.append(f"sector {self.sector}")
        return ": ".join(where + [self.message])

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "code": self.code, "severity": self.severity.value,
                "message": self.message, "page": self.page, "sector": self.sector,
                "bit": self.bit, "generation": self.generation}


@dataclass
class FileReport:
    """The verification of one file.  ``info`` is the decoded file (``DatabaseFile``,
    ``LogFile`` or ``CheckpointFile``) when it could be read; ``sha256`` is set when the file
    was hashed (verifying a backup set hashes every file in the same pass)."""

    path: str
    kind: FileKind
    size: int
    checked: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    info: Any = None
    sha256: str | None = None
    #: Problems found beyond the cap on what one file may list (counted, not listed).
    unlisted_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unlisted_problems

    def add(self, code: str, message: str, **location: Any) -> None:
        """Record a problem of this file."""
        self.problems.append(Problem(code, message, file=self.path, **location))

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "type": self.kind.value, "size": self.size,
                "sha256": self.sha256, "checked": dict(self.checked), "ok": self.ok,
                "problems": [problem.to_json() for problem in self.problems],
                "unlisted_problems": self.unlisted_problems, "notes": list(self.notes)}


@dataclass
class VerifyReport:
    """Everything ``verify_path`` found.  ``ok`` is True only when no file and no rule across
    files has a problem; notes never count as problems."""

    target: str
    kind: str  # "file", "directory" or "backup-set"
    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def all_problems(self) -> list[Problem]:
        """File problems in file order, then the problems across files."""
        return [problem for report in self.files for problem in report.problems] + self.problems

    @property
    def problem_count(self) -> int:
        return (len(self.all_problems())
                + sum(report.unlisted_problems for report in self.files))

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, code: str, message: str, **location: Any) -> None:
        """Record a problem that is not about one file alone."""
        self.problems.append(Problem(code, message, **location))

    def to_json(self) -> dict[str, Any]:
        problems = self.all_problems()
        return {
            "target": self.target, "kind": self.kind, "ok": self.ok,
            "problem_count": self.problem_count,
            "correctable_count": sum(p.severity is Severity.CORRECTABLE for p in problems),
            "files": [report.to_json() for report in self.files],
            "problems": [problem.to_json() for problem in self.problems],
            "notes": list(self.notes),
        }

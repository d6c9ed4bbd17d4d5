"""Why a file could not be read as an ESE file at all.

These are raised for files that cannot even be identified or decoded (empty, too short, not ESE,
cut off before the end of a structure). Damage inside a file that is readable (a bad page, a bad
log segment, a header that disagrees with its shadow) is never raised: the verifier reports it as
a problem and carries on.
"""

from __future__ import annotations


class OfflineFormatError(ValueError):
    """A file is not an ESE file this package can read; ``str()`` is a one-line explanation.

    ``path`` names the file when known.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.path}: {message}" if self.path else message


class EmptyFileError(OfflineFormatError):
    """The file has no bytes at all."""


class NotEseFileError(OfflineFormatError):
    """Nothing in the file's content identifies it as an ESE database, log or checkpoint."""


class TruncatedFileError(OfflineFormatError):
    """The file is an ESE file cut short: it ends before a structure its header announces."""


class DamagedHeaderError(OfflineFormatError):
    """Every copy of the file's header fails its checksum, so nothing in it can be trusted."""

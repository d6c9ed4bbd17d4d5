"""Test-only access to libese's fault injection (not public API).

``with fail_nth("alloc", 3):`` makes the 3rd allocation from now fail, as ENOMEM would; ``"read"``,
``"write"`` and ``"fsync"`` fail with EIO (or ENOSPC with ``disk_full=True``).  Leaving the block
disarms everything.  Only libese has it (``esent.ENGINE == "libese"``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from esent import _esent

KINDS = {"alloc": 0, "read": 1, "write": 2, "fsync": 3}


def count(kind: str) -> int:
    """Operations of ``kind`` attempted since the last reset."""
    return int(_esent._fault_count(KINDS[kind]))


def reset() -> None:
    _esent._fault_reset()


@contextlib.contextmanager
def fail_nth(kind: str, nth: int, *, disk_full: bool = False) -> Iterator[None]:
    reset()
    _esent._fault_arm(KINDS[kind], nth, disk_full)
    try:
        yield
    finally:
        reset()


@contextlib.contextmanager
def no_background_checkpoints() -> Iterator[None]:
    """Inside the block libese's checkpointer runs no background rounds (only
    ``_esent.checkpoint_now``), so the I/O a workload does depends on the workload alone."""
    _esent._checkpoints_in_background(False)
    try:
        yield
    finally:
        _esent._checkpoints_in_background(True)

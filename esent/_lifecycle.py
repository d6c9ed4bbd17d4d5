"""Ownership of native handles: parents close their children first, closed objects refuse use.

Every wrapper object (Instance, Session, and later Database, Table, backups) owns one engine
handle.  A parent keeps its live children; closing it closes them first, newest first, so an
instance is never terminated under an open session.  After ``close()`` the object's ``handle``
raises ObjectClosedError instead of handing a dead value to the engine.  ``close()`` is
idempotent and thread-safe.
"""

from __future__ import annotations

import threading
from typing import Any


class ObjectClosedError(ValueError):
    """The object was closed (or its parent was), so it has no engine handle any more."""


class NativeObject:
    """Base of every wrapper that owns an engine handle."""

    def __init__(self, parent: NativeObject | None = None) -> None:
        self._handle: int | None = None
        self._parent = parent
        self._children: list[NativeObject] = []
        self._lock = threading.RLock()

    # -- handle -------------------------------------------------------------------------------
    @property
    def handle(self) -> int:
        """The native handle, for use with ``esent.jet`` (an int)."""
        handle = self._handle
        if handle is None:
            raise ObjectClosedError(f"{self._describe()} is closed")
        return handle

    @property
    def closed(self) -> bool:
        """True once the object (or one of its parents) has been closed."""
        return self._handle is None

    def _describe(self) -> str:
        return type(self).__name__

    # -- children -----------------------------------------------------------------------------
    def _adopt(self, child: NativeObject) -> None:
        with self._lock:
            if self._handle is None:
                raise ObjectClosedError(f"{self._describe()} is closed")
            self._children.append(child)

    def _forget(self, child: NativeObject) -> None:
        with self._lock:
            try:
                self._children.remove(child)
            except ValueError:
                pass

    # -- closing ------------------------------------------------------------------------------
    def close(self) -> None:
        """Close every child (newest first), then release this object's handle."""
        with self._lock:
            if self._handle is None:
                return
            errors: list[BaseException] = []
            while self._children:
                child = self._children[-1]
                try:
                    child.close()
                except BaseException as exc:  # keep closing; report the first failure below
                    errors.append(exc)
                    self._forget(child)
            handle, self._handle = self._handle, None
            try:
                self._release(handle)
            finally:
                if self._parent is not None:
                    self._parent._forget(self)
            if errors:
                raise errors[0]

    def _release(self, handle: int) -> None:
        """Give the handle back to the engine (subclasses)."""
        raise NotImplementedError

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._handle is None else f"handle={self._handle:#x}"
        return f"<{self._describe()} {state}>"

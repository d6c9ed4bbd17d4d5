"""esent.Session: one ESENT session on an instance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from esent import _esent
from esent._lifecycle import NativeObject

if TYPE_CHECKING:
    from esent.instance import Instance


class Session(NativeObject):
    """A session: the unit ESENT runs transactions in.

    Made by ``Instance.session()``; ``with inst.session() as s:`` ends it when the block ends.
    Closing the instance ends its sessions first.  A session is not thread-safe: use one per
    thread (ESENT binds a session to a thread while a transaction is open).
    """

    def __init__(self, instance: Instance) -> None:
        super().__init__(parent=instance)
        self.instance = instance
        with instance._lock:
            self._handle = _esent.JetBeginSession(instance.handle)
            instance._adopt(self)

    def __enter__(self) -> Session:
        return self

    def _release(self, handle: int) -> None:
        _esent.JetEndSession(handle, 0)

    def version(self) -> int:
        """The engine version (JetGetVersion), major/minor/build/SP packed in 32 bits."""
        return int(_esent.JetGetVersion(self.handle))

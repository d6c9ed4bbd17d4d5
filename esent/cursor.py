"""Index ranges: ``Table.range`` and ``Table.prefix``.

A range is walked with ESENT's own machinery ("JetMakeKey Function", "JetSeek Function",
"JetSetIndexRange Function" on learn.microsoft.com):

- forward: the cursor seeks to the lower end (JET_bitSeekGE on ``start``; JetMove first when
  there is none), then the upper end is made a key and set as an index range
  (JET_bitRangeUpperLimit, plus JET_bitRangeInclusive for an inclusive stop), so the engine ends
  the walk (JET_errNoCurrentRecord) at the right place;
- reverse: the cursor seeks to the upper end (JET_bitSeekLE on an end-limit key when
  inclusive, JET_bitSeekLT otherwise; JetMove last when there is none) and the lower end is set
  as an inclusive lower range limit;
- an inclusive stop shorter than the index key, and prefixes, use the limit grbits
  (JET_bitFullColumnEndLimit, JET_bitPartialColumnStartLimit / EndLimit), which make a key just
  before or after every entry that starts with the given values.

Iterating a Range again starts it again.  The walk uses the table's cursor: another read on the
same Table during the walk moves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from esent import _esent, errors

if TYPE_CHECKING:
    from esent.table import Table

_NONE = object()


class Range:
    """Records of one index between two keys, or with a key prefix; iterate it for rows."""

    def __init__(self, table: Table, index: str | None, *, start: Any = None, stop: Any = None,
                 inclusive: bool = False, prefix: Any = _NONE, reverse: bool = False,
                 as_tuple: bool = False) -> None:
        self.table = table
        self.index = index
        self.start = start
        self.stop = stop
        self.inclusive = inclusive
        self.prefix = prefix
        self.reverse = reverse
        self.as_tuple = as_tuple

    def _limits(self) -> tuple[Any, int, Any, int]:
        """(lower key, its limit grbit, upper key, its limit grbit); a key of None is open."""
        if self.prefix is not _NONE:
            key = self.prefix if isinstance(self.prefix, tuple) else (self.prefix,)
            partial = isinstance(key[-1], str)
            return (key, _esent.JET_bitPartialColumnStartLimit if partial
                    else _esent.JET_bitFullColumnStartLimit,
                    key, _esent.JET_bitPartialColumnEndLimit if partial
                    else _esent.JET_bitFullColumnEndLimit)
        upper_grbit = _esent.JET_bitFullColumnEndLimit if self.inclusive else 0
        return (self.start, 0, self.stop, upper_grbit)

    def __iter__(self) -> Iterator[Any]:
        table = self.table
        codec = table._use(self.index)
        sesid, tableid = table._sesid, table.handle
        lower, lower_grbit, upper, upper_grbit = self._limits()
        # an inclusive upper end is an end-limit key (just past the last entry it matches)
        upper_inclusive = bool(upper_grbit) or self.prefix is not _NONE
        if not self.reverse:
            if lower is None:
                try:
                    _esent.JetMove(sesid, tableid, _esent.JET_MoveFirst, 0)
                except errors.NoCurrentRecordError:
                    return
            elif not self._seek_limit(codec, lower, lower_grbit, _esent.JET_bitSeekGE):
                return
            if upper is not None:
                codec.make_key(sesid, tableid, upper, upper_grbit)
                if not self._set_range(_esent.JET_bitRangeUpperLimit
                                       | (_esent.JET_bitRangeInclusive if upper_inclusive else 0)):
                    return
        else:
            if upper is None:
                try:
                    _esent.JetMove(sesid, tableid, _esent.JET_MoveLast, 0)
                except errors.NoCurrentRecordError:
                    return
            else:
                mode = _esent.JET_bitSeekLE if upper_inclusive else _esent.JET_bitSeekLT
                if not self._seek_limit(codec, upper, upper_grbit, mode):
                    return
            if lower is not None:
                codec.make_key(sesid, tableid, lower, lower_grbit)
                if not self._set_range(_esent.JET_bitRangeInclusive):
                    return
        yield from codec.rows(sesid, tableid, 0, self.reverse, self.as_tuple)

    def _seek_limit(self, codec: Any, key: Any, grbit: int, mode: int) -> bool:
        table = self.table
        codec.make_key(table._sesid, table.handle, key, grbit)
        try:
            _esent.JetSeek(table._sesid, table.handle, mode)
        except errors.RecordNotFoundError:
            return False
        return True

    def _set_range(self, grbit: int) -> bool:
        table = self.table
        try:
            _esent.JetSetIndexRange(table._sesid, table.handle, grbit)
        except errors.NoCurrentRecordError:
            return False  # the cursor is already past that end: nothing in range
        table._range_set = True
        return True

    def __len__(self) -> int:
        return sum(1 for _ in self)

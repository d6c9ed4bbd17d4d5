# Cursors: JetSetIndexRange, JetIndexRecordCount, JetRetrieveKey, JetGetBookmark,
# JetGotoBookmark, JetGetRecordPosition, JetGotoPosition.  JetMakeKey / JetSeek / JetMove are in
# table.pxi (they predate the full data API); JetMakeKey takes every limit grbit
# (JET_bitFullColumnStartLimit ... JET_bitPartialColumnEndLimit, JET_bitStrLimit, ...).


def JetSetIndexRange(JET_SESID sesid, JET_TABLEID tableid, JET_GRBIT grbit=0):
    """Limit the cursor's moves to the records between it and the key made by JetMakeKey.

    ``grbit``: JET_bitRangeUpperLimit (the key is the upper end; without it, the lower end),
    JET_bitRangeInclusive (the key itself is in the range), JET_bitRangeInstantDuration (only
    check that the cursor is in range), JET_bitRangeRemove (drop the range).  The range goes
    away when a move leaves it (NoCurrentRecordError) or with JET_bitRangeRemove.
    """
    cdef JET_ERR err
    with nogil:
        err = c_JetSetIndexRange(sesid, tableid, grbit)
    check(err, "JetSetIndexRange")


def JetIndexRecordCount(JET_SESID sesid, JET_TABLEID tableid, ESE_ULONG crecMax=0):
    """The number of index entries from the cursor's position to the end of the index (or of
    the index range), counting at most ``crecMax`` (0: no limit)."""
    cdef ESE_ULONG count = 0
    cdef JET_ERR err
    with nogil:
        err = c_JetIndexRecordCount(sesid, tableid, &count, crecMax)
    check(err, "JetIndexRecordCount")
    return count


def JetRetrieveKey(JET_SESID sesid, JET_TABLEID tableid, JET_GRBIT grbit=0):
    """The normalized key (bytes) of the current index entry, or with JET_bitRetrieveCopy
    the key being made by JetMakeKey."""
    cdef unsigned char key[_BOOKMARK_MOST]
    cdef ESE_ULONG cb = 0
    cdef JET_ERR err
    with nogil:
        err = c_JetRetrieveKey(sesid, tableid, key, _BOOKMARK_MOST, &cb, grbit)
    check(err, "JetRetrieveKey")
    return bytes(key[:min(cb, <ESE_ULONG>_BOOKMARK_MOST)])


def JetGetBookmark(JET_SESID sesid, JET_TABLEID tableid):
    """The bookmark (bytes) of the current record: JetGotoBookmark comes back to it."""
    cdef unsigned char bookmark[_BOOKMARK_MOST]
    cdef ESE_ULONG cb = 0
    cdef JET_ERR err
    with nogil:
        err = c_JetGetBookmark(sesid, tableid, bookmark, _BOOKMARK_MOST, &cb)
    check(err, "JetGetBookmark")
    return bytes(bookmark[:min(cb, <ESE_ULONG>_BOOKMARK_MOST)])


def JetGotoBookmark(JET_SESID sesid, JET_TABLEID tableid, bookmark):
    """Move to the record with this bookmark (from JetGetBookmark or JetUpdate); a deleted
    record raises RecordDeletedError."""
    cdef const unsigned char[::1] view = bookmark
    cdef void *pv = <void *>&view[0] if view.shape[0] else NULL
    cdef ESE_ULONG cb = view.shape[0]
    cdef JET_ERR err
    with nogil:
        err = c_JetGotoBookmark(sesid, tableid, pv, cb)
    check(err, "JetGotoBookmark")


def JetGetRecordPosition(JET_SESID sesid, JET_TABLEID tableid):
    """The cursor's approximate place as ``(centriesLT, centriesTotal)`` (JET_RECPOS)."""
    cdef JET_RECPOS pos
    cdef JET_ERR err
    memset(&pos, 0, sizeof(pos))
    pos.cbStruct = sizeof(pos)
    with nogil:
        err = c_JetGetRecordPosition(sesid, tableid, &pos, sizeof(pos))
    check(err, "JetGetRecordPosition")
    return (pos.centriesLT, pos.centriesTotal)


def JetGotoPosition(JET_SESID sesid, JET_TABLEID tableid, ESE_ULONG centriesLT,
                    ESE_ULONG centriesTotal):
    """Move to the fraction ``centriesLT / centriesTotal`` of the current index."""
    cdef JET_RECPOS pos
    cdef JET_ERR err
    memset(&pos, 0, sizeof(pos))
    pos.cbStruct = sizeof(pos)
    pos.centriesLT = centriesLT
    pos.centriesTotal = centriesTotal
    with nogil:
        err = c_JetGotoPosition(sesid, tableid, &pos)
    check(err, "JetGotoPosition")

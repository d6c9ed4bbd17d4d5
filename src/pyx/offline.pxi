# Bulk checks for the offline tools (esent.offline): every v8 log segment of a buffer in one
# call, with the GIL released, so verifying a log folder never runs a Python loop per segment.
#
# Section numbers ("format facts §6.4") refer to shared/reference/ese-format-facts.md.

from libc.stdint cimport int32_t, int64_t


cdef struct _segment_note:
    uint32_t sector           # physical sector index of the segment in its file
    ese_page_status status
    uint32_t bit              # CORRECTABLE: bit offset in the segment
    uint16_t stored_isec      # the isec the segment claims (LGSEGHDR offset 10)
    int32_t stored_generation  # the generation it claims (LGSEGHDR offset 12)


def verify_log_segments(const unsigned char[::1] buf not None, first_sector, generation, *,
                        dict totals=None, max_notes=None):
    """Verify consecutive 4096-byte v8 log segments (format facts §6.4, §8.3) in one call.

    ``buf`` holds whole segments, the first at physical sector ``first_sector`` of a log whose
    header names ``generation``.  Each segment's checksum is checked over the isec it stores.
    Returns the segments worth a look, in order, as ``(sector, status, detail, stored_isec,
    stored_generation)`` tuples: every "correctable" or "bad" one (status and detail as in
    verify_log_segment()), and every "ok" one whose stored position is not (``generation``,
    ``sector``): a shadow copy of the last sector, stale data of an earlier use of the file, or
    a misplaced write; telling those apart is the caller's job.  Unused (all-zero) segments are
    never listed.

    ``totals``, if given, is updated so one dict can sum a file read in chunks: "segments",
    "ok", "uninitialized", "correctable" and "bad" are added to; "last_in_place" becomes the
    highest sector whose segment verified and stores its own position (-1 when none), and
    "first_unused" the lowest all-zero sector (-1 when none).  ``max_notes`` caps the list.
    """
    cdef size_t length = <size_t>buf.shape[0]
    cdef size_t count = length // ESE_LOG_SEGMENT_SIZE
    cdef size_t capacity = count if max_notes is None else min(<size_t>max_notes, count)
    cdef size_t found = 0, i
    cdef uint32_t first = _pgno(first_sector)
    cdef int32_t expected_generation = <int32_t>generation
    cdef uint64_t n_ok = 0, n_uninit = 0, n_correctable = 0, n_bad = 0
    cdef int64_t last_in_place = -1, first_unused = -1
    cdef const unsigned char *data = &buf[0] if length else NULL
    cdef const unsigned char *segment
    cdef ese_page_check check
    cdef ese_page_status status
    cdef uint16_t stored_isec
    cdef int32_t stored_generation
    cdef _segment_note *notes
    if length % ESE_LOG_SEGMENT_SIZE:
        raise ValueError(f"buffer of {length} bytes is not a whole number of 4096-byte segments")
    if max_notes is not None and max_notes < 0:
        raise ValueError("max_notes must be >= 0")
    notes = <_segment_note *>malloc((capacity if capacity else 1) * sizeof(_segment_note))
    if notes == NULL:
        raise MemoryError()
    try:
        with nogil:
            for i in range(count):
                segment = data + i * ESE_LOG_SEGMENT_SIZE
                status = ese_log_segment_verify(segment, &check)
                stored_isec = ese_load_u16(segment + ESE_LGSEG_OFF_ISEC)
                stored_generation = <int32_t>ese_load_u32(segment + ESE_LGSEG_OFF_ISEC + 2)
                if status == ESE_PAGE_UNINITIALIZED:
                    n_uninit += 1
                    if first_unused < 0:
                        first_unused = first + i
                    continue
                if status == ESE_PAGE_OK:
                    n_ok += 1
                    if stored_isec == first + i and stored_generation == expected_generation:
                        last_in_place = first + i
                        continue
                elif status == ESE_PAGE_CORRECTABLE:
                    n_correctable += 1
                else:
                    n_bad += 1
                if found < capacity:
                    notes[found].sector = first + i
                    notes[found].status = status
                    notes[found].bit = check.bit[0]
                    notes[found].stored_isec = stored_isec
                    notes[found].stored_generation = stored_generation
                found += 1
        result = []
        for i in range(min(found, capacity)):
            result.append((
                notes[i].sector, _status_name(notes[i].status),
                notes[i].bit if notes[i].status == ESE_PAGE_CORRECTABLE else None,
                notes[i].stored_isec, notes[i].stored_generation))
    finally:
        free(notes)
    if totals is not None:
        for key, value in (("segments", count), ("ok", n_ok), ("uninitialized", n_uninit),
                           ("correctable", n_correctable), ("bad", n_bad)):
            totals[key] = totals.get(key, 0) + value
        if last_in_place >= 0:
            totals["last_in_place"] = max(totals.get("last_in_place", -1), last_in_place)
        else:
            totals.setdefault("last_in_place", -1)
        if first_unused >= 0 and totals.get("first_unused", -1) < 0:
            totals["first_unused"] = first_unused
        else:
            totals.setdefault("first_unused", -1)
    return result

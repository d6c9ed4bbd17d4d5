# The ESE on-disk format from Python: header and page checksums, page verification and repair,
# log-segment checksums, page-size detection, and a SHA-256 backed by src/eseformat.
#
# Section numbers ("format facts §6.3") refer to shared/reference/ese-format-facts.md.
# Buffers are taken as typed memoryviews (any C-contiguous bytes-like object); functions that
# change a buffer need a writable one (bytearray, mmap, writable memoryview).  Work over more
# than one page runs with the GIL released.

cimport cython
from eseformat cimport *
from libc.stdint cimport uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc


# Status names, as ese_page_status_name() spells them.
PAGE_OK = "ok"
PAGE_UNINITIALIZED = "uninitialized"
PAGE_CORRECTABLE = "correctable"
PAGE_WRONG_PGNO = "wrong_pgno"
PAGE_BAD = "bad"

cdef enum:
    # Above this many bytes a call releases the GIL; below it the switch costs more than the
    # work.
    _NOGIL_THRESHOLD = 4096
    # Problems collected by verify_pages's first pass; more need a second, exact-size pass.
    _PROBLEMS_FIRST_PASS = 64


cdef inline str _status_name(ese_page_status status):
    return (<bytes>ese_page_status_name(status)).decode("ascii")


cdef object _status_detail(const ese_page_check *check):
    """The third element of a verify_pages() entry: see verify_page()."""
    if check.status == ESE_PAGE_CORRECTABLE:
        return check.bit[0]
    if check.status == ESE_PAGE_WRONG_PGNO:
        return check.claimed_pgno
    return None


cdef uint32_t _pgno(object pgno) except? 0:
    if pgno < 0 or pgno > 0xFFFFFFFF:
        raise ValueError(f"page number {pgno} does not fit in 32 bits")
    return <uint32_t>pgno


cdef size_t _page_size_of(Py_ssize_t length) except 0:
    if not ese_page_size_valid(<size_t>length):
        raise ValueError(
            f"a page is 2048, 4096, 8192, 16384 or 32768 bytes, not {length}")
    return <size_t>length


# --------------------------------------------------------------------------------------------
# Header checksum (format facts §6.1) and page-size detection (§2)
# --------------------------------------------------------------------------------------------

@cython.boundscheck(False)  # lengths checked before any index
def header_checksum(const unsigned char[::1] buf not None):
    """XOR-32 header checksum of ``buf`` (format facts §6.1).

    0x89ABCDEF XOR every little-endian 32-bit word except the first (where the checksum is
    stored).  Pass the whole header block: the page size for a database header or its shadow,
    4096 bytes for a log or checkpoint header.  Returns the checksum as an int.
    """
    cdef size_t n = <size_t>buf.shape[0]
    cdef uint32_t result
    if n < 4 or n % 4:
        raise ValueError(f"a header block is a positive multiple of 4 bytes, not {n}")
    if n > _NOGIL_THRESHOLD:
        with nogil:
            result = ese_header_checksum(&buf[0], n)
    else:
        result = ese_header_checksum(&buf[0], n)
    return result


def verify_header(const unsigned char[::1] buf not None):
    """True when the checksum stored in the first 4 bytes of ``buf`` matches
    header_checksum(buf) (format facts §6.1)."""
    return len(buf) >= 4 and len(buf) % 4 == 0 and ese_load_u32(&buf[0]) == header_checksum(buf)


def stamp_header(unsigned char[::1] buf not None):
    """Compute the XOR-32 header checksum of the writable ``buf`` and store it in its first
    4 bytes (format facts §6.1).  Returns the checksum."""
    cdef uint32_t checksum = header_checksum(buf)
    ese_store_u32(&buf[0], checksum)
    return checksum


@cython.boundscheck(False)  # lengths checked before any index
def detect_page_size(const unsigned char[::1] buf not None):
    """Page size of a database from the start of its file, by ESE's own rule (format facts §2).

    ``buf`` holds the file from offset 0: at least one header page, ideally two (header and
    shadow).  For each size from 2 KiB to 32 KiB, the header of that size must pass its
    checksum and name that size at offset 236 (0 counting as 4096).  The shadow header at
    offset P is tried when the primary fits no size.  Raises ValueError when neither does.
    """
    cdef size_t n = <size_t>buf.shape[0]
    cdef size_t size = 0
    if n == 0:
        raise ValueError("empty buffer: no database header")
    with nogil:
        size = ese_detect_page_size(&buf[0], n)
        if size == 0:
            size = ese_detect_page_size_from_shadow(&buf[0], n)
    if size == 0:
        raise ValueError("no valid ESE database header (nor shadow) found")
    return size


# --------------------------------------------------------------------------------------------
# Page checksums (format facts §6.2, §6.3)
# --------------------------------------------------------------------------------------------

def block_checksum(const unsigned char[::1] block not None, pgno, bint header_block=True):
    """XOR+ECC checksum of one block (format facts §6.3) as the 64-bit value stored on disk
    (ECC in the high half, XOR in the low half).

    ``block`` is at most 8 KiB and a multiple of 8 bytes; ``pgno`` is XOR'd into the low half;
    ``header_block`` treats the first 8 bytes (the stored checksum) as zero.
    """
    cdef size_t n = <size_t>block.shape[0]
    cdef uint32_t page_number = _pgno(pgno)
    if n == 0 or n % 8 or n > ESE_CHECKSUM_BLOCK_MAX:
        raise ValueError(f"a checksum block is 8..8192 bytes in steps of 8, not {n}")
    return ese_block_checksum(&block[0], n, page_number, header_block)


def page_checksums(const unsigned char[::1] page not None, pgno):
    """The checksums page ``pgno`` calls for, computed from its data, as a tuple of ints.

    One value for pages up to 8 KiB (the 8 bytes at offset 0); four for 16 and 32 KiB pages
    (offset 0, then the blocks stored at 40, 48 and 56; block 0 covers the values currently
    stored there).  The format follows the page's flag 0x2000: XOR+ECC (format facts §6.3) or
    legacy ``(pgno << 32) | XOR-32`` (§6.2).  The page size is ``len(page)``.
    """
    cdef uint64_t sums[4]
    cdef size_t size = _page_size_of(page.shape[0])
    cdef uint32_t page_number = _pgno(pgno)
    cdef unsigned count = ese_page_checksums(&page[0], size, page_number, sums)
    return tuple(sums[i] for i in range(count))


def page_checksum(const unsigned char[::1] page not None, pgno):
    """The 64-bit checksum page ``pgno`` calls for at offset 0, as stored on disk (little-endian
    there).  See page_checksums() for 16/32 KiB pages, which carry four."""
    return page_checksums(page, pgno)[0]


def stamp_page(unsigned char[::1] page not None, pgno, *, bint legacy=False):
    """Write page ``pgno``'s checksums into the writable ``page``, as a writer does.

    Default: set flag 0x2000 and use XOR+ECC (format facts §6.3); 16/32 KiB pages also get the
    page number at offset 64 and the block 1-3 checksums at 40/48/56 before block 0 is summed.
    ``legacy=True`` writes the pre-Windows 7 format instead (§6.2: flag cleared, pgno in bytes
    4-7, XOR-32 in bytes 0-3); ESE no longer writes it.
    """
    cdef size_t size = _page_size_of(page.shape[0])
    cdef uint32_t page_number = _pgno(pgno)
    if legacy:
        ese_page_stamp_legacy(&page[0], size, page_number)
    else:
        ese_page_stamp(&page[0], size, page_number)


def verify_page(const unsigned char[::1] page not None, pgno):
    """Verify one page read from the location of page ``pgno``; returns ``(status, detail)``.

    status is one of:

    - ``"ok"``; detail None.
    - ``"uninitialized"``: all zero, never written; carries no checksum.  detail None.
    - ``"correctable"``: single-bit error(s) the ECC locates (format facts §6.3 step 4); detail
      is the page-relative offset of the (first) bad bit, bit b being bit b % 8 of byte b // 8.
      Large pages may hold one such bit per 4/8 KiB block; correct_page() lists them all.
    - ``"wrong_pgno"``: intact content whose checksum fits another page number; detail is that
      number.  (On pages up to 8 KiB a flip of one bit of the stored XOR half looks the same.)
    - ``"bad"``: any other mismatch; detail None.
    """
    cdef ese_page_check check
    cdef size_t size = _page_size_of(page.shape[0])
    cdef uint32_t page_number = _pgno(pgno)
    ese_page_verify(&page[0], size, page_number, &check)
    return _status_name(check.status), _status_detail(&check)


def correct_page(unsigned char[::1] page not None, pgno):
    """Repair single-bit errors of page ``pgno`` in place (format facts §6.3 step 4).

    Returns the tuple of bit offsets flipped: empty when the page already verified (or is all
    zero).  Raises ValueError, leaving the page untouched, when it is not correctable.
    """
    cdef ese_page_check check
    cdef size_t size = _page_size_of(page.shape[0])
    cdef uint32_t page_number = _pgno(pgno)
    cdef ese_page_status status = ese_page_correct(&page[0], size, page_number, &check)
    if status == ESE_PAGE_OK or status == ESE_PAGE_UNINITIALIZED:
        return ()
    if status != ESE_PAGE_CORRECTABLE:
        raise ValueError(f"page {pgno} is not correctable: {_status_name(status)}")
    return tuple(check.bit[i] for i in range(check.error_bits))


cdef inline void _clear_totals(ese_verify_totals *t) noexcept nogil:
    t.pages = t.ok = t.uninitialized = t.correctable = t.wrong_pgno = t.bad = 0


_TOTALS_KEYS = ("pages", "ok", "uninitialized", "correctable", "wrong_pgno", "bad")


def verify_pages(const unsigned char[::1] buf not None, page_size, first_pgno, *,
                 dict totals=None, max_problems=None):
    """Verify consecutive pages in one call; returns the problems as a list of
    ``(pgno, status, detail)`` tuples, in page order (empty: every page is ok or unwritten).

    ``buf`` holds whole pages of ``page_size`` bytes, the first being page ``first_pgno``
    (database page n sits at file offset (n + 1) * page_size, format facts §2).  status and
    detail are as in verify_page(); "ok" and "uninitialized" pages are not problems.
    ``totals``, if given, is a dict to which the counts are ADDED under the keys "pages", "ok",
    "uninitialized", "correctable", "wrong_pgno" and "bad" (missing keys start at 0), so one
    dict can sum a file read in chunks.  ``max_problems`` caps the list (the counts stay exact).
    The GIL is released while the pages are checked.
    """
    cdef size_t size = _page_size_of(page_size)
    cdef uint32_t first = _pgno(first_pgno)
    cdef size_t length = <size_t>buf.shape[0]
    cdef size_t count = length // size if size else 0
    cdef size_t found = 0, wanted, capacity, i
    cdef ese_verify_totals sums
    cdef ese_page_check *problems = NULL
    cdef const unsigned char *data = NULL
    if length % size:
        raise ValueError(f"buffer of {length} bytes is not a whole number of {size}-byte pages")
    if count and <uint64_t>first + count - 1 > 0xFFFFFFFF:
        raise ValueError("page numbers would exceed 32 bits")
    if max_problems is not None and max_problems < 0:
        raise ValueError("max_problems must be >= 0")
    wanted = count if max_problems is None else min(<size_t>max_problems, count)
    capacity = min(wanted, <size_t>_PROBLEMS_FIRST_PASS)
    if count:
        data = &buf[0]
    problems = <ese_page_check *>malloc((capacity if capacity else 1) * sizeof(ese_page_check))
    if problems == NULL:
        raise MemoryError()
    try:
        with nogil:
            _clear_totals(&sums)
            found = ese_verify_pages(data, size, count, first, problems, capacity, &sums)
        if found > capacity and wanted > capacity:
            # Rare: many broken pages.  Check again with room for all that were asked for.
            free(problems)
            capacity = min(found, wanted)
            problems = <ese_page_check *>malloc(capacity * sizeof(ese_page_check))
            if problems == NULL:
                raise MemoryError()
            with nogil:
                ese_verify_pages(data, size, count, first, problems, capacity, NULL)
        result = []
        for i in range(min(found, capacity)):
            result.append((problems[i].pgno, _status_name(problems[i].status),
                           _status_detail(&problems[i])))
    finally:
        free(problems)
    if totals is not None:
        for key, value in zip(_TOTALS_KEYS, (sums.pages, sums.ok, sums.uninitialized,
                                              sums.correctable, sums.wrong_pgno, sums.bad)):
            totals[key] = totals.get(key, 0) + value
    return result


def is_patch_trailer(const unsigned char[::1] page not None):
    """True when ``page`` looks like the trailer (PATCHHDR) page that ends a streaming-backup
    image of a database: dwords 1, 2, 3 and 6 are zero, ESE's own test (format facts §2).
    Its checksum is the header kind: check it with verify_header()."""
    return ese_page_is_patch_trailer(&page[0], <size_t>page.shape[0]) if page.shape[0] else False


# --------------------------------------------------------------------------------------------
# v8 log segments (format facts §6.4)
# --------------------------------------------------------------------------------------------

cdef const unsigned char *_segment(const unsigned char[::1] segment) except NULL:
    if segment.shape[0] != ESE_LOG_SEGMENT_SIZE:
        raise ValueError(f"a log segment is 4096 bytes, not {segment.shape[0]}")
    return &segment[0]


def log_segment_checksum(const unsigned char[::1] segment not None):
    """XOR+ECC checksum a 4096-byte v8 log segment calls for (format facts §6.4): one block,
    first 8 bytes as zero, with the isec stored at offset 10 in place of a page number."""
    return ese_log_segment_checksum(_segment(segment))


def verify_log_segment(const unsigned char[::1] segment not None):
    """Verify a 4096-byte v8 log segment (format facts §6.4); returns ``(status, detail)`` as
    verify_page() does.  All-zero (unused) segments are "uninitialized"; "wrong_pgno" does not
    occur, since the isec comes from the segment itself."""
    cdef ese_page_check check
    ese_log_segment_verify(_segment(segment), &check)
    return _status_name(check.status), _status_detail(&check)


def stamp_log_segment(unsigned char[::1] segment not None):
    """Set flag 0x2000 at offset 36 of a writable 4096-byte log segment and store its checksum
    at offset 0 (format facts §6.4, §8.3)."""
    if segment.shape[0] != ESE_LOG_SEGMENT_SIZE:
        raise ValueError(f"a log segment is 4096 bytes, not {segment.shape[0]}")
    ese_log_segment_stamp(&segment[0])


# --------------------------------------------------------------------------------------------
# SHA-256
# --------------------------------------------------------------------------------------------

cdef const unsigned char[::1] _byte_view(object data):
    """``data``'s bytes as a flat view, whatever its item format (hashlib accepts an
    array('I') or a numpy array as well as bytes); str is refused like hashlib does."""
    if isinstance(data, str):
        raise TypeError("Strings must be encoded before hashing")
    try:
        return data
    except ValueError:  # item format other than bytes: look at the same memory as bytes
        return memoryview(data).cast("B")


_SHA256_IMPLEMENTATIONS = {
    "auto": ESE_SHA256_AUTO,
    "portable": ESE_SHA256_PORTABLE,
    "sha-ni": ESE_SHA256_X86_SHANI,
    "armv8": ESE_SHA256_ARMV8,
}


cdef ese_sha256_impl _sha256_impl(object name) except *:
    if name is None:
        return ESE_SHA256_AUTO
    try:
        impl = _SHA256_IMPLEMENTATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown SHA-256 implementation {name!r}; "
            f"expected one of {', '.join(_SHA256_IMPLEMENTATIONS)}") from None
    if not ese_sha256_available(impl):
        raise ValueError(f"SHA-256 implementation {name!r} is not available on this machine")
    return impl


def sha256_implementation():
    """Name of the SHA-256 implementation new hashes use: "sha-ni" (x86 SHA extensions),
    "armv8" (ARMv8 SHA2 instructions) or "portable".  Chosen at first use from the CPU; setting
    the environment variable ESENT_SHA256_PORTABLE=1 before that forces "portable"."""
    return (<bytes>ese_sha256_impl_name(ese_sha256_current())).decode("ascii")


def sha256_implementations():
    """Names of the SHA-256 implementations that can run here, "portable" first."""
    return tuple(name for name, impl in _SHA256_IMPLEMENTATIONS.items()
                 if name != "auto" and ese_sha256_available(impl))


def set_sha256_implementation(name):
    """Make ``name`` ("portable", "sha-ni", "armv8", or "auto" to detect again) the
    implementation of hashes created from now on, process-wide.  Raises ValueError when it
    cannot run here.  Existing Sha256 objects keep theirs."""
    cdef ese_sha256_impl impl = _sha256_impl(name)
    ese_sha256_select(impl)


cdef class Sha256:
    """SHA-256 (FIPS 180-4), hashlib-compatible: ``update(data)``, ``digest()``,
    ``hexdigest()``, ``copy()``, ``name``, ``digest_size``, ``block_size``.

    Backed by src/eseformat (SHA-NI or ARMv8 instructions when the CPU has them); updates over
    one page release the GIL.  ``implementation`` picks one by name (see
    sha256_implementations()); None uses the process-wide choice.  One object must not be
    updated from two threads at once: that raises RuntimeError.
    """

    cdef ese_sha256_ctx _ctx
    cdef bint _busy

    name = "sha256"
    digest_size = 32
    block_size = 64

    def __cinit__(self, data=None, *, implementation=None):
        ese_sha256_init_impl(&self._ctx, _sha256_impl(implementation))
        self._busy = False

    def __init__(self, data=None, *, implementation=None):
        if data is not None:
            self.update(data)

    @property
    def implementation(self):
        """Name of the implementation this object uses."""
        return (<bytes>ese_sha256_impl_name(self._ctx.impl)).decode("ascii")

    @cython.boundscheck(False)  # lengths checked before any index
    def update(self, data not None):
        """Feed the bytes of ``data`` (any C-contiguous bytes-like object)."""
        cdef const unsigned char[::1] view = _byte_view(data)
        cdef size_t n = <size_t>view.shape[0]
        if n == 0:
            return
        if self._busy:
            raise RuntimeError("Sha256 object used from two threads at once")
        if n <= _NOGIL_THRESHOLD:
            ese_sha256_update(&self._ctx, &view[0], n)
            return
        self._busy = True
        try:
            with nogil:
                ese_sha256_update(&self._ctx, &view[0], n)
        finally:
            self._busy = False

    def digest(self):
        """The 32-byte digest of everything fed so far; the object can still be updated."""
        cdef ese_sha256_ctx snapshot = self._ctx
        cdef uint8_t out[32]
        if self._busy:
            raise RuntimeError("Sha256 object used from two threads at once")
        ese_sha256_final(&snapshot, out)
        return (<char *>out)[:32]

    def hexdigest(self):
        """digest() as 64 lower-case hex digits."""
        return self.digest().hex()

    def copy(self):
        """An independent Sha256 in the same state."""
        cdef Sha256 twin = Sha256.__new__(Sha256)
        twin._ctx = self._ctx
        return twin


@cython.boundscheck(False)  # lengths checked before any index
def sha256(data not None, *, implementation=None):
    """SHA-256 digest (32 bytes) of a C-contiguous bytes-like object in one call; the GIL is
    released for inputs over one page.  ``implementation`` as for Sha256."""
    cdef const unsigned char[::1] view = _byte_view(data)
    cdef ese_sha256_ctx ctx
    cdef uint8_t out[32]
    cdef size_t n = <size_t>view.shape[0]
    ese_sha256_init_impl(&ctx, _sha256_impl(implementation))
    if n > _NOGIL_THRESHOLD:
        with nogil:
            ese_sha256_update(&ctx, &view[0], n)
    elif n:
        ese_sha256_update(&ctx, &view[0], n)
    ese_sha256_final(&ctx, out)
    return (<char *>out)[:32]


#: ulMajor of libese's own transaction logs (esent.dll writes 7 or 8): lets the offline tools
#: recognise a libese log on any platform.
LIBESE_LOG_VERSION_MAJOR = ESE_LIBESE_LOG_VERSION_MAJOR

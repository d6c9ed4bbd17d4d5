# Streaming backup and restore: the Jet calls one to one, plus the native copy loop.
#
# JetBeginExternalBackupInstance, JetGetAttachInfoInstance, JetOpenFileInstance,
# JetReadFileInstance, JetCloseFileInstance, JetGetLogInfoInstance(2), JetGetTruncateLogInfoInstance,
# JetTruncateLogInstance, JetEndExternalBackupInstance(2), JetStopServiceInstance(2),
# JetExternalRestore2.  The context managers users call live in esent/backup.py.
#
# The copy loop (copy_backup_file) is the reason this module exists: JetReadFileInstance into one
# page-aligned buffer and write() to the destination descriptor, SHA-256 in the same pass, all
# without the GIL and without a Python call per chunk.  The GIL is taken back after every
# `gil_interval` bytes (64 MiB by default) so that Ctrl+C, a progress callback and other threads
# get their turn; JetStopBackupInstance needs no GIL on the copying thread at all: the engine
# fails the next JetReadFileInstance with JET_errBackupAbortByServer.

from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_WRITABLE, PyBUF_SIMPLE
from cpython.buffer cimport PyBuffer_FillInfo
from cpython.pythread cimport (
    PyThread_type_lock, PyThread_allocate_lock, PyThread_free_lock, PyThread_acquire_lock,
    PyThread_release_lock, PyThread_start_new_thread, WAIT_LOCK,
)
from libc.stdint cimport uint8_t
from libc.string cimport memset
from eseformat cimport ese_sha256_ctx, ese_sha256_init, ese_sha256_update, ese_sha256_final

cdef extern from "native_io.h" nogil:
    size_t esent_os_page_size()
    void *esent_page_alloc(size_t size)
    void esent_page_free(void *memory)
    int esent_write_all(int fd, const char *data, size_t size)

cdef extern from "Python.h":
    int PyErr_CheckSignals() except -1

# How often the copy loop takes the GIL back (bytes).  The issue asks for at least every 64 MiB.
DEFAULT_GIL_INTERVAL = 64 << 20


cdef list _split_multi_wide(const char *buffer, Py_ssize_t cb):
    """A UTF-16 multi-string (NUL-separated, ended by an empty string) as a list of str."""
    cdef Py_ssize_t units = cb // 2
    cdef const unsigned short *p = <const unsigned short *>buffer
    cdef Py_ssize_t start = 0, i = 0
    cdef list names = []
    while i < units:
        if p[i] == 0:
            if i == start:
                break
            names.append(buffer[start * 2:i * 2].decode("utf-16-le", "surrogatepass"))
            start = i + 1
        i += 1
    return names


def JetBeginExternalBackupInstance(JET_INSTANCE instance, JET_GRBIT grbit=0):
    """Begin a streaming backup: 0 for full, JET_bitBackupIncremental for incremental."""
    cdef JET_ERR err
    with nogil:
        err = c_JetBeginExternalBackupInstance(instance, grbit)
    check(err, "JetBeginExternalBackupInstance")


def JetGetAttachInfoInstance(JET_INSTANCE instance):
    """The databases a full backup must copy, as a list of full paths."""
    cdef ESE_ULONG needed = 0, cb = 0
    cdef bytearray buffer
    cdef char *p
    cdef JET_ERR err
    with nogil:
        err = c_JetGetAttachInfoInstanceW(instance, NULL, 0, &needed)
    check(err, "JetGetAttachInfoInstance")
    while True:
        # ESENT reports the full size needed and copies silently truncated (§3.2): ask again
        # with room for what it said, until nothing was cut off.
        cb = needed + 2
        buffer = bytearray(cb)
        p = buffer
        with nogil:
            err = c_JetGetAttachInfoInstanceW(instance, <WCHAR *>p, cb, &needed)
        check(err, "JetGetAttachInfoInstance")
        if needed <= cb:
            return _split_multi_wide(p, min(needed, cb))


cdef object _log_listing(JET_INSTANCE instance, bint truncate_info):
    """JetGetLogInfoInstance2 / JetGetTruncateLogInfoInstance: (names, JET_LOGINFO or None)."""
    cdef ESE_ULONG needed = 0, got = 0, cb = 0
    cdef JET_LOGINFO_W info
    cdef bytearray buffer
    cdef char *p
    cdef JET_ERR err
    cdef str api = "JetGetTruncateLogInfoInstance" if truncate_info else "JetGetLogInfoInstance2"
    memset(&info, 0, sizeof(info))
    info.cbSize = sizeof(info)
    # The first call sizes the list (and, the first time in a backup, rolls the log); the
    # listing does not change afterwards within the same backup (§3.6), so one retry suffices,
    # but loop anyway: truncation of the answer is silent (§3.6 buffer contract).
    with nogil:
        if truncate_info:
            err = c_JetGetTruncateLogInfoInstanceW(instance, NULL, 0, &needed)
        else:
            err = c_JetGetLogInfoInstance2W(instance, NULL, 0, &needed, &info)
    check(err, api)
    while True:
        cb = needed + 2
        buffer = bytearray(cb)
        p = buffer
        with nogil:
            if truncate_info:
                err = c_JetGetTruncateLogInfoInstanceW(instance, <WCHAR *>p, cb, &got)
            else:
                err = c_JetGetLogInfoInstance2W(instance, <WCHAR *>p, cb, &got, &info)
        check(err, api)
        if got < cb:
            break
        needed = cb * 2
    names = _split_multi_wide(p, got)
    if truncate_info:
        return names, None
    return names, (info.ulGenLow, info.ulGenHigh, from_wide(<const char *>info.szBaseName, 8))


def JetGetLogInfoInstance(JET_INSTANCE instance):
    """The log files the backup must copy (full paths); the first call rolls the log."""
    return _log_listing(instance, False)[0]


def JetGetLogInfoInstance2(JET_INSTANCE instance):
    """Like JetGetLogInfoInstance, plus JET_LOGINFO: ``(names, (genLow, genHigh, base_name))``."""
    return _log_listing(instance, False)


def JetGetTruncateLogInfoInstance(JET_INSTANCE instance):
    """The log files JetTruncateLogInstance would delete (full paths)."""
    return _log_listing(instance, True)[0]


def JetOpenFileInstance(JET_INSTANCE instance, name):
    """Open a file of the backup for reading; returns ``(handle, size)``.

    The handle of the only slot is 0, a valid handle (fact sheet §3.3).  For a database the
    size is what the stream holds (two header pages, the data pages, one trailer page), not
    the file's size on disk.
    """
    cdef bytes wname = to_wide(name, "name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef JET_HANDLE handle = 0
    cdef ESE_ULONG low = 0, high = 0
    cdef JET_ERR err
    with nogil:
        err = c_JetOpenFileInstanceW(instance, pname, &handle, &low, &high)
    check(err, "JetOpenFileInstance")
    return handle, (<unsigned long long>high << 32) | low


def JetReadFileInstance(JET_INSTANCE instance, JET_HANDLE handle, buffer):
    """Read the next part of an open backup file into ``buffer``; returns the bytes read.

    ``buffer`` is any writable buffer; ESENT requires it aligned to the OS page and a multiple
    of the database page size (use ``CopyBuffer``).  0 means the end of the file.
    """
    cdef Py_buffer view
    cdef ESE_ULONG got = 0
    cdef JET_ERR err
    PyObject_GetBuffer(buffer, &view, PyBUF_WRITABLE)
    try:
        if view.len > 0xFFFFFFFF:
            raise ValueError("JetReadFileInstance reads at most 4 GiB - 1 at a time")
        with nogil:
            err = c_JetReadFileInstance(instance, handle, view.buf, <ESE_ULONG>view.len, &got)
    finally:
        PyBuffer_Release(&view)
    check(err, "JetReadFileInstance")
    return got


def JetCloseFileInstance(JET_INSTANCE instance, JET_HANDLE handle):
    """Close the backup file opened with JetOpenFileInstance."""
    cdef JET_ERR err
    with nogil:
        err = c_JetCloseFileInstance(instance, handle)
    check(err, "JetCloseFileInstance")


def JetTruncateLogInstance(JET_INSTANCE instance):
    """Delete the log generations the backup made unnecessary (§3.8)."""
    cdef JET_ERR err
    with nogil:
        err = c_JetTruncateLogInstance(instance)
    check(err, "JetTruncateLogInstance")


def JetEndExternalBackupInstance2(JET_INSTANCE instance, JET_GRBIT grbit):
    """End the backup: JET_bitBackupEndNormal or JET_bitBackupEndAbort, optionally with
    JET_bitBackupTruncateDone."""
    cdef JET_ERR err
    with nogil:
        err = c_JetEndExternalBackupInstance2(instance, grbit)
    check(err, "JetEndExternalBackupInstance2")


def JetEndExternalBackupInstance(JET_INSTANCE instance):
    """End the backup normally (JetEndExternalBackupInstance2 with JET_bitBackupEndNormal)."""
    cdef JET_ERR err
    with nogil:
        err = c_JetEndExternalBackupInstance2(instance, JET_bitBackupEndNormal)
    check(err, "JetEndExternalBackupInstance")


def JetStopServiceInstance(JET_INSTANCE instance):
    """Prepare the instance for shutdown: later API calls fail with
    JET_errClientRequestToStopJetService."""
    cdef JET_ERR err
    with nogil:
        err = c_JetStopServiceInstance(instance)
    check(err, "JetStopServiceInstance")


def JetStopServiceInstance2(JET_INSTANCE instance, JET_GRBIT grbit=0):
    """JetStopServiceInstance with the JET_bitStopService* bits (0 = all)."""
    cdef JET_ERR err
    with nogil:
        err = c_JetStopServiceInstance2(instance, grbit)
    check(err, "JetStopServiceInstance2")


def JetExternalRestore2(checkpoint_path, log_path, restore_map, backup_log_path,
                        ESE_ULONG gen_low, ESE_ULONG gen_high, base_name,
                        target_instance=None, target_log_path=None,
                        target_checkpoint_path=None):
    """Restore databases copied by a streaming backup (JetExternalRestore2W).

    ``restore_map`` is a sequence of ``(original_path, new_path)``: the path each database had
    when it was backed up (as the logs record it) and where its copied stream now lies.  The
    logs ``gen_low..gen_high`` (base name ``base_name``) are read from ``backup_log_path``.
    """
    cdef list wide_names = []   # owns the UTF-16 strings the map points into
    cdef Py_ssize_t count = len(restore_map)
    cdef bytearray map_memory = bytearray(max(count, 1) * sizeof(JET_RSTMAP_W))
    cdef JET_RSTMAP_W *rstmap = <JET_RSTMAP_W *><char *>map_memory
    cdef Py_ssize_t i
    cdef bytes woriginal, wnew
    cdef JET_LOGINFO_W info
    cdef bytes wbase = to_wide(base_name, "base_name")
    if len(wbase) > 8:
        raise ValueError("base_name must be 3 characters, as JET_paramBaseName")
    memset(&info, 0, sizeof(info))
    info.cbSize = sizeof(info)
    info.ulGenLow = gen_low
    info.ulGenHigh = gen_high
    for i in range(len(wbase) // 2 - 1):
        info.szBaseName[i] = (<const unsigned short *><const char *>wbase)[i]
    for i, (original, new) in enumerate(restore_map):
        woriginal = to_wide(original, "restore_map original path")
        wnew = to_wide(new, "restore_map new path")
        wide_names += [woriginal, wnew]
        rstmap[i].szDatabaseName = <WCHAR *><const char *>woriginal
        rstmap[i].szNewDatabaseName = <WCHAR *><const char *>wnew
    cdef bytes wcheckpoint = to_wide(checkpoint_path, "checkpoint_path")
    cdef bytes wlog = to_wide(log_path, "log_path")
    cdef bytes wbackup = to_wide(backup_log_path, "backup_log_path")
    cdef bytes wtarget = to_wide(target_instance, "target_instance")
    cdef bytes wtarget_log = to_wide(target_log_path, "target_log_path")
    cdef bytes wtarget_chk = to_wide(target_checkpoint_path, "target_checkpoint_path")
    cdef WCHAR *pcheckpoint = <WCHAR *>wide_ptr(wcheckpoint)
    cdef WCHAR *plog = <WCHAR *>wide_ptr(wlog)
    cdef WCHAR *pbackup = <WCHAR *>wide_ptr(wbackup)
    cdef WCHAR *ptarget = <WCHAR *>wide_ptr(wtarget)
    cdef WCHAR *ptarget_log = <WCHAR *>wide_ptr(wtarget_log)
    cdef WCHAR *ptarget_chk = <WCHAR *>wide_ptr(wtarget_chk)
    cdef JET_ERR err
    with nogil:
        err = c_JetExternalRestore2W(pcheckpoint, plog, rstmap if count else NULL,
                                     <ESE_LONG>count, pbackup, &info, ptarget, ptarget_log,
                                     ptarget_chk, NULL)
    check(err, "JetExternalRestore2")
    return err


# ---- the native copy path ------------------------------------------------------------------

cdef class CopyBuffer:
    """Page-aligned memory for JetReadFileInstance, reused for a whole backup.

    ``size`` bytes (a multiple of 1 MiB is a good choice; it must be a multiple of the database
    page size).  The memory comes from VirtualAlloc on Windows and posix_memalign elsewhere and
    is freed when the object is garbage collected.  A memoryview taken on the buffer keeps the
    object (so the memory) alive; ``exports`` counts such views, so a reader that sees one
    still held switches to a new buffer instead of overwriting bytes somebody still looks at.
    """
    cdef char *data
    cdef readonly size_t size
    cdef readonly Py_ssize_t filled   # bytes of the last chunk, what a view exposes
    cdef readonly int exports

    def __cinit__(self, size_t size):
        if size == 0:
            raise ValueError("a copy buffer needs at least one byte")
        self.data = <char *>esent_page_alloc(size)
        if self.data == NULL:
            raise MemoryError(f"cannot allocate a {size}-byte page-aligned buffer")
        self.size = size
        self.filled = 0
        self.exports = 0

    def __dealloc__(self):
        esent_page_free(self.data)
        self.data = NULL

    @property
    def address(self):
        """The memory's address, for code that hands the buffer to the engine itself (ctypes
        comparisons in benchmarks/); the buffer must stay referenced while it is used."""
        return <size_t>self.data

    def __getbuffer__(self, Py_buffer *view, int flags):
        # Read-only: the engine writes here, Python code only reads.
        PyBuffer_FillInfo(view, self, self.data, self.filled, 1, flags)
        self.exports += 1

    def __releasebuffer__(self, Py_buffer *view):
        self.exports -= 1

    def read_chunk(self, JET_INSTANCE instance, JET_HANDLE handle):
        """Fill the buffer with the next part of the open backup file; returns the byte count
        (0 at the end).  Refuses while a view of the previous chunk is still held."""
        cdef ESE_ULONG got = 0
        cdef JET_ERR err
        if self.exports:
            raise BufferError("a memoryview of the previous chunk is still held")
        with nogil:
            err = c_JetReadFileInstance(instance, handle, self.data, <ESE_ULONG>self.size, &got)
        check(err, "JetReadFileInstance")
        self.filled = got
        return got


def os_page_size():
    """The OS memory page size JetReadFileInstance's buffer must be aligned to."""
    return esent_os_page_size()


# SHA-256 runs on a second thread, overlapped with the next read and the write: with a warm cache
# the hash is the slowest step, so hashing in line would make the copy cost read + hash + write,
# while overlapped it costs about max(hash, read + write).  The buffer is used as two halves: the
# hasher works on one while the engine fills the other.  The thread and its locks are CPython's
# portable ones (PyThread_*, part of the stable ABI), usable without the GIL.

ctypedef struct _Hasher:
    ese_sha256_ctx *ctx
    const char *data
    size_t size
    bint stop
    bint pending            # a job was posted and not yet waited for (main thread only)
    PyThread_type_lock job  # released by the copier: a job (or the stop) is posted
    PyThread_type_lock done # released by the hasher: the job is finished, or it is exiting


cdef void _hasher_main(void *arg) noexcept nogil:
    cdef _Hasher *h = <_Hasher *>arg
    while True:
        PyThread_acquire_lock(h.job, WAIT_LOCK)
        if h.stop:
            PyThread_release_lock(h.done)
            return  # nothing touches *h after this release: the copier may free it at once
        ese_sha256_update(h.ctx, h.data, h.size)
        PyThread_release_lock(h.done)


cdef inline void _hasher_wait(_Hasher *h) noexcept nogil:
    if h.pending:
        PyThread_acquire_lock(h.done, WAIT_LOCK)
        h.pending = False


cdef inline void _hasher_post(_Hasher *h, const char *data, size_t size) noexcept nogil:
    h.data = data
    h.size = size
    h.pending = True
    PyThread_release_lock(h.job)


cdef bint _hasher_start(_Hasher *h, ese_sha256_ctx *ctx) noexcept:
    """Start the hashing thread; False (and nothing to clean up) when it cannot run."""
    h.ctx = ctx
    h.stop = False
    h.pending = False
    h.job = PyThread_allocate_lock()
    h.done = PyThread_allocate_lock()
    if h.job == NULL or h.done == NULL:
        _hasher_free(h)
        return False
    PyThread_acquire_lock(h.job, WAIT_LOCK)   # both start "taken": nothing posted, nothing done
    PyThread_acquire_lock(h.done, WAIT_LOCK)
    if PyThread_start_new_thread(_hasher_main, h) == <unsigned long>-1:
        _hasher_free(h)
        return False
    return True


cdef void _hasher_stop(_Hasher *h) noexcept nogil:
    """Wait for the last job, then let the thread exit and wait until it has let go of *h."""
    _hasher_wait(h)
    h.stop = True
    PyThread_release_lock(h.job)
    PyThread_acquire_lock(h.done, WAIT_LOCK)


cdef void _hasher_free(_Hasher *h) noexcept:
    if h.job != NULL:
        PyThread_free_lock(h.job)
        h.job = NULL
    if h.done != NULL:
        PyThread_free_lock(h.done)
        h.done = NULL


cdef JET_ERR _copy_span(JET_INSTANCE instance, JET_HANDLE handle, char *buffer, ESE_ULONG cb,
                        int fd, ese_sha256_ctx *sha, _Hasher *hasher, int *half,
                        unsigned long long limit, unsigned long long *copied,
                        int *write_errno, bint *at_end) noexcept nogil:
    """Copy until `limit` bytes have been copied or the file ends; no Python, no GIL.

    With a hasher thread the buffer is two halves used in turn (`half` says which is next);
    without one, `sha` (or nothing) is updated in line and the whole buffer is one chunk."""
    cdef ESE_ULONG got, chunk = cb // 2 if hasher != NULL else cb
    cdef char *data
    cdef JET_ERR err
    cdef unsigned long long done = 0
    while done < limit:
        data = buffer + (<size_t>chunk * half[0] if hasher != NULL else 0)
        got = 0
        err = c_JetReadFileInstance(instance, handle, data, chunk, &got)
        if err < 0:
            return err
        if got == 0:
            at_end[0] = True
            return err
        if hasher != NULL:
            _hasher_wait(hasher)            # the previous chunk (other half) is hashed
            _hasher_post(hasher, data, got)  # hash this one while it is written
            half[0] ^= 1
        elif sha != NULL:
            ese_sha256_update(sha, data, got)
        if fd >= 0:
            write_errno[0] = esent_write_all(fd, data, got)
            if write_errno[0] != 0:
                return 0
        done += got
        copied[0] += got
    return 0


def copy_backup_file(JET_INSTANCE instance, JET_HANDLE handle, CopyBuffer buffer not None,
                     int fd, bint sha256=True, progress=None,
                     unsigned long long gil_interval=DEFAULT_GIL_INTERVAL,
                     bint parallel_hash=True):
    """Copy an open backup file to descriptor ``fd`` (-1: read and hash only).

    Returns ``(bytes_copied, sha256_digest or None)``.  Runs without the GIL, taking it back
    every ``gil_interval`` bytes to deliver signals (KeyboardInterrupt) and to call
    ``progress(bytes_copied)`` when given; an exception from either stops the copy and
    propagates.  A read error raises the engine's error (JET_errBackupAbortByServer after
    JetStopBackupInstance), a write error raises OSError.  The file stays open either way: the
    caller closes it.  With ``parallel_hash`` (the default) SHA-256 runs on a second thread
    overlapped with the reads and writes, the buffer serving as two halves.
    """
    cdef ese_sha256_ctx ctx
    cdef ese_sha256_ctx *pctx = NULL
    cdef _Hasher hasher
    cdef _Hasher *phasher = NULL
    cdef int half = 0
    cdef unsigned long long copied = 0
    cdef int write_errno = 0
    cdef bint at_end = False
    cdef JET_ERR err = 0
    cdef char *data = buffer.data
    cdef ESE_ULONG cb = <ESE_ULONG>buffer.size
    cdef uint8_t digest[32]
    if buffer.exports:
        raise BufferError("the copy buffer is exported; copy_backup_file needs it to itself")
    if gil_interval == 0:
        raise ValueError("gil_interval must be positive")
    if sha256:
        ese_sha256_init(&ctx)
        pctx = &ctx
        # Two halves must each still be a whole number of database pages and hold the first
        # read of a database (3 pages, facts §3.4): true for any buffer of 1 MiB or more.
        if parallel_hash and cb >= (1 << 20) and _hasher_start(&hasher, &ctx):
            phasher = &hasher
    try:
        while not at_end:
            with nogil:
                err = _copy_span(instance, handle, data, cb, fd, pctx, phasher, &half,
                                 gil_interval, &copied, &write_errno, &at_end)
            check(err, "JetReadFileInstance")
            if write_errno:
                raise OSError(write_errno, _os.strerror(write_errno))
            PyErr_CheckSignals()
            if progress is not None:
                progress(copied)
    finally:
        if phasher != NULL:
            with nogil:
                _hasher_stop(phasher)   # never free the buffer under a running hash
            _hasher_free(phasher)
    buffer.filled = 0
    if not sha256:
        return copied, None
    ese_sha256_final(&ctx, digest)
    return copied, (<char *>digest)[:32]

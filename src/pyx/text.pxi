# Text crosses into the engine as NUL-terminated UTF-16 (the W variants, on every platform).
#
# Lifetime: the returned bytes object owns the buffer; keep it in a local variable for as long as
# the pointer taken from it is used (the whole `with nogil` block).

cdef bytes to_wide(object text, str what):
    """`text` as NUL-terminated UTF-16-LE bytes; None stays None (the API gets NULL)."""
    if text is None:
        return None
    if not isinstance(text, str):
        text = _os_fspath_str(text, what)
    return (<str>text).encode("utf-16-le", "surrogatepass") + b"\0\0"


cdef inline const WCHAR *wide_ptr(bytes wide):
    """Pointer into a to_wide() result, or NULL for None."""
    if wide is None:
        return NULL
    return <const WCHAR *><const char *>wide


cdef str from_wide(const char *buffer, Py_ssize_t cb):
    """Decode UTF-16-LE up to the first NUL code unit (or `cb` bytes)."""
    cdef Py_ssize_t units = cb // 2
    cdef Py_ssize_t i = 0
    cdef const unsigned short *p = <const unsigned short *>buffer
    while i < units and p[i] != 0:
        i += 1
    return buffer[:i * 2].decode("utf-16-le", "surrogatepass")


import os as _os


def _os_fspath_str(object value, str what):
    path = _os.fspath(value)
    if isinstance(path, bytes):
        path = _os.fsdecode(path)
    if not isinstance(path, str):
        raise TypeError(f"{what} must be str or os.PathLike, not {type(value).__name__}")
    return path

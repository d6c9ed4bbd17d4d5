# Turning Jet return codes into Python outcomes: errors raise, warnings are remembered.
#
# ESENT returns 0 for success, a negative code for an error and a positive code for a warning.
# Errors raise the esent.errors class for the code, with the failing API named in the message.
# Warnings never raise: the code of the last Jet call made on the current thread is kept and read
# with esent.jet.get_last_warning() (0 when that call returned JET_errSuccess).

import threading

from esent import errors as _errors

cdef object _last_result = threading.local()


cdef int check(JET_ERR err, str api) except -1:
    """Raise for a negative code; record the result for get_last_warning()."""
    if err < 0:
        _last_result.code = err
        raise _errors.exception_for(err, api)
    _last_result.code = err
    return 0


def get_last_warning():
    """The warning code returned by the last Jet call on this thread, or 0.

    ESENT warnings (positive codes such as JET_wrnBufferTruncated) never raise.  A caller who
    cares about one reads it here right after the call; esent.errors.warning_name() names it.
    """
    cdef object code = getattr(_last_result, "code", 0)
    return code if code > 0 else 0

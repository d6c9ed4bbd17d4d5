# Test-only hooks: fault injection in libese's allocation and I/O layer.  Not part of the public
# API (leading underscore); esent/_testing.py gives them names.  On Windows they are absent.

HAVE_LIBESE = bool(ESENT_HAVE_LIBESE)


def _fault_arm(int kind, unsigned long long nth, bint enospc=False):
    if not ESENT_HAVE_LIBESE:
        raise NotImplementedError("fault injection exists only in libese")
    if esent_fault_arm(kind, nth, enospc) != 0:
        raise ValueError(f"unknown fault kind {kind}")


def _fault_reset():
    esent_fault_reset()


def _fault_count(int kind):
    return esent_fault_count(kind)

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


cdef extern from "esent_testing.h" nogil:
    long esent_checkpoint_now(unsigned long long instance)
    void esent_checkpoints_in_background(int enabled)


def _checkpoints_in_background(bint enabled):
    """libese only: turn the background checkpointer's rounds on or off, process-wide."""
    esent_checkpoints_in_background(enabled)


def checkpoint_now(JET_INSTANCE instance):
    """Run one round of libese's background checkpointer now, synchronously: dirty pages older
    than the end of the log are written and <base>.chk moved (circular logging then deletes the
    generations below it).  Raises the round's error as EsentError."""
    if not ESENT_HAVE_LIBESE:
        raise NotImplementedError("the checkpointer hook exists only in libese")
    cdef long err
    with nogil:
        err = esent_checkpoint_now(instance)
    check(<JET_ERR>err, "checkpoint_now")

# Transactions: JetBeginTransaction2, JetCommitTransaction, JetRollback.


def JetBeginTransaction(JET_SESID sesid):
    """Begin a transaction (or a nested level) on the session."""
    cdef JET_ERR err
    with nogil:
        err = c_JetBeginTransaction2(sesid, 0)
    check(err, "JetBeginTransaction")


def JetBeginTransaction2(JET_SESID sesid, JET_GRBIT grbit=0):
    """Begin a transaction with grbits (JET_bitTransactionReadOnly)."""
    cdef JET_ERR err
    with nogil:
        err = c_JetBeginTransaction2(sesid, grbit)
    check(err, "JetBeginTransaction2")


def JetCommitTransaction(JET_SESID sesid, JET_GRBIT grbit=0):
    """Commit the innermost transaction level.  0 waits until a level-0 commit is durable;
    JET_bitCommitLazyFlush returns at once; JET_bitWaitLastLevel0Commit /
    JET_bitWaitAllLevel0Commit (outside a transaction) wait for earlier lazy commits."""
    cdef JET_ERR err
    with nogil:
        err = c_JetCommitTransaction(sesid, grbit)
    check(err, "JetCommitTransaction")


def JetRollback(JET_SESID sesid, JET_GRBIT grbit=0):
    """Undo the innermost transaction level (every level with JET_bitRollbackAll)."""
    cdef JET_ERR err
    with nogil:
        err = c_JetRollback(sesid, grbit)
    check(err, "JetRollback")

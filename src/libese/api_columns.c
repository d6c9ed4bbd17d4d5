/*
 * api_columns.c -- several columns at once and the column calls of the schema part:
 * JetSetColumns, JetRetrieveColumns, JetEscrowUpdate, JetAddColumnW.
 *
 * Behaviour and errors as the ESENT reference documents them (learn.microsoft.com,
 * "Extensible Storage Engine" > "<name> Function", "JET_SETCOLUMN Structure",
 * "JET_RETRIEVECOLUMN Structure"):
 *   - JetSetColumns / JetRetrieveColumns are JetSetColumn / JetRetrieveColumn for each element
 *     in order, each element's result in its err (and cbActual, columnidNextTagged); the first
 *     error stops the call and is returned, warnings only show in the elements.
 *     JET_RETRIEVECOLUMN.itagSequence 0 counts the column's values into itagSequence (ESE's
 *     ErrIsamRetrieveColumns does so) without reading data.  Both work on the prepared update's
 *     reused buffers: once warm they allocate nothing per call (the 1,000,000-row benchmark).
 *   - JetEscrowUpdate: an atomic add on an escrow column of the current row, returning the
 *     value before (pvOld: 0 or the column's size); JET_errAlreadyPrepared with an update
 *     prepared, JET_errNotInTransaction outside a transaction (ESE needs one to version the
 *     delta), JET_errInvalidOperation on a column that is not JET_bitColumnEscrowUpdate,
 *     JET_errInvalidBufferSize for a delta of another size than the column's.
 *     JET_bitEscrowNoRollback: JET_errFeatureNotAvailable (libese gap).
 *   - JetAddColumn: a new column on an existing table (database.h db_add_column), its id in
 *     *pcolumnid; a DDL, committed at once even inside a transaction (transactions.md).
 */
#include <string.h>

#include "api_data.h"
#include "osal.h"
#include "record.h"

/* A table handle for a call that changes something, on the transaction's own thread. */
static JET_ERR table_for_change(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb)
{
    JET_ERR err = api_table_get(sesid, tableid, ptb);
    return err < 0 ? err : trx_check_caller((*ptb)->trx);
}

JET_ERR JET_API JetSetColumns(JET_SESID sesid, JET_TABLEID tableid, JET_SETCOLUMN *psetcolumn,
                              ESE_ULONG csetcolumn)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!psetcolumn && csetcolumn)
        return JET_errInvalidParameter;
    for (ESE_ULONG i = 0; i < csetcolumn; i++) {
        JET_SETCOLUMN *sc = &psetcolumn[i];
        JET_SETINFO si = {sizeof si, sc->ibLongValue, sc->itagSequence};
        sc->err = api_set_column(tb, sc->columnid, sc->pvData, sc->cbData, sc->grbit, &si);
        if (sc->err < 0)
            return sc->err;
    }
    return JET_errSuccess;
}

JET_ERR JET_API JetRetrieveColumns(JET_SESID sesid, JET_TABLEID tableid,
                                   JET_RETRIEVECOLUMN *pretrievecolumn,
                                   ESE_ULONG cretrievecolumn)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    bool list = err == JET_errInvalidTableId && api_list_table_find(sesid, tableid);
    if (err < 0 && !list)
        return err;
    if (!pretrievecolumn && cretrievecolumn)
        return JET_errInvalidParameter;
    for (ESE_ULONG i = 0; i < cretrievecolumn; i++) {
        JET_RETRIEVECOLUMN *rc = &pretrievecolumn[i];
        rc->columnidNextTagged = 0;
        if (rc->itagSequence == 0 && !list) {
            uint32_t count = 0;
            rc->err = api_count_values(tb, rc->columnid, rc->grbit, &count);
            rc->itagSequence = count;
            rc->cbActual = 0;
        } else {
            JET_RETINFO ri = {sizeof ri, rc->ibLongValue, rc->itagSequence, 0};
            ESE_ULONG actual = 0;
            rc->err = list ? JetRetrieveColumn(sesid, tableid, rc->columnid, rc->pvData, rc->cbData,
                                               &actual, rc->grbit, &ri)
                           : api_retrieve_column(tb, rc->columnid, rc->pvData, rc->cbData, &actual,
                                                 rc->grbit, &ri);
            rc->cbActual = actual;
        }
        if (rc->err < 0)
            return rc->err;
    }
    return JET_errSuccess;
}

JET_ERR JET_API JetEscrowUpdate(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid,
                                void *pv, ESE_ULONG cbMax, void *pvOld, ESE_ULONG cbOldMax,
                                ESE_ULONG *pcbOldActual, JET_GRBIT grbit)
{
    api_table *tb;
    JET_ERR err = table_for_change(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (grbit & JET_bitEscrowNoRollback)
        return JET_errFeatureNotAvailable; /* libese gap: every escrow update rolls back */
    if (grbit)
        return JET_errInvalidGrbit;
    if (tb->prep)
        return JET_errAlreadyPrepared;
    if (!tb->trx || tb->trx->level == 0)
        return JET_errNotInTransaction;
    const db_column *c = table_column_by_fid(tb->t, columnid);
    if (!c)
        return JET_errColumnNotFound;
    if (!(c->field_flags & RECORD_FIELD_ESCROW_UPDATE))
        return JET_errInvalidOperation;
    uint32_t size = record_coltyp_fixed_size(c->coltyp);
    if (!pv || cbMax != size)
        return JET_errInvalidBufferSize;
    if ((pvOld && cbOldMax && cbOldMax < size) || (!pvOld && cbOldMax))
        return JET_errInvalidBufferSize;
    int64_t delta = 0;
    if (size == 4) {
        int32_t d32;
        memcpy(&d32, pv, 4);
        delta = d32;
    } else {
        memcpy(&delta, pv, 8);
    }
    const uint8_t *key;
    uint32_t cb_key;
    if ((err = api_current_key(tb, &key, &cb_key)) < 0)
        return err;
    int64_t old = 0;
    err = db_escrow_trx(tb->t, tb->trx, key, cb_key, (uint16_t)c->fid, delta, &old);
    if (err == JET_errRecordNotFound)
        err = JET_errRecordDeleted;
    if (err < 0)
        return err;
    if (pvOld && cbOldMax) {
        if (size == 4) {
            int32_t o32 = (int32_t)old;
            memcpy(pvOld, &o32, 4);
        } else {
            memcpy(pvOld, &old, 8);
        }
    }
    if (pcbOldActual)
        *pcbOldActual = pvOld && cbOldMax ? size : 0;
    return JET_errSuccess;
}

JET_ERR JET_API JetAddColumnW(JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szColumnName,
                              const JET_COLUMNDEF *pcolumndef, const void *pvDefault,
                              ESE_ULONG cbDefault, JET_COLUMNID *pcolumnid)
{
    api_table *tb;
    JET_ERR err = table_for_change(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!szColumnName || !pcolumndef || pcolumndef->cbStruct != sizeof(JET_COLUMNDEF) ||
        (!pvDefault && cbDefault))
        return JET_errInvalidParameter;
    char *name = utf16_to_utf8(szColumnName, &err);
    if (!name)
        return err;
    db_column_def def = {
        .name = name,
        .coltyp = pcolumndef->coltyp,
        .cb_max = pcolumndef->cbMax,
        .code_page = pcolumndef->cp,
        .grbit = pcolumndef->grbit,
        .default_value = cbDefault ? pvDefault : NULL,
        .cb_default = cbDefault,
    };
    uint16_t fid = 0;
    err = db_add_column(tb->t, &def, &fid);
    osal_free(name);
    if (err >= 0 && pcolumnid)
        *pcolumnid = fid;
    return err;
}

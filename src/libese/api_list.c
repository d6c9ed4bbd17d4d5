/*
 * api_list.c -- temporary "list tables": the JET_TABLEIDs that JetGetTableColumnInfo,
 * JetGetColumnInfo (JET_ColInfoList...), JetGetObjectInfo (JET_ObjInfoList...) and the index
 * lists hand out.  The interface and its rules are in api_data.h ("temporary list tables").
 *
 * ESENT builds these as temporary tables; libese keeps the rows in memory, which is all a
 * caller can observe: the table is read-only, holds a few rows, is walked with JetMove and read
 * with JetRetrieveColumn(s), and goes away at JetCloseTable or JetEndSession
 * (learn.microsoft.com, "JET_COLUMNLIST Structure": "It is the responsibility of the caller to
 * close the table").  Rows keep the order they were appended in.
 *
 * Registry: its own array under g_engine.lock (lock order 1), held only to add, find or remove
 * a list; handles come from engine_new_handle_locked, so they never collide with a
 * JetOpenTable's tableid.  A session is used by one thread at a time, so a list found under the
 * lock stays valid while that session's call runs without it.
 */
#include <string.h>

#include "api_data.h"
#include "osal.h"
#include "session.h"

/* One value of a row: where it sits in the row's data, or NULL. */
typedef struct {
    uint32_t offset, cb;
    bool null;
} list_cell;

struct api_list_table {
    JET_TABLEID tableid;        /* 0 until api_list_table_open */
    JET_SESID sesid;
    api_list_column *columns;
    size_t column_count;
    uint8_t **rows;             /* each: column_count list_cells, then the data */
    size_t row_count, row_cap;
    size_t pos;                 /* 0 = before the first row, 1..row_count = on row pos-1,
                                 * row_count+1 = after the last */
};

static api_list_table **g_lists;
static size_t g_list_count, g_list_cap;

JET_ERR api_list_table_create(JET_SESID sesid, const api_list_column *cols, size_t ncols,
                              api_list_table **plist)
{
    *plist = NULL;
    if (!ncols || !cols)
        return JET_errInvalidParameter;
    api_list_table *lt = osal_calloc(1, sizeof *lt);
    if (!lt)
        return JET_errOutOfMemory;
    if (!(lt->columns = osal_malloc(ncols * sizeof *lt->columns))) {
        osal_free(lt);
        return JET_errOutOfMemory;
    }
    memcpy(lt->columns, cols, ncols * sizeof *cols);
    lt->column_count = ncols;
    lt->sesid = sesid;
    *plist = lt;
    return JET_errSuccess;
}

JET_ERR api_list_table_append_row(api_list_table *lt, const api_list_value *values)
{
    size_t head = lt->column_count * sizeof(list_cell), total = head;
    for (size_t i = 0; i < lt->column_count; i++)
        total += values[i].data ? values[i].cb : 0;
    if (lt->row_count == lt->row_cap) {
        size_t cap = lt->row_cap ? lt->row_cap * 2 : 16;
        uint8_t **grown = osal_malloc(cap * sizeof *grown);
        if (!grown)
            return JET_errOutOfMemory;
        if (lt->row_count)
            memcpy(grown, lt->rows, lt->row_count * sizeof *grown);
        osal_free(lt->rows);
        lt->rows = grown;
        lt->row_cap = cap;
    }
    uint8_t *row = osal_malloc(total);
    if (!row)
        return JET_errOutOfMemory;
    uint32_t at = (uint32_t)head;
    for (size_t i = 0; i < lt->column_count; i++) {
        list_cell cell = {at, 0, values[i].data == NULL};
        if (values[i].data) {
            cell.cb = values[i].cb;
            if (cell.cb)
                memcpy(row + at, values[i].data, cell.cb);
            at += cell.cb;
        }
        memcpy(row + i * sizeof cell, &cell, sizeof cell);
    }
    lt->rows[lt->row_count++] = row;
    return JET_errSuccess;
}

size_t api_list_table_row_count(const api_list_table *lt)
{
    return lt->row_count;
}

void api_list_table_discard(api_list_table *lt)
{
    if (!lt)
        return;
    for (size_t i = 0; i < lt->row_count; i++)
        osal_free(lt->rows[i]);
    osal_free(lt->rows);
    osal_free(lt->columns);
    osal_free(lt);
}

JET_ERR api_list_table_open(api_list_table *lt, JET_TABLEID *ptableid)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    JET_ERR err = session_find_locked(lt->sesid, &s);
    if (err == JET_errSuccess)
        err = engine_reserve_locked((void ***)&g_lists, g_list_count, &g_list_cap);
    if (err == JET_errSuccess) {
        lt->tableid = engine_new_handle_locked();
        g_lists[g_list_count++] = lt;
        *ptableid = lt->tableid;
    }
    pthread_mutex_unlock(&g_engine.lock);
    if (err < 0)
        api_list_table_discard(lt);
    return err;
}

static size_t find_locked(JET_SESID sesid, JET_TABLEID tableid)
{
    for (size_t i = 0; i < g_list_count; i++)
        if (g_lists[i]->tableid == tableid && g_lists[i]->sesid == sesid)
            return i;
    return SIZE_MAX;
}

api_list_table *api_list_table_find(JET_SESID sesid, JET_TABLEID tableid)
{
    pthread_mutex_lock(&g_engine.lock);
    size_t i = find_locked(sesid, tableid);
    api_list_table *lt = i == SIZE_MAX ? NULL : g_lists[i];
    pthread_mutex_unlock(&g_engine.lock);
    return lt;
}

JET_ERR api_list_table_close(JET_SESID sesid, JET_TABLEID tableid)
{
    pthread_mutex_lock(&g_engine.lock);
    size_t i = find_locked(sesid, tableid);
    api_list_table *lt = NULL;
    if (i != SIZE_MAX) {
        lt = g_lists[i];
        g_lists[i] = g_lists[--g_list_count];
    }
    pthread_mutex_unlock(&g_engine.lock);
    if (!lt)
        return JET_errInvalidTableId;
    api_list_table_discard(lt);
    return JET_errSuccess;
}

void api_list_session_end_locked(JET_SESID sesid)
{
    for (size_t i = g_list_count; i-- > 0;)
        if (g_lists[i]->sesid == sesid) {
            api_list_table *lt = g_lists[i];
            g_lists[i] = g_lists[--g_list_count];
            api_list_table_discard(lt);
        }
}

/* JetMove on a list table: the same positions and errors as on a real table. */
JET_ERR api_list_table_move(api_list_table *lt, ESE_LONG cRow)
{
    size_t n = lt->row_count;
    if (cRow == (ESE_LONG)JET_MoveFirst) {
        lt->pos = n ? 1 : 0;
        return n ? JET_errSuccess : JET_errNoCurrentRecord;
    }
    if (cRow == (ESE_LONG)JET_MoveLast) {
        lt->pos = n ? n : 1;
        return n ? JET_errSuccess : JET_errNoCurrentRecord;
    }
    if (cRow == 0)
        return lt->pos >= 1 && lt->pos <= n ? JET_errSuccess : JET_errNoCurrentRecord;
    int64_t target = (int64_t)lt->pos + cRow;
    if (target < 1) {
        lt->pos = 0;
        return JET_errNoCurrentRecord;
    }
    if (target > (int64_t)n) {
        lt->pos = n + 1;
        return JET_errNoCurrentRecord;
    }
    lt->pos = (size_t)target;
    return JET_errSuccess;
}

/* JetRetrieveColumn on a list table (columnid = column index + 1). */
JET_ERR api_list_table_retrieve(api_list_table *lt, JET_COLUMNID columnid, void *pvData,
                                ESE_ULONG cbData, ESE_ULONG *pcbActual, JET_RETINFO *pretinfo)
{
    if (!pvData && cbData)
        return JET_errInvalidParameter;
    if (pretinfo && pretinfo->cbStruct < sizeof(JET_RETINFO))
        return JET_errInvalidParameter;
    if (columnid < 1 || columnid > lt->column_count)
        return JET_errColumnNotFound;
    if (lt->pos < 1 || lt->pos > lt->row_count)
        return JET_errNoCurrentRecord;
    const uint8_t *row = lt->rows[lt->pos - 1];
    list_cell cell;
    memcpy(&cell, row + (columnid - 1) * sizeof cell, sizeof cell);
    uint32_t ib = pretinfo ? pretinfo->ibLongValue : 0;
    if (pretinfo)
        pretinfo->columnidNextTagged = 0;
    if (cell.null || (pretinfo && pretinfo->itagSequence > 1)) {
        if (pcbActual)
            *pcbActual = 0;
        return JET_wrnColumnNull;
    }
    uint32_t avail = ib < cell.cb ? cell.cb - ib : 0;
    if (pcbActual)
        *pcbActual = avail;
    uint32_t n = avail < cbData ? avail : (uint32_t)cbData;
    if (n)
        memcpy(pvData, row + cell.offset + ib, n);
    return avail > cbData ? JET_wrnBufferTruncated : JET_errSuccess;
}

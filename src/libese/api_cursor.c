/*
 * api_cursor.c -- the cursor calls of the Jet API: JetMove, JetMakeKey, JetRetrieveKey,
 * JetSeek, JetSetIndexRange, JetIndexRecordCount, JetGetBookmark, JetGotoBookmark,
 * JetGetRecordPosition, JetGotoPosition.
 *
 * Every call works on the table handle's current index: tb->kidx describes its key, cur_key is
 * the current entry's key in it and tb->cursor walks it in its order.  Only the bookmark is the
 * primary key (current_bookmark / goto_bookmark below).  Behaviour, errors and where the cursor
 * stands afterwards follow the ESENT reference (learn.microsoft.com, "Extensible Storage
 * Engine" > "<name> Function"); libese's choices where it leaves room are in
 * docs/contract/cursors.md:
 *   - JetMove: JET_MoveFirst / Last (they cancel an index range), n rows either way,
 *     JET_bitMoveKeyNE (entries with the current key count once); JET_errNoCurrentRecord past
 *     either end (then after the last / before the first entry) or past the range's limit (then
 *     on the first entry beyond it, which is no current record; the range is gone).  The search
 *     key survives a JetMove; every other navigation deletes it ("JetRetrieveKey Function").
 *   - JetSeek: EQ (a key with fewer columns than the index, or made with a limit, matches every
 *     entry that starts with it), LT / LE / GE / GT with JET_wrnSeekNotEqual for an inexact
 *     LE / GE; JET_bitSetIndexRange with EQ makes an inclusive upper range of the key;
 *     JET_bitCheckUniqueness: JET_wrnUniqueKey for a whole key on a unique index (both
 *     ignored with another mode).  JET_errRecordNotFound leaves no current record, the cursor
 *     where the entry would have been (POS_GAP), from where it can move.
 *   - Every navigation (JetMove, JetSeek, JetGotoBookmark, JetGotoPosition) cancels a
 *     prepared update.
 *   - JetSetIndexRange: upper / lower, inclusive, remove (JET_errInvalidOperation without a
 *     range), instant duration; JET_errKeyNotMade; JET_errNoCurrentRecord when the current
 *     entry is outside (the range stays in effect, as the page says).
 *   - JetRetrieveKey: the current entry's key (JET_wrnBufferTruncated) or, with
 *     JET_bitRetrieveCopy, the search key (JET_errKeyNotMade; never JET_wrnBufferTruncated,
 *     ESENT's documented behaviour).
 *   - JetGetBookmark: JET_errBufferTooSmall with as much as fits; JetGotoBookmark:
 *     JET_errInvalidBookmark, JET_errRecordDeleted.
 *   - JetIndexRecordCount, JetGetRecordPosition, JetGotoPosition: exact counts by walking the
 *     index (ESENT's are estimates; an exact count is one of the answers it allows).
 * Moves step from the entry the handle's cursor stands on (tb->synced) so that a walk follows
 * the tree's leaves (database.c's cursor_step_tree); the counting calls use the same cursor
 * and leave the next move to find its place again by cur_key.
 */
#include <string.h>

#include "api_data.h"
#include "osal.h"

/* After a cursor move or seek: take the entry it landed on, or note where it fell off
 * (api_table_take_position, shared with the index and update calls). */
static JET_ERR take_position(api_table *tb, JET_ERR err, api_position off)
{
    return api_table_take_position(tb, err, db_generation(tb->adb->db), off);
}

/* Whether the current entry is inside the index range (the range's limit compared with ESE's
 * key order: memcmp, then the shorter first). */
static bool in_range(const api_table *tb)
{
    int cmp = key_compare(tb->cur_key, tb->cb_cur_key, tb->range_key, tb->cb_range_key);
    if (cmp == 0)
        return tb->range_inclusive;
    return tb->range_upper ? cmp < 0 : cmp > 0;
}

/* One entry forward or backward (JET_errNoCurrentRecord past an end or the range's limit). */
static JET_ERR step(api_table *tb, bool forward)
{
    JET_ERR err;
    switch (tb->pos) {
    case POS_BEFORE_FIRST:
        if (!forward)
            return JET_errNoCurrentRecord;
        err = db_cursor_first(tb->cursor);
        break;
    case POS_AFTER_LAST:
        if (forward)
            return JET_errNoCurrentRecord;
        err = db_cursor_last(tb->cursor);
        break;
    case POS_GAP: /* "the cursor can be moved relative to that position" (JetSeek Function) */
        err = db_cursor_seek(tb->cursor, tb->cur_key, tb->cb_cur_key,
                             forward ? (tb->gap_after ? BT_SEEK_GT : BT_SEEK_GE)
                                     : (tb->gap_after ? BT_SEEK_LE : BT_SEEK_LT));
        if (err == JET_errRecordNotFound)
            err = JET_errNoCurrentRecord;
        break;
    default:
        if (tb->synced) {
            err = forward ? db_cursor_next(tb->cursor) : db_cursor_prev(tb->cursor);
        } else {
            /* by (key, bookmark): a secondary index repeats keys */
            err = db_cursor_seek_entry(tb->cursor, tb->cur_key, tb->cb_cur_key, tb->cur_bm,
                                       tb->cb_cur_bm, forward ? BT_SEEK_GT : BT_SEEK_LT);
            if (err == JET_errRecordNotFound)
                err = JET_errNoCurrentRecord;
        }
        break;
    }
    err = take_position(tb, err, forward ? POS_AFTER_LAST : POS_BEFORE_FIRST);
    if (err < 0)
        return err;
    /* "Index ranges only work in one direction" (JetSetIndexRange Function, Remarks) */
    if (tb->range && tb->range_upper == forward && !in_range(tb)) {
        tb->range = false;
        tb->pos = POS_PAST_RANGE;
        return JET_errNoCurrentRecord;
    }
    return JET_errSuccess;
}

/* One step of JetMove: one entry, or with JET_bitMoveKeyNE every entry of the current key. */
static JET_ERR step_key(api_table *tb, bool forward, bool key_ne)
{
    /* from a place between entries the first entry reached is the first new key */
    if (!key_ne || tb->pos == POS_BEFORE_FIRST || tb->pos == POS_AFTER_LAST ||
        tb->pos == POS_GAP)
        return step(tb, forward);
    uint8_t from[sizeof tb->cur_key];
    uint32_t cb_from = tb->cb_cur_key;
    memcpy(from, tb->cur_key, cb_from);
    JET_ERR err;
    do
        err = step(tb, forward);
    while (err >= 0 && key_compare(tb->cur_key, tb->cb_cur_key, from, cb_from) == 0);
    return err;
}

JET_ERR JET_API JetMove(JET_SESID sesid, JET_TABLEID tableid, ESE_LONG cRow, JET_GRBIT grbit)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    api_list_table *lt;
    if (err == JET_errInvalidTableId && (lt = api_list_table_find(sesid, tableid)))
        return api_list_table_move(lt, cRow); /* a temporary list table (api_list.c) */
    if (err < 0)
        return err;
    if (grbit & ~(JET_GRBIT)JET_bitMoveKeyNE)
        return JET_errInvalidGrbit;
    /* "If a record has been prepared for update, that update will be canceled" (JetMove) */
    if (tb->prep)
        api_table_cancel_update(tb);
    if (cRow == (ESE_LONG)JET_MoveFirst || cRow == (ESE_LONG)JET_MoveLast) {
        tb->range = false; /* "that index range will be canceled" (JetMove Function) */
        bool first = cRow == (ESE_LONG)JET_MoveFirst;
        err = first ? db_cursor_first(tb->cursor) : db_cursor_last(tb->cursor);
        return take_position(tb, err, first ? POS_BEFORE_FIRST : POS_AFTER_LAST);
    }
    if (cRow == 0)
        return api_table_load_current(tb);
    bool forward = cRow > 0;
    int64_t n = forward ? (int64_t)cRow : -(int64_t)cRow;
    for (int64_t i = 0; i < n; i++)
        if ((err = step_key(tb, forward, (grbit & JET_bitMoveKeyNE) != 0)) < 0)
            return err;
    return JET_errSuccess;
}

/* ---- keys and seeks ---------------------------------------------------------------------------- */

JET_ERR JET_API JetMakeKey(JET_SESID sesid, JET_TABLEID tableid, const void *pvData,
                           ESE_ULONG cbData, JET_GRBIT grbit)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    /* "JET_errNoCurrentIndex ... if the cursor is on the clustered index of a table, a primary
     * index has not been defined, and JET_bitNormalizedKey was not specified"; the legacy
     * limits do not combine with the new ones (JetMakeKey Function) */
    if (tb->kidx.segment_count == 0 && !(grbit & JET_bitNormalizedKey))
        return JET_errNoCurrentIndex;
    if ((grbit & (JET_bitStrLimit | JET_bitSubStrLimit)) && (grbit & JET_maskLimitOptions) &&
        !(grbit & JET_bitNormalizedKey))
        return JET_errInvalidGrbit;
    if (!pvData && cbData)
        return JET_errInvalidParameter;
    return key_make(&tb->search, &tb->kidx, pvData, cbData, grbit);
}

JET_ERR JET_API JetRetrieveKey(JET_SESID sesid, JET_TABLEID tableid, void *pvKey, ESE_ULONG cbMax,
                               ESE_ULONG *pcbActual, JET_GRBIT grbit)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!pvKey && cbMax)
        return JET_errInvalidParameter;
    const uint8_t *key;
    uint32_t cb;
    if (grbit & JET_bitRetrieveCopy) {
        if (!tb->search.prepared)
            return JET_errKeyNotMade;
        key = tb->search.bytes;
        cb = tb->search.cb;
    } else {
        if (tb->pos != POS_ON && tb->pos != POS_DELETED)
            return JET_errNoCurrentRecord;
        key = tb->cur_key;
        cb = tb->cb_cur_key;
    }
    if (pcbActual)
        *pcbActual = cb;
    if (pvKey)
        memcpy(pvKey, key, cb < cbMax ? cb : cbMax);
    /* The search key's copy never says JET_wrnBufferTruncated: "There is an important bug in
     * this API that is present in all releases" (JetRetrieveKey Function, Remarks). */
    return cb > cbMax && !(grbit & JET_bitRetrieveCopy) ? JET_wrnBufferTruncated : JET_errSuccess;
}

/* The current index is unique (JET_bitCheckUniqueness): the primary index always is. */
static bool index_unique(const api_table *tb)
{
    return (db_cursor_index(tb->cursor)->grbit & JET_bitIndexUnique) != 0;
}

#define SEEK_MODES (JET_bitSeekEQ | JET_bitSeekLT | JET_bitSeekLE | JET_bitSeekGE | JET_bitSeekGT)

JET_ERR JET_API JetSeek(JET_SESID sesid, JET_TABLEID tableid, JET_GRBIT grbit)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    bt_seek_mode mode;
    switch (grbit & SEEK_MODES) {
    case JET_bitSeekEQ: mode = BT_SEEK_EQ; break;
    case JET_bitSeekLT: mode = BT_SEEK_LT; break;
    case JET_bitSeekLE: mode = BT_SEEK_LE; break;
    case JET_bitSeekGE: mode = BT_SEEK_GE; break;
    case JET_bitSeekGT: mode = BT_SEEK_GT; break;
    default: return JET_errInvalidGrbit;
    }
    if (grbit & ~(JET_GRBIT)(SEEK_MODES | JET_bitSetIndexRange | JET_bitCheckUniqueness))
        return JET_errInvalidGrbit;
    /* JET_bitSetIndexRange and JET_bitCheckUniqueness: "This option is ignored unless
     * JET_bitSeekEQ is also specified" (JetSeek Function) */
    if (mode != BT_SEEK_EQ)
        grbit &= ~(JET_GRBIT)(JET_bitSetIndexRange | JET_bitCheckUniqueness);
    if (!tb->search.prepared)
        return JET_errKeyNotMade;
    /* success or not, a prepared update and an index range are canceled */
    if (tb->prep)
        api_table_cancel_update(tb);
    tb->range = false;
    const key_search *ks = &tb->search;
    /* A whole key seeks itself; a shorter one (fewer columns, or a limit) any entry that
     * starts with it: the first such, from a GE seek. */
    bool whole = ks->columns >= tb->kidx.segment_count && !ks->limit;
    if (mode == BT_SEEK_EQ && !whole) {
        err = db_cursor_seek(tb->cursor, ks->bytes, ks->cb, BT_SEEK_GE);
        if (err >= 0) {
            const uint8_t *key;
            uint32_t cb_key;
            err = db_cursor_row(tb->cursor, &key, &cb_key, NULL, NULL);
            if (err >= 0 && (cb_key < ks->cb || memcmp(key, ks->bytes, ks->cb)))
                err = JET_errRecordNotFound;
            else if (err >= 0)
                err = JET_errSuccess;
        }
    } else {
        err = db_cursor_seek(tb->cursor, ks->bytes, ks->cb, mode);
    }
    err = take_position(tb, err, POS_BEFORE_FIRST);
    if (err == JET_errRecordNotFound) {
        /* "positioned where the index entry that matched the search criteria ... would have
         * been": before the entries >= the key, or after those <= it for GT and LE */
        uint32_t cb = ks->cb < sizeof tb->cur_key ? ks->cb : (uint32_t)sizeof tb->cur_key;
        memcpy(tb->cur_key, ks->bytes, cb);
        tb->cb_cur_key = cb;
        tb->gap_after = mode == BT_SEEK_GT || mode == BT_SEEK_LE;
        tb->pos = POS_GAP;
    }
    if (err >= 0 && (grbit & JET_bitSetIndexRange)) {
        /* The range's limit is the key followed by 0xFF (unless a limit grbit already made
         * it one), so that every entry starting with the key is inside. */
        uint32_t cb = ks->cb;
        memcpy(tb->range_key, ks->bytes, cb);
        if (!ks->limit && cb < sizeof tb->range_key)
            tb->range_key[cb++] = 0xFF;
        tb->cb_range_key = cb;
        tb->range = tb->range_upper = tb->range_inclusive = true;
    }
    if (err >= 0 && (grbit & JET_bitCheckUniqueness) && whole && index_unique(tb))
        err = JET_wrnUniqueKey;
    key_search_reset(&tb->search);
    return err;
}

/* ---- index ranges and counts ------------------------------------------------------------------- */

JET_ERR JET_API JetSetIndexRange(JET_SESID sesid, JET_TABLEID tableid, JET_GRBIT grbit)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (grbit & ~(JET_GRBIT)(JET_bitRangeInclusive | JET_bitRangeUpperLimit |
                             JET_bitRangeInstantDuration | JET_bitRangeRemove))
        return JET_errInvalidGrbit;
    if (grbit & JET_bitRangeRemove) { /* "all other options are ignored" */
        if (!tb->range)
            return JET_errInvalidOperation;
        tb->range = false;
        return JET_errSuccess;
    }
    if (tb->kidx.segment_count == 0)
        return JET_errNoCurrentIndex; /* the clustered index of a table without a primary one */
    if (!tb->search.prepared)
        return JET_errKeyNotMade;
    if (tb->pos != POS_ON) {
        key_search_reset(&tb->search);
        return JET_errNoCurrentRecord;
    }
    memcpy(tb->range_key, tb->search.bytes, tb->search.cb);
    tb->cb_range_key = tb->search.cb;
    tb->range_upper = (grbit & JET_bitRangeUpperLimit) != 0;
    tb->range_inclusive = (grbit & JET_bitRangeInclusive) != 0;
    tb->range = !(grbit & JET_bitRangeInstantDuration);
    key_search_reset(&tb->search);
    /* Outside the range: JET_errNoCurrentRecord, and the range is in effect all the same. */
    return in_range(tb) ? JET_errSuccess : JET_errNoCurrentRecord;
}

/* Put the handle's cursor on its current entry (or, if that is gone, the next one) before a
 * walk of the counting calls; they leave tb->synced false behind them. */
static JET_ERR walk_start(api_table *tb)
{
    if (tb->synced)
        return JET_errSuccess;
    JET_ERR err = tb->pos == POS_ON || tb->pos == POS_DELETED
                      ? db_cursor_seek_entry(tb->cursor, tb->cur_key, tb->cb_cur_key, tb->cur_bm,
                                             tb->cb_cur_bm, BT_SEEK_GE)
                      : db_cursor_seek(tb->cursor, tb->cur_key, tb->cb_cur_key, BT_SEEK_GE);
    return err == JET_errRecordNotFound ? JET_errNoCurrentRecord : err;
}

/* Count the entries from the cursor's (inclusive) forward, stopping at the end of the index,
 * at an upper index range's limit or at `most` (0 = no limit). */
static JET_ERR walk_count(api_table *tb, JET_ERR err, uint64_t most, uint64_t *pcount)
{
    uint64_t n = 0;
    while (err >= 0 && (!most || n < most)) {
        if (tb->range && tb->range_upper) {
            const uint8_t *key;
            uint32_t cb_key;
            if ((err = db_cursor_row(tb->cursor, &key, &cb_key, NULL, NULL)) < 0)
                break;
            int cmp = key_compare(key, cb_key, tb->range_key, tb->cb_range_key);
            if (cmp > 0 || (cmp == 0 && !tb->range_inclusive))
                break;
        }
        n++;
        err = db_cursor_next(tb->cursor);
    }
    tb->synced = false;
    *pcount = n;
    return err == JET_errNoCurrentRecord || err >= 0 ? JET_errSuccess : err;
}

JET_ERR JET_API JetIndexRecordCount(JET_SESID sesid, JET_TABLEID tableid, ESE_ULONG *pcrec,
                                    ESE_ULONG crecMax)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!pcrec)
        return JET_errInvalidParameter;
    if (tb->pos != POS_ON) {
        /* "JET_errNoCurrentRecord: The cursor is not currently on a record and the table is
         * not empty"; an empty index counts 0 (JetIndexRecordCount Function) */
        tb->synced = false;
        err = db_cursor_first(tb->cursor);
        if (err != JET_errNoCurrentRecord)
            return err < 0 ? err : JET_errNoCurrentRecord;
        *pcrec = 0;
        return JET_errSuccess;
    }
    uint64_t n;
    if ((err = walk_count(tb, walk_start(tb), crecMax, &n)) < 0)
        return err;
    *pcrec = (ESE_ULONG)n;
    return JET_errSuccess;
}

/* ---- positions --------------------------------------------------------------------------------- */

JET_ERR JET_API JetGetRecordPosition(JET_SESID sesid, JET_TABLEID tableid, JET_RECPOS *precpos,
                                     ESE_ULONG cbRecpos)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!precpos || cbRecpos < sizeof *precpos)
        return JET_errInvalidParameter;
    if (tb->pos != POS_ON)
        return JET_errNoCurrentRecord;
    /* entries before the current one, then from it to the end */
    uint64_t lt = 0, rest = 0;
    for (err = db_cursor_first(tb->cursor); err >= 0; err = db_cursor_next(tb->cursor)) {
        const uint8_t *key;
        uint32_t cb_key;
        if ((err = db_cursor_row(tb->cursor, &key, &cb_key, NULL, NULL)) < 0 ||
            key_compare(key, cb_key, tb->cur_key, tb->cb_cur_key) >= 0)
            break;
        lt++;
    }
    tb->synced = false;
    if (err < 0 && err != JET_errNoCurrentRecord)
        return err;
    bool range = tb->range;
    tb->range = false; /* the whole index, not the range */
    err = walk_count(tb, err, 0, &rest);
    tb->range = range;
    if (err < 0)
        return err;
    uint64_t total = lt + rest;
    if (total > UINT32_MAX)
        total = UINT32_MAX;
    precpos->cbStruct = sizeof *precpos;
    precpos->centriesLT = (uint32_t)(lt < total ? lt : total);
    precpos->centriesInRange = 1;
    precpos->centriesTotal = (uint32_t)total;
    return JET_errSuccess;
}

JET_ERR JET_API JetGotoPosition(JET_SESID sesid, JET_TABLEID tableid, JET_RECPOS *precpos)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    /* "JET_errInvalidParameter: The given precpos->cbStruct is not a valid size of the
     * JET_RECPOS structure or precpos->centriesLT is larger than precpos->centriesTotal"
     * (JetGotoPosition Function); a total of 0 describes no fraction either */
    if (!precpos || precpos->cbStruct != sizeof *precpos || precpos->centriesTotal == 0 ||
        precpos->centriesLT > precpos->centriesTotal)
        return JET_errInvalidParameter;
    if (tb->prep)
        api_table_cancel_update(tb);
    tb->range = false;
    key_search_reset(&tb->search);
    uint64_t total;
    if ((err = walk_count(tb, db_cursor_first(tb->cursor), 0, &total)) < 0)
        return err;
    if (total == 0)
        return JET_errRecordNotFound; /* "if the index is empty"; the position stays */
    /* the same fraction of this index: entry floor(LT * total / Total), the last at most */
    uint64_t target = (uint64_t)precpos->centriesLT * total / precpos->centriesTotal;
    if (target >= total)
        target = total - 1;
    err = db_cursor_first(tb->cursor);
    for (uint64_t i = 0; i < target && err >= 0; i++)
        err = db_cursor_next(tb->cursor);
    return take_position(tb, err, POS_AFTER_LAST);
}

/* ---- bookmarks --------------------------------------------------------------------------------- */

/* The current entry's bookmark: its record's primary key (the DBK without a primary index).
 * On the primary index that is the entry's key; a secondary index's entry carries it. */
static void current_bookmark(const api_table *tb, const uint8_t **pbm, uint32_t *pcb)
{
    *pbm = tb->cur_bm;
    *pcb = tb->cb_cur_bm;
}

/* Put the handle's cursor on the record whose primary key is bm (JET_errRecordNotFound). */
static JET_ERR goto_bookmark(api_table *tb, const uint8_t *bm, uint32_t cb)
{
    JET_ERR err = db_cursor_goto_row(tb->cursor, bm, cb, 0);
    return err == JET_errNoCurrentRecord ? JET_errRecordNotFound : err;
}

JET_ERR JET_API JetGetBookmark(JET_SESID sesid, JET_TABLEID tableid, void *pvBookmark,
                               ESE_ULONG cbMax, ESE_ULONG *pcbActual)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!pvBookmark && cbMax)
        return JET_errInvalidParameter;
    if (tb->pos != POS_ON && tb->pos != POS_DELETED)
        return JET_errNoCurrentRecord;
    const uint8_t *bm;
    uint32_t cb;
    current_bookmark(tb, &bm, &cb);
    if (pcbActual)
        *pcbActual = cb;
    if (pvBookmark)
        memcpy(pvBookmark, bm, cb < cbMax ? cb : cbMax);
    return cb > cbMax ? JET_errBufferTooSmall : JET_errSuccess;
}

JET_ERR JET_API JetGotoBookmark(JET_SESID sesid, JET_TABLEID tableid, void *pvBookmark,
                                ESE_ULONG cbBookmark)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    /* success or failure, the update, the range and the search key go (JetGotoBookmark) */
    if (tb->prep)
        api_table_cancel_update(tb);
    tb->range = false;
    key_search_reset(&tb->search);
    if (!pvBookmark || cbBookmark == 0 || cbBookmark > DB_KEY_MOST)
        return JET_errInvalidBookmark;
    err = goto_bookmark(tb, pvBookmark, (uint32_t)cbBookmark);
    if (err == JET_errRecordNotFound) {
        tb->synced = false; /* the position stays where it was */
        return JET_errRecordDeleted;
    }
    return take_position(tb, err, tb->pos);
}

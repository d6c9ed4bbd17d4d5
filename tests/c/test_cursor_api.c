/*
 * test_cursor_api.c -- the cursor calls of the Jet API (src/libese/api_cursor.c,
 * docs/contract/cursors.md): JetMakeKey with every grbit, JetRetrieveKey, JetSeek with every
 * grbit, JetMove by n rows and JET_bitMoveKeyNE, JetSetIndexRange, JetIndexRecordCount,
 * JetGetBookmark / JetGotoBookmark, JetGetRecordPosition / JetGotoPosition, a cursor whose
 * row is deleted or updated through another cursor or session (in and out of transactions,
 * after a rollback), a randomized cross-check of seeks, moves, ranges and counts against a
 * sorted array (the seed is printed; CURSOR_SEED=n repeats a run), and an allocation fault
 * walk over the calls.
 *
 * Each test names the ESENT reference page it follows (learn.microsoft.com, "Extensible
 * Storage Engine" > "<name> Function").  All run on primary indexes: a Long key, a two-column
 * key (Long ascending, Text descending), a Text key, and a table without a primary index.
 *
 * Built and run by ci/sanitize: this file plus every .c file of src/libese and src/eseformat.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "esent.h"
#include "fault.h"
#include "support.h"

static char g_root[256];
static int g_case;

typedef struct {
    char folder[300];
    char db_path[340];
    JET_INSTANCE inst;
    JET_SESID ses;
    JET_DBID dbid;
} env;

static JET_ERR env_open(env *e, const char *tag)
{
    char name[64];
    support_fresh_dir(e->folder, sizeof e->folder, g_root, tag);
    snprintf(e->db_path, sizeof e->db_path, "%s/t.edb", e->folder);
    snprintf(name, sizeof name, "cursor-test-%d-%d", (int)getpid(), g_case++);
    e->inst = 0;
    JET_ERR err = support_start_instance(&e->inst, &e->ses, name, e->folder, e->folder, 1024,
                                         true);
    if (err == JET_errSuccess)
        err = JetCreateDatabase2W(e->ses, W(e->db_path), 0, &e->dbid, 0);
    return err;
}

static void env_close(env *e)
{
    if (e->inst)
        JetTerm2(e->inst, JET_bitTermAbrupt);
    e->inst = 0;
}

/* Create table `name` (support_create_table_keyed) with the primary index on `key`
 * ("+a\0-b\0", keycb bytes with the NULs; NULL: no primary index). */
static JET_ERR create_table(env *e, const char *name, int n, const char *const names[],
                            const JET_COLTYP types[], const char *key, size_t keycb,
                            JET_TABLEID *ptable, JET_COLUMNID ids[])
{
    WCHAR wkey[64];
    for (size_t i = 0; key && i < keycb; i++)
        wkey[i] = (WCHAR)(unsigned char)key[i];
    return support_create_table_keyed(e->ses, e->dbid, name, n, names, types, 0,
                                      key ? wkey : NULL, keycb, ptable, ids);
}

/* A table of one Long column: "empty" with the primary index "+k", "heap" without one. */
static JET_ERR create_long_table(env *e, const char *name, const char *key, size_t keycb,
                                 JET_TABLEID *ptable, JET_COLUMNID *pcol)
{
    static const char *const names[] = {"k"};
    static const JET_COLTYP types[] = {JET_coltypLong};
    return create_table(e, name, 1, names, types, key, keycb, ptable, pcol);
}

/* ---- the Long-key table: ids 10, 20, ..., 100 with val = id * 3 ------------------------------ */

typedef struct {
    env e;
    JET_TABLEID t;
    JET_COLUMNID id, val;
} longtab;

static JET_ERR insert_long(JET_SESID ses, JET_TABLEID t, JET_COLUMNID cid, JET_COLUMNID cval,
                           int32_t id)
{
    int32_t v = id * 3;
    return support_insert_row(ses, t, cid, id, cval, &v, sizeof v);
}

static JET_ERR longtab_open(longtab *lt, const char *tag, int rows)
{
    static const char *const names[] = {"id", "val"};
    static const JET_COLTYP types[] = {JET_coltypLong, JET_coltypLong};
    JET_COLUMNID ids[2] = {0, 0};
    JET_ERR err = env_open(&lt->e, tag);
    if (err == JET_errSuccess)
        err = create_table(&lt->e, "t", 2, names, types, "+id\0", 5, &lt->t, ids);
    lt->id = ids[0];
    lt->val = ids[1];
    for (int i = 1; err == JET_errSuccess && i <= rows; i++)
        err = insert_long(lt->e.ses, lt->t, lt->id, lt->val, i * 10);
    return err;
}

/* The id of the current row, or the error JetRetrieveColumn gives (negative). */
static long cur_id(JET_SESID ses, JET_TABLEID t, JET_COLUMNID cid)
{
    int32_t v = 0;
    ESE_ULONG cb = 0;
    JET_ERR err = JetRetrieveColumn(ses, t, cid, &v, sizeof v, &cb, 0, NULL);
    return err < 0 ? (long)err : (long)v;
}

static JET_ERR seek_long(JET_SESID ses, JET_TABLEID t, int32_t id, JET_GRBIT grbit)
{
    JET_ERR err = JetMakeKey(ses, t, &id, sizeof id, JET_bitNewKey);
    return err < 0 ? err : JetSeek(ses, t, grbit);
}

static JET_ERR make_long(JET_SESID ses, JET_TABLEID t, int32_t id, JET_GRBIT grbit)
{
    return JetMakeKey(ses, t, &id, sizeof id, JET_bitNewKey | grbit);
}

/* ---- JetMove ("JetMove Function") ----------------------------------------------------------- */

static void test_move(void)
{
    longtab lt;
    CHECK_ERR(longtab_open(&lt, "move", 10), JET_errSuccess);
    JET_SESID s = lt.e.ses;
    JET_TABLEID t = lt.t;
    /* a fresh cursor is before the first entry: MovePrevious fails, MoveNext is the first */
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 10);
    CHECK_ERR(JetMove(s, t, 3, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 40);
    CHECK_ERR(JetMove(s, t, -2, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 20);
    /* JetMove(0) tests the current entry */
    CHECK_ERR(JetMove(s, t, 0, 0), JET_errSuccess);
    /* past the start: JET_errNoCurrentRecord, then before the first entry */
    CHECK_ERR(JetMove(s, t, -5, 0), JET_errNoCurrentRecord);
    CHECK(cur_id(s, t, lt.id) == JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, 0, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 10);
    /* past the end: after the last entry; MovePrevious returns to it */
    CHECK_ERR(JetMove(s, t, 100, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 100);
    CHECK_ERR(JetMove(s, t, JET_MoveFirst, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 10);
    CHECK_ERR(JetMove(s, t, JET_MoveLast, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 100);
    /* JET_bitMoveKeyNE: every key of a primary index is distinct, so it is a plain move */
    CHECK_ERR(JetMove(s, t, -2, JET_bitMoveKeyNE), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 80);
    CHECK_ERR(JetMove(s, t, 1, 0x100), JET_errInvalidGrbit);
    /* Before First is kept even when an entry is inserted before the first one (Remarks) */
    CHECK_ERR(JetMove(s, t, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errNoCurrentRecord);
    CHECK_ERR(insert_long(s, t, lt.id, lt.val, 5), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 5);
    /* "If a record has been prepared for update, that update will be canceled" (JetMove,
     * JetSeek): on success and on failure */
    CHECK_ERR(JetPrepareUpdate(s, t, JET_prepReplace), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK_ERR(JetUpdate(s, t, NULL, 0, NULL), JET_errUpdateNotPrepared);
    CHECK_ERR(JetPrepareUpdate(s, t, JET_prepInsert), JET_errSuccess);
    CHECK_ERR(seek_long(s, t, 12345, JET_bitSeekEQ), JET_errRecordNotFound);
    CHECK_ERR(JetPrepareUpdate(s, t, JET_prepCancel), JET_errUpdateNotPrepared);
    CHECK_ERR(JetPrepareUpdate(s, t, JET_prepInsert), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveLast, 0), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetPrepareUpdate(s, t, JET_prepCancel), JET_errUpdateNotPrepared);
    /* an empty table */
    JET_TABLEID t2;
    JET_COLUMNID k;
    CHECK_ERR(create_long_table(&lt.e, "empty", "+k\0", 4, &t2, &k), JET_errSuccess);
    CHECK_ERR(JetMove(s, t2, JET_MoveFirst, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t2, JET_MoveLast, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t2, JET_MoveNext, 0), JET_errNoCurrentRecord);
    /* "JetIndexRecordCount Function": an empty index counts 0 */
    ESE_ULONG n = 7;
    CHECK_ERR(JetIndexRecordCount(s, t2, &n, 0), JET_errSuccess);
    CHECK(n == 0);
    env_close(&lt.e);
}

/* ---- JetMakeKey / JetRetrieveKey / JetSeek on a Long key ------------------------------------ */

static void test_seek_long(void)
{
    longtab lt;
    CHECK_ERR(longtab_open(&lt, "seek", 10), JET_errSuccess);
    JET_SESID s = lt.e.ses;
    JET_TABLEID t = lt.t;
    int32_t v = 50;
    /* "JetSeek Function": JET_errKeyNotMade without a search key */
    CHECK_ERR(JetSeek(s, t, JET_bitSeekEQ), JET_errKeyNotMade);
    /* "JetMakeKey Function": a key must be started with JET_bitNewKey; one column only */
    CHECK_ERR(JetMakeKey(s, t, &v, sizeof v, 0), JET_errKeyNotMade);
    CHECK_ERR(JetMakeKey(s, t, &v, sizeof v, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetMakeKey(s, t, &v, sizeof v, 0), JET_errKeyIsMade);
    CHECK_ERR(JetMakeKey(s, t, &v, 2, JET_bitNewKey), JET_errInvalidBufferSize);
    CHECK_ERR(JetMakeKey(s, t, NULL, 4, JET_bitNewKey), JET_errInvalidParameter);
    CHECK_ERR(JetMakeKey(s, t, &v, sizeof v,
                         JET_bitNewKey | JET_bitFullColumnStartLimit | JET_bitFullColumnEndLimit),
              JET_errInvalidGrbit);
    /* the legacy limits do not combine with the new ones */
    CHECK_ERR(JetMakeKey(s, t, &v, sizeof v,
                         JET_bitNewKey | JET_bitStrLimit | JET_bitFullColumnEndLimit),
              JET_errInvalidGrbit);
    CHECK_ERR(JetMakeKey(s, t, &v, sizeof v,
                         JET_bitNewKey | JET_bitSubStrLimit | JET_bitFullColumnStartLimit),
              JET_errInvalidGrbit);
    /* a partial limit only on Text / variable Binary */
    CHECK_ERR(JetMakeKey(s, t, &v, sizeof v, JET_bitNewKey | JET_bitPartialColumnStartLimit),
              JET_errInvalidGrbit);

    /* "JetSeek Function": EQ / GE / GT / LE / LT */
    CHECK_ERR(seek_long(s, t, 50, JET_bitSeekEQ), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 50);
    /* the seek consumed the search key */
    CHECK_ERR(JetSeek(s, t, JET_bitSeekEQ), JET_errKeyNotMade);
    CHECK_ERR(seek_long(s, t, 55, JET_bitSeekEQ), JET_errRecordNotFound);
    CHECK(cur_id(s, t, lt.id) == JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, 0, 0), JET_errNoCurrentRecord);
    /* "positioned where the index entry ... would have been": between 50 and 60 */
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 60);
    CHECK_ERR(seek_long(s, t, 55, JET_bitSeekEQ), JET_errRecordNotFound);
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 50);
    CHECK_ERR(seek_long(s, t, 55, JET_bitSeekGE), JET_wrnSeekNotEqual);
    CHECK(cur_id(s, t, lt.id) == 60);
    CHECK_ERR(seek_long(s, t, 50, JET_bitSeekGE), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 50);
    CHECK_ERR(seek_long(s, t, 50, JET_bitSeekGT), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 60);
    CHECK_ERR(seek_long(s, t, 55, JET_bitSeekLE), JET_wrnSeekNotEqual);
    CHECK(cur_id(s, t, lt.id) == 50);
    CHECK_ERR(seek_long(s, t, 50, JET_bitSeekLE), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 50);
    CHECK_ERR(seek_long(s, t, 50, JET_bitSeekLT), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 40);
    CHECK_ERR(seek_long(s, t, 10, JET_bitSeekLT), JET_errRecordNotFound);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess); /* before 10 */
    CHECK(cur_id(s, t, lt.id) == 10);
    CHECK_ERR(seek_long(s, t, 100, JET_bitSeekGT), JET_errRecordNotFound);
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errSuccess); /* after 100 */
    CHECK(cur_id(s, t, lt.id) == 100);
    CHECK_ERR(seek_long(s, t, 5, JET_bitSeekLE), JET_errRecordNotFound);
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errNoCurrentRecord);
    CHECK_ERR(seek_long(s, t, 5, JET_bitSeekLE), JET_errRecordNotFound);
    CHECK_ERR(JetMove(s, t, 2, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 20);
    CHECK_ERR(seek_long(s, t, -7, JET_bitSeekGE), JET_wrnSeekNotEqual); /* negative sorts first */
    CHECK(cur_id(s, t, lt.id) == 10);
    /* past the end: MoveNext fails, MovePrevious is the last entry */
    CHECK_ERR(seek_long(s, t, 1000, JET_bitSeekGE), JET_errRecordNotFound);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 100);
    /* grbits: exactly one seek mode; SetIndexRange / CheckUniqueness "ignored unless
     * JET_bitSeekEQ is also specified" */
    CHECK_ERR(make_long(s, t, 50, 0), JET_errSuccess);
    CHECK_ERR(JetSeek(s, t, 0), JET_errInvalidGrbit);
    CHECK_ERR(JetSeek(s, t, JET_bitSeekEQ | JET_bitSeekGE), JET_errInvalidGrbit);
    CHECK_ERR(JetSeek(s, t, JET_bitSeekEQ | 0x10000), JET_errInvalidGrbit);
    CHECK_ERR(JetSeek(s, t, JET_bitSeekGE | JET_bitSetIndexRange | JET_bitCheckUniqueness),
              JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess); /* no range */
    CHECK(cur_id(s, t, lt.id) == 60);
    CHECK_ERR(make_long(s, t, 50, 0), JET_errSuccess);
    /* JET_bitCheckUniqueness: JET_wrnUniqueKey (a whole key on a unique index) */
    CHECK_ERR(JetSeek(s, t, JET_bitSeekEQ | JET_bitCheckUniqueness), JET_wrnUniqueKey);
    CHECK(cur_id(s, t, lt.id) == 50);
    /* JET_bitSeekEQ | JET_bitSetIndexRange: the range holds the one entry */
    CHECK_ERR(seek_long(s, t, 30, JET_bitSeekEQ | JET_bitSetIndexRange), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 30);

    /* "JetRetrieveKey Function": the current entry's key; the search key with RetrieveCopy */
    uint8_t key[300], key2[300];
    ESE_ULONG cb = 0, cb2 = 0;
    CHECK_ERR(JetRetrieveKey(s, t, key, sizeof key, &cb, 0), JET_errSuccess);
    CHECK(cb == 5 && key[0] == 0x7F && key[1] == 0x80 && key[4] == 30); /* sign bit flipped */
    CHECK_ERR(JetRetrieveKey(s, t, key2, 3, &cb2, 0), JET_wrnBufferTruncated);
    CHECK(cb2 == 5 && memcmp(key, key2, 3) == 0);
    CHECK_ERR(JetRetrieveKey(s, t, NULL, 4, &cb2, 0), JET_errInvalidParameter);
    CHECK_ERR(JetRetrieveKey(s, t, key2, sizeof key2, &cb2, JET_bitRetrieveCopy), JET_errKeyNotMade);
    CHECK_ERR(make_long(s, t, 70, 0), JET_errSuccess);
    CHECK_ERR(JetRetrieveKey(s, t, key2, sizeof key2, &cb2, JET_bitRetrieveCopy), JET_errSuccess);
    CHECK(cb2 == 5 && key2[4] == 70);
    /* the documented bug: the search key's copy never says JET_wrnBufferTruncated */
    CHECK_ERR(JetRetrieveKey(s, t, key2, 2, &cb2, JET_bitRetrieveCopy), JET_errSuccess);
    CHECK(cb2 == 5);
    /* JetMove keeps the search key ("deleted by ... any navigational API other than JetMove") */
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK_ERR(JetRetrieveKey(s, t, key2, sizeof key2, &cb2, JET_bitRetrieveCopy), JET_errSuccess);
    /* JET_bitNormalizedKey: a retrieved key seeks its entry again */
    CHECK_ERR(JetMakeKey(s, t, key, cb, JET_bitNewKey | JET_bitNormalizedKey), JET_errSuccess);
    CHECK_ERR(JetSeek(s, t, JET_bitSeekEQ), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 30);
    /* off a record */
    CHECK_ERR(JetMove(s, t, JET_MoveLast, 0), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetRetrieveKey(s, t, key, sizeof key, &cb, 0), JET_errNoCurrentRecord);
    /* FullColumnStartLimit / EndLimit on the last column: GE finds it, LE finds it */
    CHECK_ERR(make_long(s, t, 40, JET_bitFullColumnEndLimit), JET_errSuccess);
    CHECK_ERR(JetSeek(s, t, JET_bitSeekLE), JET_wrnSeekNotEqual);
    CHECK(cur_id(s, t, lt.id) == 40);
    CHECK_ERR(make_long(s, t, 40, JET_bitFullColumnStartLimit), JET_errSuccess);
    CHECK_ERR(JetSeek(s, t, JET_bitSeekGE), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 40);
    CHECK_ERR(make_long(s, t, 40, JET_bitFullColumnEndLimit), JET_errSuccess);
    CHECK_ERR(JetSeek(s, t, JET_bitSeekGT), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 50);
    /* a limit completes the key */
    CHECK_ERR(make_long(s, t, 40, JET_bitFullColumnEndLimit), JET_errSuccess);
    CHECK_ERR(JetMakeKey(s, t, &v, sizeof v, 0), JET_errKeyIsMade);
    CHECK_ERR(JetRetrieveKey(s, t, key2, sizeof key2, &cb2, JET_bitRetrieveCopy), JET_errSuccess);
    CHECK(cb2 == 256 && key2[255] == 0xFF); /* padded with 0xFF to key_most + 1 */
    env_close(&lt.e);
}

/* The hot paths allocate nothing once warm: MakeKey + Seek (every mode), JetMove,
 * JetRetrieveKey, ranges (the benchmark's 100,000 point seeks and scans rely on it). */
static void test_no_allocation(void)
{
    longtab lt;
    CHECK_ERR(longtab_open(&lt, "noalloc", 200), JET_errSuccess);
    JET_SESID s = lt.e.ses;
    JET_TABLEID t = lt.t;
    CHECK_ERR(JetMove(s, t, JET_MoveFirst, 0), JET_errSuccess); /* buffers grow once */
    CHECK_ERR(seek_long(s, t, 100, JET_bitSeekGE), JET_errSuccess);
    fault_reset();
    int ok = 0;
    for (int32_t i = 0; i < 1000; i++) {
        uint8_t key[16];
        ESE_ULONG cb;
        ok += seek_long(s, t, (i % 200 + 1) * 10, JET_bitSeekEQ) == JET_errSuccess;
        ok += JetMove(s, t, i % 2 ? JET_MoveNext : JET_MovePrevious, 0) >= JET_errNoCurrentRecord;
        ok += seek_long(s, t, i * 7, JET_bitSeekGE) >= JET_errRecordNotFound;
        ok += JetRetrieveKey(s, t, key, sizeof key, &cb, 0) >= JET_errNoCurrentRecord;
        ok += make_long(s, t, i * 7 + 50, 0) == JET_errSuccess;
        ok += JetSetIndexRange(s, t, JET_bitRangeUpperLimit) >= JET_errNoCurrentRecord;
        ok += JetMove(s, t, 3, 0) >= JET_errNoCurrentRecord;
    }
    CHECK(ok == 7000);
    CHECK(fault_count(FAULT_ALLOC) == 0);
    fault_reset();
    env_close(&lt.e);
}

/* ---- two-column key (Long +a, Text -b) and a Text key: prefixes, limits, descending ------- */

typedef struct {
    env e;
    JET_TABLEID t2, tx;
    JET_COLUMNID a, b, name;
} texttab;

static JET_ERR put_ab(texttab *tt, int32_t a, const char *b)
{
    JET_SESID s = tt->e.ses;
    JET_ERR err = JetPrepareUpdate(s, tt->t2, JET_prepInsert);
    if (err == JET_errSuccess)
        err = JetSetColumn(s, tt->t2, tt->a, &a, sizeof a, 0, NULL);
    if (err == JET_errSuccess)
        err = JetSetColumn(s, tt->t2, tt->b, b, (ESE_ULONG)strlen(b),
                           *b ? 0 : JET_bitSetZeroLength, NULL);
    if (err == JET_errSuccess)
        err = JetUpdate(s, tt->t2, NULL, 0, NULL);
    return err;
}

static JET_ERR put_name(texttab *tt, const char *name)
{
    JET_SESID s = tt->e.ses;
    JET_ERR err = JetPrepareUpdate(s, tt->tx, JET_prepInsert);
    if (err == JET_errSuccess)
        err = JetSetColumn(s, tt->tx, tt->name, name, (ESE_ULONG)strlen(name),
                           *name ? 0 : JET_bitSetZeroLength, NULL);
    if (err == JET_errSuccess)
        err = JetUpdate(s, tt->tx, NULL, 0, NULL);
    return err;
}

/* "a:b" of the current row of t2, or "name" of tx, into out ("!" + error off a row). */
static const char *cur_ab(texttab *tt, char *out, size_t cap)
{
    int32_t a = 0;
    char b[64];
    ESE_ULONG cb = 0;
    JET_ERR err = JetRetrieveColumn(tt->e.ses, tt->t2, tt->a, &a, sizeof a, NULL, 0, NULL);
    if (err < 0) {
        snprintf(out, cap, "!%ld", (long)err);
        return out;
    }
    JetRetrieveColumn(tt->e.ses, tt->t2, tt->b, b, sizeof b - 1, &cb, 0, NULL);
    b[cb < sizeof b ? cb : sizeof b - 1] = 0;
    snprintf(out, cap, "%d:%s", (int)a, b);
    return out;
}

static const char *cur_name(texttab *tt, char *out, size_t cap)
{
    ESE_ULONG cb = 0;
    JET_ERR err = JetRetrieveColumn(tt->e.ses, tt->tx, tt->name, out, (ESE_ULONG)cap - 1, &cb, 0,
                                    NULL);
    if (err < 0)
        snprintf(out, cap, "!%ld", (long)err);
    else
        out[cb < cap ? cb : cap - 1] = 0;
    return out;
}

static void test_seek_text(void)
{
    texttab tt;
    char buf[80];
    CHECK_ERR(env_open(&tt.e, "text"), JET_errSuccess);
    JET_SESID s = tt.e.ses;
    static const char *const n2[] = {"a", "b"};
    static const JET_COLTYP t2types[] = {JET_coltypLong, JET_coltypText};
    JET_COLUMNID ids[2];
    CHECK_ERR(create_table(&tt.e, "t2", 2, n2, t2types, "+a\0-b\0", 7, &tt.t2, ids), JET_errSuccess);
    tt.a = ids[0];
    tt.b = ids[1];
    static const char *const nx[] = {"name"};
    static const JET_COLTYP txtypes[] = {JET_coltypText};
    CHECK_ERR(create_table(&tt.e, "tx", 1, nx, txtypes, "+name\0", 7, &tt.tx, ids), JET_errSuccess);
    tt.name = ids[0];
    static const char *const bs[] = {"x", "y", "z"};
    for (int a = 1; a <= 3; a++)
        for (int i = 0; i < 3; i++)
            CHECK_ERR(put_ab(&tt, a, bs[i]), JET_errSuccess);
    static const char *const names[] = {"apple", "apricot", "banana", "blueberry", "cherry", ""};
    for (int i = 0; i < 6; i++)
        CHECK_ERR(put_name(&tt, names[i]), JET_errSuccess);

    /* descending b: within a = 2 the order is z, y, x */
    int32_t a = 2;
    CHECK_ERR(JetMove(s, tt.t2, JET_MoveFirst, 0), JET_errSuccess);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "1:z") == 0);
    /* "JetSeek Function" SeekEQ with a key of the first column only: the first entry that
     * starts with it; with JET_bitSetIndexRange the range holds every such entry */
    CHECK_ERR(JetMakeKey(s, tt.t2, &a, sizeof a, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetSeek(s, tt.t2, JET_bitSeekEQ | JET_bitSetIndexRange), JET_errSuccess);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "2:z") == 0);
    CHECK_ERR(JetMove(s, tt.t2, JET_MoveNext, 0), JET_errSuccess);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "2:y") == 0);
    CHECK_ERR(JetMove(s, tt.t2, JET_MoveNext, 0), JET_errSuccess);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "2:x") == 0);
    /* past the range: JET_errNoCurrentRecord on the entry beyond (no current record there),
     * the range is gone, and moves go on from that place */
    CHECK_ERR(JetMove(s, tt.t2, JET_MoveNext, 0), JET_errNoCurrentRecord);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "!-1603") == 0);
    CHECK_ERR(JetMove(s, tt.t2, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "2:x") == 0);
    CHECK_ERR(JetMove(s, tt.t2, 2, 0), JET_errSuccess);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "3:y") == 0);
    /* both columns: b is descending, so LE / GE work on the complemented bytes */
    CHECK_ERR(JetMakeKey(s, tt.t2, &a, sizeof a, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetMakeKey(s, tt.t2, "y", 1, 0), JET_errSuccess);
    CHECK_ERR(JetSeek(s, tt.t2, JET_bitSeekEQ | JET_bitCheckUniqueness), JET_wrnUniqueKey);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "2:y") == 0);
    CHECK_ERR(JetMakeKey(s, tt.t2, &a, sizeof a, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetMakeKey(s, tt.t2, "xa", 2, 0), JET_errSuccess); /* between y and x descending */
    CHECK_ERR(JetSeek(s, tt.t2, JET_bitSeekGE), JET_wrnSeekNotEqual);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "2:x") == 0);
    CHECK_ERR(JetMakeKey(s, tt.t2, &a, sizeof a, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetMakeKey(s, tt.t2, "xa", 2, 0), JET_errSuccess);
    CHECK_ERR(JetSeek(s, tt.t2, JET_bitSeekLE), JET_wrnSeekNotEqual);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "2:y") == 0);
    /* "JetMakeKey Function": FullColumnStartLimit / FullColumnEndLimit on the first column */
    CHECK_ERR(JetMakeKey(s, tt.t2, &a, sizeof a, JET_bitNewKey | JET_bitFullColumnStartLimit),
              JET_errSuccess);
    CHECK_ERR(JetMakeKey(s, tt.t2, "x", 1, 0), JET_errKeyIsMade);
    CHECK_ERR(JetSeek(s, tt.t2, JET_bitSeekGE), JET_wrnSeekNotEqual);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "2:z") == 0);
    CHECK_ERR(JetMakeKey(s, tt.t2, &a, sizeof a, JET_bitNewKey | JET_bitFullColumnEndLimit),
              JET_errSuccess);
    CHECK_ERR(JetSeek(s, tt.t2, JET_bitSeekLE), JET_wrnSeekNotEqual);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "2:x") == 0);
    /* SeekEQ with an end limit matches nothing (the 0xFF padding is in no key) */
    CHECK_ERR(JetMakeKey(s, tt.t2, &a, sizeof a, JET_bitNewKey | JET_bitFullColumnEndLimit),
              JET_errSuccess);
    CHECK_ERR(JetSeek(s, tt.t2, JET_bitSeekEQ), JET_errRecordNotFound);
    /* a prefix of the second column: ESE's JetMakeKey partial limits (descending) */
    CHECK_ERR(JetMakeKey(s, tt.t2, &a, sizeof a, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetMakeKey(s, tt.t2, "y", 1, JET_bitPartialColumnStartLimit), JET_errSuccess);
    CHECK_ERR(JetSeek(s, tt.t2, JET_bitSeekGE), JET_wrnSeekNotEqual);
    CHECK(strcmp(cur_ab(&tt, buf, sizeof buf), "2:y") == 0);

    /* the Text key: "" sorts first (zero-length), then APPLE, APRICOT, ... (upper-cased) */
    JET_TABLEID tx = tt.tx;
    CHECK_ERR(JetMove(s, tx, JET_MoveFirst, 0), JET_errSuccess);
    CHECK(strcmp(cur_name(&tt, buf, sizeof buf), "") == 0);
    CHECK_ERR(JetMove(s, tx, JET_MoveNext, 0), JET_errSuccess);
    CHECK(strcmp(cur_name(&tt, buf, sizeof buf), "apple") == 0);
    /* JET_bitKeyDataZeroLength: cb 0 is the zero-length value, not NULL */
    CHECK_ERR(JetMakeKey(s, tx, NULL, 0, JET_bitNewKey | JET_bitKeyDataZeroLength), JET_errSuccess);
    CHECK_ERR(JetSeek(s, tx, JET_bitSeekEQ), JET_errSuccess);
    CHECK(strcmp(cur_name(&tt, buf, sizeof buf), "") == 0);
    CHECK_ERR(JetMakeKey(s, tx, NULL, 0, JET_bitNewKey), JET_errSuccess); /* NULL */
    CHECK_ERR(JetSeek(s, tx, JET_bitSeekEQ), JET_errRecordNotFound);
    /* case-insensitive keys */
    CHECK_ERR(JetMakeKey(s, tx, "BANANA", 6, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetSeek(s, tx, JET_bitSeekEQ), JET_errSuccess);
    CHECK(strcmp(cur_name(&tt, buf, sizeof buf), "banana") == 0);
    /* prefix "ap": PartialColumnStartLimit + GE, then PartialColumnEndLimit as an inclusive
     * upper range ("JetSetIndexRange Function") */
    CHECK_ERR(JetMakeKey(s, tx, "ap", 2, JET_bitNewKey | JET_bitPartialColumnStartLimit),
              JET_errSuccess);
    CHECK_ERR(JetSeek(s, tx, JET_bitSeekGE), JET_wrnSeekNotEqual);
    CHECK(strcmp(cur_name(&tt, buf, sizeof buf), "apple") == 0);
    CHECK_ERR(JetMakeKey(s, tx, "ap", 2, JET_bitNewKey | JET_bitPartialColumnEndLimit),
              JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, tx, JET_bitRangeUpperLimit | JET_bitRangeInclusive),
              JET_errSuccess);
    ESE_ULONG n = 0;
    CHECK_ERR(JetIndexRecordCount(s, tx, &n, 0), JET_errSuccess);
    CHECK(n == 2);
    CHECK_ERR(JetMove(s, tx, JET_MoveNext, 0), JET_errSuccess);
    CHECK(strcmp(cur_name(&tt, buf, sizeof buf), "apricot") == 0);
    CHECK_ERR(JetMove(s, tx, JET_MoveNext, 0), JET_errNoCurrentRecord);
    /* SeekEQ with a prefix key (PartialColumnStartLimit): the first entry starting with it */
    CHECK_ERR(JetMakeKey(s, tx, "bl", 2, JET_bitNewKey | JET_bitPartialColumnStartLimit),
              JET_errSuccess);
    CHECK_ERR(JetSeek(s, tx, JET_bitSeekEQ), JET_errSuccess);
    CHECK(strcmp(cur_name(&tt, buf, sizeof buf), "blueberry") == 0);
    /* JET_bitSubStrLimit (legacy) is PartialColumnEndLimit on Text */
    CHECK_ERR(JetMakeKey(s, tx, "b", 1, JET_bitNewKey | JET_bitSubStrLimit), JET_errSuccess);
    CHECK_ERR(JetSeek(s, tx, JET_bitSeekLE), JET_wrnSeekNotEqual);
    CHECK(strcmp(cur_name(&tt, buf, sizeof buf), "blueberry") == 0);
    /* JET_bitStrLimit (legacy) on Text: every entry of the whole value, "banana" included */
    CHECK_ERR(JetMakeKey(s, tx, "banana", 6, JET_bitNewKey | JET_bitStrLimit), JET_errSuccess);
    CHECK_ERR(JetSeek(s, tx, JET_bitSeekLT), JET_errSuccess);
    CHECK(strcmp(cur_name(&tt, buf, sizeof buf), "banana") == 0);
    env_close(&tt.e);
}

/* ---- JetSetIndexRange / JetIndexRecordCount ("JetSetIndexRange Function",
 *      "JetIndexRecordCount Function") ----------------------------------------------------- */

static void test_ranges(void)
{
    longtab lt;
    CHECK_ERR(longtab_open(&lt, "range", 10), JET_errSuccess);
    JET_SESID s = lt.e.ses;
    JET_TABLEID t = lt.t;
    ESE_ULONG n = 0;
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeRemove), JET_errInvalidOperation);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit), JET_errKeyNotMade);
    CHECK_ERR(JetSetIndexRange(s, t, 0x100), JET_errInvalidGrbit);
    /* not on a record */
    CHECK_ERR(make_long(s, t, 60, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit), JET_errNoCurrentRecord);
    /* an inclusive upper limit at 60 from 30 */
    CHECK_ERR(seek_long(s, t, 30, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(make_long(s, t, 60, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInclusive), JET_errSuccess);
    ESE_ULONG cb;
    uint8_t key[8];
    /* the search key is deleted */
    CHECK_ERR(JetRetrieveKey(s, t, key, sizeof key, &cb, JET_bitRetrieveCopy), JET_errKeyNotMade);
    CHECK_ERR(JetIndexRecordCount(s, t, &n, 0), JET_errSuccess);
    CHECK(n == 4);
    CHECK_ERR(JetIndexRecordCount(s, t, &n, 2), JET_errSuccess); /* crecMax */
    CHECK(n == 2);
    CHECK(cur_id(s, t, lt.id) == 30); /* counting does not move the cursor */
    CHECK_ERR(JetMove(s, t, 3, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 60);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errNoCurrentRecord);
    CHECK(cur_id(s, t, lt.id) == JET_errNoCurrentRecord);
    /* the range went with the failed move: on from 70 */
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 80);
    /* exclusive */
    CHECK_ERR(seek_long(s, t, 30, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(make_long(s, t, 60, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit), JET_errSuccess);
    CHECK_ERR(JetIndexRecordCount(s, t, &n, 0), JET_errSuccess);
    CHECK(n == 3);
    CHECK_ERR(JetMove(s, t, 3, 0), JET_errNoCurrentRecord); /* 40, 50, then 60 is outside */
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 50);
    /* a lower limit works backward only ("Index ranges only work in one direction") */
    CHECK_ERR(seek_long(s, t, 80, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(make_long(s, t, 50, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeInclusive), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess); /* forward is free */
    CHECK(cur_id(s, t, lt.id) == 90);
    CHECK_ERR(JetMove(s, t, -4, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 50);
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 50);
    /* the current entry outside: JET_errNoCurrentRecord and the range is in effect */
    CHECK_ERR(seek_long(s, t, 30, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(make_long(s, t, 20, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInclusive),
              JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errNoCurrentRecord);
    /* JET_bitRangeInstantDuration: the answer, but no range */
    CHECK_ERR(seek_long(s, t, 30, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(make_long(s, t, 20, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInstantDuration),
              JET_errNoCurrentRecord);
    CHECK_ERR(make_long(s, t, 40, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInstantDuration),
              JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeRemove), JET_errInvalidOperation);
    CHECK_ERR(JetMove(s, t, 5, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 80);
    /* JET_bitRangeRemove, MoveFirst / MoveLast and seeks cancel a range */
    CHECK_ERR(seek_long(s, t, 30, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(make_long(s, t, 30, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInclusive), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeRemove | JET_bitRangeUpperLimit), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK_ERR(make_long(s, t, 40, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInclusive), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(JetIndexRecordCount(s, t, &n, 0), JET_errSuccess);
    CHECK(n == 10);
    CHECK_ERR(make_long(s, t, 10, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInclusive), JET_errSuccess);
    CHECK_ERR(seek_long(s, t, 50, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 60);
    /* "JetMove Function" Remarks: Before First with an upper limit below the first entry */
    CHECK_ERR(make_long(s, t, 5, 0), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInclusive),
              JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errNoCurrentRecord); /* before first */
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errNoCurrentRecord);
    /* counts: off a record, the end of the index, bad arguments */
    CHECK_ERR(JetMove(s, t, JET_MoveLast, 0), JET_errSuccess);
    CHECK_ERR(JetIndexRecordCount(s, t, &n, 0), JET_errSuccess);
    CHECK(n == 1);
    CHECK_ERR(JetIndexRecordCount(s, t, NULL, 0), JET_errInvalidParameter);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetIndexRecordCount(s, t, &n, 0), JET_errNoCurrentRecord);
    /* a table without a primary index has no index to range over */
    JET_TABLEID t3;
    JET_COLUMNID v;
    CHECK_ERR(create_long_table(&lt.e, "heap", NULL, 0, &t3, &v), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t3, JET_bitRangeUpperLimit), JET_errNoCurrentIndex);
    env_close(&lt.e);
}

/* ---- bookmarks ("JetGetBookmark Function", "JetGotoBookmark Function") ------------------- */

static void test_bookmarks(void)
{
    longtab lt;
    CHECK_ERR(longtab_open(&lt, "bookmark", 10), JET_errSuccess);
    JET_SESID s = lt.e.ses;
    JET_TABLEID t = lt.t;
    uint8_t bm[300], key[300], small[3];
    ESE_ULONG cb = 0, cbk = 0;
    CHECK_ERR(JetGetBookmark(s, t, bm, sizeof bm, &cb), JET_errNoCurrentRecord);
    CHECK_ERR(seek_long(s, t, 50, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetGetBookmark(s, t, bm, sizeof bm, &cb), JET_errSuccess);
    /* "The bookmark of a record is the same as the key of that record on the primary index" */
    CHECK_ERR(JetRetrieveKey(s, t, key, sizeof key, &cbk, 0), JET_errSuccess);
    CHECK(cb == cbk && memcmp(bm, key, cb) == 0);
    /* too small: JET_errBufferTooSmall with as much as fits and the real size */
    ESE_ULONG cbs = 0;
    CHECK_ERR(JetGetBookmark(s, t, small, sizeof small, &cbs), JET_errBufferTooSmall);
    CHECK(cbs == cb && memcmp(small, bm, sizeof small) == 0);
    CHECK_ERR(JetGetBookmark(s, t, NULL, 4, &cbs), JET_errInvalidParameter);
    CHECK_ERR(JetMove(s, t, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(make_long(s, t, 70, 0), JET_errSuccess);
    CHECK_ERR(JetGotoBookmark(s, t, bm, cb), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 50);
    /* JetGotoBookmark is a navigation: the search key is gone */
    CHECK_ERR(JetSeek(s, t, JET_bitSeekEQ), JET_errKeyNotMade);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 60);
    /* bookmarks order as the primary index (memcmp) */
    uint8_t bm60[300];
    ESE_ULONG cb60 = 0;
    CHECK_ERR(JetGetBookmark(s, t, bm60, sizeof bm60, &cb60), JET_errSuccess);
    CHECK(memcmp(bm, bm60, cb) < 0);
    /* a failed JetGotoBookmark keeps the position but cancels the update, the range and the
     * search key */
    CHECK_ERR(make_long(s, t, 90, 0), JET_errSuccess);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInclusive), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(s, t, JET_prepReplace), JET_errSuccess);
    CHECK_ERR(make_long(s, t, 70, 0), JET_errSuccess);
    CHECK_ERR(JetGotoBookmark(s, t, bm, 0), JET_errInvalidBookmark);
    CHECK(cur_id(s, t, lt.id) == 60);
    CHECK_ERR(JetPrepareUpdate(s, t, JET_prepCancel), JET_errUpdateNotPrepared);
    CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeRemove), JET_errInvalidOperation);
    CHECK_ERR(JetSeek(s, t, JET_bitSeekEQ), JET_errKeyNotMade);
    CHECK_ERR(JetGotoBookmark(s, t, NULL, 5), JET_errInvalidBookmark);
    CHECK_ERR(JetGotoBookmark(s, t, bm, 256), JET_errInvalidBookmark);
    /* the record deleted through another cursor: JET_errRecordDeleted, the position stays */
    JET_TABLEID t2;
    CHECK_ERR(JetOpenTableW(s, lt.e.dbid, W("t"), NULL, 0, 0, &t2), JET_errSuccess);
    CHECK_ERR(seek_long(s, t2, 50, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetDelete(s, t2), JET_errSuccess);
    /* this cursor's own delete: the bookmark of the deleted record is still known */
    CHECK_ERR(JetGetBookmark(s, t2, key, sizeof key, &cbk), JET_errSuccess);
    CHECK(cbk == cb && memcmp(key, bm, cb) == 0);
    CHECK_ERR(JetGotoBookmark(s, t, bm, cb), JET_errRecordDeleted);
    CHECK(cur_id(s, t, lt.id) == 60);
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 70);
    /* a table without a primary index: the bookmark is the DBK, and JetUpdate returns it */
    JET_TABLEID t3;
    JET_COLUMNID v;
    CHECK_ERR(create_long_table(&lt.e, "heap", NULL, 0, &t3, &v), JET_errSuccess);
    uint8_t dbk[3][8];
    ESE_ULONG cbdbk[3];
    for (int i = 0; i < 3; i++) {
        int32_t x = 100 + i;
        CHECK_ERR(JetPrepareUpdate(s, t3, JET_prepInsert), JET_errSuccess);
        CHECK_ERR(JetSetColumn(s, t3, v, &x, sizeof x, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetUpdate(s, t3, dbk[i], sizeof dbk[i], &cbdbk[i]), JET_errSuccess);
    }
    /* "JetMakeKey Function": JET_errNoCurrentIndex on the clustered index of a table without
     * a primary index, unless JET_bitNormalizedKey: a DBK seeks its record */
    CHECK_ERR(JetMakeKey(s, t3, &v, sizeof v, JET_bitNewKey), JET_errNoCurrentIndex);
    CHECK_ERR(JetMakeKey(s, t3, dbk[2], cbdbk[2], JET_bitNewKey | JET_bitNormalizedKey),
              JET_errSuccess);
    CHECK_ERR(JetSeek(s, t3, JET_bitSeekEQ), JET_errSuccess);
    int32_t x = 0;
    CHECK_ERR(JetRetrieveColumn(s, t3, v, &x, sizeof x, NULL, 0, NULL), JET_errSuccess);
    CHECK(x == 102);
    CHECK_ERR(JetGotoBookmark(s, t3, dbk[1], cbdbk[1]), JET_errSuccess);
    CHECK_ERR(JetRetrieveColumn(s, t3, v, &x, sizeof x, NULL, 0, NULL), JET_errSuccess);
    CHECK(x == 101);
    CHECK_ERR(JetGetBookmark(s, t3, bm, sizeof bm, &cb), JET_errSuccess);
    CHECK(cb == cbdbk[1] && memcmp(bm, dbk[1], cb) == 0);
    CHECK_ERR(JetMove(s, t3, JET_MoveNext, 0), JET_errSuccess);
    CHECK_ERR(JetRetrieveColumn(s, t3, v, &x, sizeof x, NULL, 0, NULL), JET_errSuccess);
    CHECK(x == 102);
    env_close(&lt.e);
}

/* ---- positions ("JetGetRecordPosition Function", "JetGotoPosition Function") -------------- */

static void test_positions(void)
{
    longtab lt;
    CHECK_ERR(longtab_open(&lt, "position", 10), JET_errSuccess);
    JET_SESID s = lt.e.ses;
    JET_TABLEID t = lt.t;
    JET_RECPOS rp;
    memset(&rp, 0, sizeof rp);
    CHECK_ERR(JetGetRecordPosition(s, t, &rp, sizeof rp), JET_errNoCurrentRecord);
    CHECK_ERR(seek_long(s, t, 40, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetGetRecordPosition(s, t, &rp, sizeof rp - 1), JET_errInvalidParameter);
    CHECK_ERR(JetGetRecordPosition(s, t, NULL, sizeof rp), JET_errInvalidParameter);
    CHECK_ERR(JetGetRecordPosition(s, t, &rp, sizeof rp), JET_errSuccess);
    CHECK(rp.cbStruct == sizeof rp && rp.centriesLT == 3 && rp.centriesInRange == 1 &&
          rp.centriesTotal == 10);
    /* the position did not change */
    CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 50);
    CHECK_ERR(JetMove(s, t, JET_MoveLast, 0), JET_errSuccess);
    CHECK_ERR(JetGetRecordPosition(s, t, &rp, sizeof rp), JET_errSuccess);
    CHECK(rp.centriesLT == 9 && rp.centriesTotal == 10);
    /* JetGotoPosition lands on the fraction centriesLT / centriesTotal */
    JET_RECPOS to = {sizeof to, 5, 1, 10};
    CHECK_ERR(JetGotoPosition(s, t, &to), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 60);
    to = (JET_RECPOS){sizeof to, 1, 1, 3};       /* 10 * 1/3 = entry 3 */
    CHECK_ERR(JetGotoPosition(s, t, &to), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 40);
    to = (JET_RECPOS){sizeof to, 0, 1, 1000};
    CHECK_ERR(JetGotoPosition(s, t, &to), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 10);
    to = (JET_RECPOS){sizeof to, 7, 1, 7};       /* the end: the last entry */
    CHECK_ERR(JetGotoPosition(s, t, &to), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 100);
    to = (JET_RECPOS){sizeof to, 1, 1, 0};
    CHECK_ERR(JetGotoPosition(s, t, &to), JET_errInvalidParameter);
    to = (JET_RECPOS){sizeof to, 5, 1, 4};
    CHECK_ERR(JetGotoPosition(s, t, &to), JET_errInvalidParameter);
    CHECK_ERR(JetGotoPosition(s, t, NULL), JET_errInvalidParameter);
    to = (JET_RECPOS){sizeof to - 1, 1, 1, 2}; /* "not a valid size" */
    CHECK_ERR(JetGotoPosition(s, t, &to), JET_errInvalidParameter);
    CHECK(cur_id(s, t, lt.id) == 100); /* a failed call leaves the position */
    /* a round trip through JetGetRecordPosition */
    CHECK_ERR(seek_long(s, t, 70, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetGetRecordPosition(s, t, &rp, sizeof rp), JET_errSuccess);
    CHECK_ERR(JetMove(s, t, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(JetGotoPosition(s, t, &rp), JET_errSuccess);
    CHECK(cur_id(s, t, lt.id) == 70);
    /* an empty table: no current record */
    JET_TABLEID t2;
    JET_COLUMNID k;
    CHECK_ERR(create_long_table(&lt.e, "empty", "+k\0", 4, &t2, &k), JET_errSuccess);
    to = (JET_RECPOS){sizeof to, 0, 1, 1};
    CHECK_ERR(JetGotoPosition(s, t2, &to), JET_errRecordNotFound);
    CHECK_ERR(JetMove(s, t2, 0, 0), JET_errNoCurrentRecord);
    env_close(&lt.e);
}

/* ---- the position when the row changes under the cursor ----------------------------------- */

static void test_changes_under_cursor(void)
{
    longtab lt;
    CHECK_ERR(longtab_open(&lt, "changes", 10), JET_errSuccess);
    JET_SESID s = lt.e.ses;
    JET_TABLEID a = lt.t, b;
    CHECK_ERR(JetOpenTableW(s, lt.e.dbid, W("t"), NULL, 0, 0, &b), JET_errSuccess);
    /* deleted through another cursor, outside a transaction ("JetMove Function":
     * JET_errRecordDeleted; the next move goes to the following entry) */
    CHECK_ERR(seek_long(s, a, 50, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(seek_long(s, b, 50, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetDelete(s, b), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == JET_errRecordDeleted);
    CHECK_ERR(JetMove(s, a, 0, 0), JET_errRecordDeleted);
    CHECK_ERR(JetMove(s, a, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == 60);
    CHECK_ERR(JetMove(s, a, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == 40);
    /* this cursor's own delete, then the move to the previous entry */
    CHECK_ERR(seek_long(s, b, 60, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetDelete(s, b), JET_errSuccess);
    CHECK(cur_id(s, b, lt.id) == JET_errRecordDeleted);
    CHECK_ERR(JetMove(s, b, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(cur_id(s, b, lt.id) == 40);
    /* updated through another cursor: the new value */
    CHECK_ERR(JetPrepareUpdate(s, b, JET_prepReplace), JET_errSuccess);
    int32_t v = 7;
    CHECK_ERR(JetSetColumn(s, b, lt.val, &v, sizeof v, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(s, b, NULL, 0, NULL), JET_errSuccess);
    CHECK(cur_id(s, a, lt.val) == 7);
    /* inserted after the cursor: the next move sees it */
    CHECK_ERR(insert_long(s, b, lt.id, lt.val, 45), JET_errSuccess);
    CHECK_ERR(JetMove(s, a, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == 45);
    CHECK_ERR(JetMove(s, a, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == 70);
    /* inside a transaction: the session's own delete through the other cursor */
    CHECK_ERR(JetBeginTransaction(s), JET_errSuccess);
    CHECK_ERR(seek_long(s, a, 80, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(seek_long(s, b, 80, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetDelete(s, b), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == JET_errRecordDeleted);
    CHECK_ERR(JetMove(s, a, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == 90);
    CHECK_ERR(JetMove(s, a, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == 70);
    ESE_ULONG n = 0;
    CHECK_ERR(JetMove(s, a, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(JetIndexRecordCount(s, a, &n, 0), JET_errSuccess);
    CHECK(n == 8); /* 10, 20, 30, 40, 45, 70, 90, 100 */
    /* another session does not see the uncommitted delete */
    JET_SESID s2;
    JET_DBID d2;
    JET_TABLEID c;
    CHECK_ERR(JetBeginSessionW(lt.e.inst, &s2, NULL, NULL), JET_errSuccess);
    CHECK_ERR(JetOpenDatabaseW(s2, W(lt.e.db_path), NULL, &d2, 0), JET_errSuccess);
    CHECK_ERR(JetOpenTableW(s2, d2, W("t"), NULL, 0, 0, &c), JET_errSuccess);
    CHECK_ERR(seek_long(s2, c, 80, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetMove(s2, c, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(JetIndexRecordCount(s2, c, &n, 0), JET_errSuccess);
    CHECK(n == 9);
    /* the rollback puts the cursors that moved in it before the first entry (api_data.h) */
    CHECK_ERR(JetMove(s, a, 3, 0), JET_errSuccess);
    CHECK_ERR(JetRollback(s, 0), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(s, a, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == 10);
    CHECK_ERR(seek_long(s, a, 80, JET_bitSeekEQ), JET_errSuccess); /* back */
    /* the other session deletes in its transaction: this one is not disturbed */
    CHECK_ERR(JetBeginTransaction(s2), JET_errSuccess);
    CHECK_ERR(seek_long(s2, c, 80, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetDelete(s2, c), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == 80);
    CHECK_ERR(JetMove(s, a, JET_MoveNext, 0), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == 90);
    CHECK_ERR(JetCommitTransaction(s2, 0), JET_errSuccess);
    CHECK_ERR(JetMove(s, a, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(cur_id(s, a, lt.id) == 70);
    CHECK_ERR(JetEndSession(s2, 0), JET_errSuccess);
    env_close(&lt.e);
}

/* ---- randomized cross-check against a sorted array ---------------------------------------- */

typedef struct {
    int32_t *v;
    int n;
} model;

static int model_find(const model *m, int32_t key, bool *found) /* first index >= key */
{
    int lo = 0, hi = m->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (m->v[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < m->n && m->v[lo] == key;
    return lo;
}

static uint64_t g_rng;
static uint32_t rnd(uint32_t n)
{
    g_rng = g_rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(g_rng >> 33) % n;
}

/* Where the model's cursor is: on the entry `key`, or in the gap before the entries >= key
 * (after those <= key with `after`); before first / after last are the gaps at the ends. */
typedef struct {
    bool on, after;
    int64_t key;
} mcursor;

#define M_BEFORE_FIRST ((mcursor){false, false, INT64_MIN})
#define M_AFTER_LAST ((mcursor){false, true, INT64_MAX})

static int model_gap(const model *m, const mcursor *c) /* index of the first entry after it */
{
    int g = 0;
    while (g < m->n && (c->after ? m->v[g] <= c->key : m->v[g] < c->key))
        g++;
    return g;
}

/* The model's JetMove(n): its result, and the cursor moves. */
static JET_ERR model_move(const model *m, mcursor *c, int n)
{
    bool found;
    int target;
    if (c->on)
        target = model_find(m, (int32_t)c->key, &found) + n;
    else
        target = model_gap(m, c) + (n > 0 ? n - 1 : n);
    if (target < 0 || target >= m->n) {
        *c = target < 0 ? M_BEFORE_FIRST : M_AFTER_LAST;
        return JET_errNoCurrentRecord;
    }
    *c = (mcursor){true, false, m->v[target]};
    return JET_errSuccess;
}

static void test_random(void)
{
    const char *env_seed = getenv("CURSOR_SEED");
    uint64_t seed = env_seed ? strtoull(env_seed, NULL, 10) : (uint64_t)time(NULL);
    printf("test_random: seed %llu (CURSOR_SEED=%llu repeats it)\n", (unsigned long long)seed,
           (unsigned long long)seed);
    g_rng = seed;
    longtab lt;
    CHECK_ERR(longtab_open(&lt, "random", 0), JET_errSuccess);
    JET_SESID s = lt.e.ses;
    JET_TABLEID t = lt.t;
    model m = {calloc(4000, sizeof(int32_t)), 0}, saved = {calloc(4000, sizeof(int32_t)), 0};
    mcursor cur = M_BEFORE_FIRST;
    bool in_trx = false;
    int failures = check_failed;
    for (int op = 0; op < 6000 && check_failed == failures; op++) {
        uint32_t kind = rnd(100);
        int32_t key = (int32_t)rnd(3000) - 500;
        bool found;
        int i = model_find(&m, key, &found);
        if (kind < 30 && m.n < 3000) { /* insert (the cursor stays) */
            JET_ERR err = insert_long(s, t, lt.id, lt.val, key);
            CHECK_ERR(err, found ? JET_errKeyDuplicate : JET_errSuccess);
            if (found) {
                CHECK_ERR(JetPrepareUpdate(s, t, JET_prepCancel), JET_errSuccess);
            } else {
                memmove(m.v + i + 1, m.v + i, (size_t)(m.n - i) * sizeof *m.v);
                m.v[i] = key;
                m.n++;
            }
        } else if (kind < 40) { /* seek EQ and delete, then the next entry */
            JET_ERR err = seek_long(s, t, key, JET_bitSeekEQ);
            CHECK_ERR(err, found ? JET_errSuccess : JET_errRecordNotFound);
            cur = (mcursor){found, false, key};
            if (found) {
                CHECK_ERR(JetDelete(s, t), JET_errSuccess);
                memmove(m.v + i, m.v + i + 1, (size_t)(m.n - i - 1) * sizeof *m.v);
                m.n--;
                cur = (mcursor){false, true, key};
                CHECK_ERR(JetMove(s, t, JET_MoveNext, 0), model_move(&m, &cur, 1));
            }
        } else if (kind < 60) { /* a seek */
            static const JET_GRBIT modes[] = {JET_bitSeekEQ, JET_bitSeekGE, JET_bitSeekGT,
                                              JET_bitSeekLE, JET_bitSeekLT};
            JET_GRBIT mode = modes[rnd(5)];
            int want = -1;
            JET_ERR expect = JET_errSuccess;
            if (mode == JET_bitSeekEQ)
                want = found ? i : -1;
            else if (mode == JET_bitSeekGE)
                want = i < m.n ? i : -1, expect = found ? JET_errSuccess : JET_wrnSeekNotEqual;
            else if (mode == JET_bitSeekGT)
                want = (found ? i + 1 : i) < m.n ? (found ? i + 1 : i) : -1;
            else if (mode == JET_bitSeekLE)
                want = found ? i : i - 1, expect = found ? JET_errSuccess : JET_wrnSeekNotEqual;
            else
                want = i - 1;
            JET_ERR err = seek_long(s, t, key, mode);
            if (want < 0) {
                CHECK_ERR(err, JET_errRecordNotFound);
                cur = (mcursor){false, mode == JET_bitSeekGT || mode == JET_bitSeekLE, key};
            } else {
                CHECK_ERR(err, expect);
                CHECK(cur_id(s, t, lt.id) == m.v[want]);
                cur = (mcursor){true, false, m.v[want]};
            }
        } else if (kind < 80) { /* a move by n, first or last */
            int n = (int)rnd(9) - 4;
            if (rnd(10) == 0) {
                bool first = rnd(2);
                CHECK_ERR(JetMove(s, t, first ? JET_MoveFirst : JET_MoveLast, 0),
                          m.n ? JET_errSuccess : JET_errNoCurrentRecord);
                cur = m.n ? (mcursor){true, false, first ? m.v[0] : m.v[m.n - 1]}
                          : M_BEFORE_FIRST;
            } else if (n == 0) {
                CHECK_ERR(JetMove(s, t, 0, 0), cur.on ? JET_errSuccess : JET_errNoCurrentRecord);
            } else {
                CHECK_ERR(JetMove(s, t, n, 0), model_move(&m, &cur, n));
                if (cur.on)
                    CHECK(cur_id(s, t, lt.id) == cur.key);
            }
        } else if (kind < 90) { /* an upper range from the current entry, walked and counted */
            if (!cur.on)
                continue;
            bool on_found;
            int pos = model_find(&m, (int32_t)cur.key, &on_found);
            bool inclusive = rnd(2);
            CHECK_ERR(make_long(s, t, key, 0), JET_errSuccess);
            JET_ERR err = JetSetIndexRange(s, t, JET_bitRangeUpperLimit |
                                                     (inclusive ? JET_bitRangeInclusive : 0));
            int end = found && inclusive ? i + 1 : i; /* first index outside */
            if (pos >= end) {
                CHECK_ERR(err, JET_errNoCurrentRecord);
                CHECK_ERR(JetSetIndexRange(s, t, JET_bitRangeRemove), JET_errSuccess);
                continue;
            }
            CHECK_ERR(err, JET_errSuccess);
            ESE_ULONG cnt = 0;
            CHECK_ERR(JetIndexRecordCount(s, t, &cnt, 0), JET_errSuccess);
            CHECK((int)cnt == end - pos);
            ESE_ULONG most = rnd(5) + 1;
            CHECK_ERR(JetIndexRecordCount(s, t, &cnt, most), JET_errSuccess);
            CHECK((int)cnt == (end - pos < (int)most ? end - pos : (int)most));
            int walked = 1;
            while (JetMove(s, t, JET_MoveNext, 0) == JET_errSuccess)
                walked++;
            CHECK(walked == end - pos);
            /* on the entry past the limit (or after the last one) */
            CHECK_ERR(JetMove(s, t, JET_MovePrevious, 0), JET_errSuccess);
            CHECK(cur_id(s, t, lt.id) == m.v[end - 1]);
            cur = (mcursor){true, false, m.v[end - 1]};
        } else if (kind < 94) { /* a position round trip */
            if (!cur.on)
                continue;
            int pos = model_find(&m, (int32_t)cur.key, &found);
            JET_RECPOS rp;
            CHECK_ERR(JetGetRecordPosition(s, t, &rp, sizeof rp), JET_errSuccess);
            CHECK((int)rp.centriesLT == pos && (int)rp.centriesTotal == m.n);
            CHECK_ERR(JetMove(s, t, JET_MoveLast, 0), JET_errSuccess);
            CHECK_ERR(JetGotoPosition(s, t, &rp), JET_errSuccess);
            CHECK(cur_id(s, t, lt.id) == cur.key);
        } else if (kind < 97) { /* transactions: begin, or commit / roll back */
            if (!in_trx) {
                CHECK_ERR(JetBeginTransaction(s), JET_errSuccess);
                memcpy(saved.v, m.v, (size_t)m.n * sizeof *m.v);
                saved.n = m.n;
                in_trx = true;
            } else if (rnd(2)) {
                CHECK_ERR(JetCommitTransaction(s, 0), JET_errSuccess);
                in_trx = false;
            } else {
                CHECK_ERR(JetRollback(s, 0), JET_errSuccess);
                memcpy(m.v, saved.v, (size_t)saved.n * sizeof *m.v);
                m.n = saved.n;
                /* a cursor that moved in the rolled-back level is before the first entry,
                 * one that did not stays: start again from the first entry either way */
                CHECK_ERR(JetMove(s, t, JET_MoveFirst, 0),
                          m.n ? JET_errSuccess : JET_errNoCurrentRecord);
                cur = m.n ? (mcursor){true, false, m.v[0]} : M_BEFORE_FIRST;
                in_trx = false;
            }
        } else { /* a bookmark round trip */
            if (!cur.on)
                continue;
            uint8_t bm[16];
            ESE_ULONG cb = 0;
            CHECK_ERR(JetGetBookmark(s, t, bm, sizeof bm, &cb), JET_errSuccess);
            CHECK_ERR(JetMove(s, t, JET_MoveFirst, 0), JET_errSuccess);
            CHECK_ERR(JetGotoBookmark(s, t, bm, cb), JET_errSuccess);
            CHECK(cur_id(s, t, lt.id) == cur.key);
        }
    }
    if (check_failed != failures)
        printf("test_random: failed with seed %llu\n", (unsigned long long)seed);
    if (in_trx)
        CHECK_ERR(JetCommitTransaction(s, 0), JET_errSuccess);
    /* the whole table against the model */
    int k = 0;
    for (JET_ERR err = JetMove(s, t, JET_MoveFirst, 0); err == JET_errSuccess && k <= m.n;
         err = JetMove(s, t, JET_MoveNext, 0), k++)
        CHECK(k < m.n && cur_id(s, t, lt.id) == m.v[k]);
    CHECK(k == m.n);
    free(m.v);
    free(saved.v);
    env_close(&lt.e);
}

/* ---- allocation faults --------------------------------------------------------------------- */

/* The new calls over a table of 300 rows (long records, so buffers grow): every step's error
 * comes back, the first one is returned. */
static JET_ERR fault_workload(longtab *lt)
{
    JET_SESID s = lt->e.ses;
    JET_TABLEID t;
    JET_ERR err = JetOpenTableW(s, lt->e.dbid, W("t"), NULL, 0, 0, &t);
    if (err < 0)
        return err;
    ESE_ULONG n;
    JET_RECPOS rp;
    uint8_t bm[16];
    ESE_ULONG cb;
#define STEP(call) if (err >= 0) { JET_ERR e_ = (call); if (e_ < 0) err = e_; }
    STEP(JetMove(s, t, JET_MoveFirst, 0));
    STEP(JetMove(s, t, 5, 0));
    STEP(seek_long(s, t, 1500, JET_bitSeekEQ));
    STEP(JetGetBookmark(s, t, bm, sizeof bm, &cb));
    STEP(seek_long(s, t, 1000, JET_bitSeekGE));
    STEP(make_long(s, t, 2000, 0));
    STEP(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInclusive));
    STEP(JetIndexRecordCount(s, t, &n, 0));
    STEP(JetMove(s, t, 3, 0));
    STEP(JetGetRecordPosition(s, t, &rp, sizeof rp));
    STEP(JetGotoPosition(s, t, &rp));
    STEP(JetGotoBookmark(s, t, bm, cb));
    STEP(JetMove(s, t, JET_MoveLast, 0));
    STEP(JetMove(s, t, -7, 0));
#undef STEP
    JetCloseTable(s, t);
    return err;
}

static void test_fault_walk(void)
{
    longtab lt;
    CHECK_ERR(longtab_open(&lt, "faults", 0), JET_errSuccess);
    static uint8_t big[3000];
    for (int i = 1; i <= 300; i++) {
        memset(big, i, sizeof big);
        CHECK_ERR(support_insert_row(lt.e.ses, lt.t, lt.id, i * 10, lt.val, &i, sizeof i),
                  JET_errSuccess);
    }
    fault_reset();
    CHECK_ERR(fault_workload(&lt), JET_errSuccess);
    uint64_t total = fault_count(FAULT_ALLOC);
    CHECK(total > 3);
    int ok = 0, oom = 0;
    for (uint64_t nth = 1; nth <= total; nth++) {
        fault_reset();
        fault_arm(FAULT_ALLOC, nth, FAULT_AS_EIO);
        JET_ERR err = fault_workload(&lt);
        fault_reset();
        CHECK(err == JET_errOutOfMemory);
        err == JET_errOutOfMemory ? oom++ : ok++;
        CHECK_ERR(fault_workload(&lt), JET_errSuccess);
    }
    printf("fault walk: %llu allocations, each failed once: %d JET_errOutOfMemory\n",
           (unsigned long long)total, oom);
    env_close(&lt.e);
}

/* Read errors in the middle of walks and seeks, with a cache far smaller than the table so
 * that moves read pages: the failed call returns the error and leaves the cursor where it
 * was, and the walk then goes on from there without skipping or repeating a row. */
static void test_read_faults(void)
{
    longtab lt;
    static const char *const names[] = {"id", "data"};
    static const JET_COLTYP types[] = {JET_coltypLong, JET_coltypLongBinary};
    JET_COLUMNID ids[2] = {0, 0};
    CHECK_ERR(env_open(&lt.e, "readfaults"), JET_errSuccess);
    CHECK_ERR(create_table(&lt.e, "t", 2, names, types, "+id\0", 5, &lt.t, ids), JET_errSuccess);
    lt.id = ids[0];
    lt.val = ids[1];
    JET_SESID s = lt.e.ses;
    JET_TABLEID t = lt.t;
    const int rows = 1500;
    uint8_t value[SUPPORT_VALUE_SIZE];
    CHECK_ERR(JetBeginTransaction(s), JET_errSuccess);
    for (int i = 0; i < rows; i++) {
        support_fill_value(value, i);
        CHECK_ERR(support_insert_row(s, t, lt.id, i, lt.val, value, sizeof value), JET_errSuccess);
        if (i % 10 == 9) {
            CHECK_ERR(JetCommitTransaction(s, JET_bitCommitLazyFlush), JET_errSuccess);
            CHECK_ERR(JetBeginTransaction(s), JET_errSuccess);
        }
    }
    CHECK_ERR(JetCommitTransaction(s, 0), JET_errSuccess);
    /* detached and attached again: nothing cached, then at most 48 pages */
    CHECK_ERR(JetCloseTable(s, t), JET_errSuccess);
    CHECK_ERR(JetCloseDatabase(s, lt.e.dbid, 0), JET_errSuccess);
    CHECK_ERR(JetDetachDatabase2W(s, W(lt.e.db_path), 0), JET_errSuccess);
    CHECK_ERR(JetSetSystemParameterW(&lt.e.inst, 0, JET_paramCacheSizeMax, 48, NULL),
              JET_errSuccess);
    CHECK_ERR(support_open_table(s, lt.e.db_path, true, &lt.e.dbid, "t", &t), JET_errSuccess);
    /* how many reads a full scan makes */
    fault_reset();
    CHECK(support_count_rows(s, t) == rows);
    uint64_t reads = fault_count(FAULT_READ);
    CHECK(reads > 10);
    int failed = 0, bad = 0;
    for (uint64_t nth = 1; nth <= reads; nth += 3) {
        fault_reset();
        fault_arm(FAULT_READ, nth, FAULT_AS_EIO);
        int seen = 0, want = 0;
        JET_ERR err = JetMove(s, t, JET_MoveFirst, 0);
        for (;;) {
            if (err == JET_errNoCurrentRecord)
                break;
            if (err < 0) { /* the injected failure: go on from the same place */
                failed++;
                if (err != JET_errDiskIO)
                    bad++;
                fault_reset();
                err = seen ? JetMove(s, t, JET_MoveNext, 0) : JetMove(s, t, JET_MoveFirst, 0);
                continue;
            }
            if (cur_id(s, t, lt.id) != want)
                bad++;
            seen++;
            want++;
            err = JetMove(s, t, JET_MoveNext, 0);
        }
        if (seen != rows)
            bad++;
    }
    fault_reset();
    CHECK(bad == 0);
    CHECK(failed > 0);
    /* seeks, counts and positions: the error, then the same call works */
    int calls = 0;
    for (uint64_t nth = 1; nth <= 6; nth++) {
        JET_RECPOS rp;
        ESE_ULONG n = 0;
        CHECK_ERR(JetMove(s, t, JET_MoveFirst, 0), JET_errSuccess);
        fault_arm(FAULT_READ, nth, FAULT_AS_EIO);
        JET_ERR err = seek_long(s, t, rows / 2 + (int32_t)nth * 97, JET_bitSeekEQ);
        if (err == JET_errSuccess)
            err = JetIndexRecordCount(s, t, &n, 0);
        if (err == JET_errSuccess)
            err = JetGetRecordPosition(s, t, &rp, sizeof rp);
        fault_reset();
        CHECK(err == JET_errSuccess || err == JET_errDiskIO);
        calls += err == JET_errDiskIO;
        CHECK_ERR(seek_long(s, t, rows / 2 + (int32_t)nth * 97, JET_bitSeekEQ), JET_errSuccess);
        CHECK_ERR(JetGetRecordPosition(s, t, &rp, sizeof rp), JET_errSuccess);
        CHECK((int)rp.centriesLT == rows / 2 + (int)nth * 97 && (int)rp.centriesTotal == rows);
        CHECK_ERR(JetIndexRecordCount(s, t, &n, 0), JET_errSuccess);
        CHECK((int)n == rows - (rows / 2 + (int)nth * 97));
    }
    CHECK(calls > 0);
    printf("read faults: %llu reads per scan, %d injected failures in walks, %d in seeks/counts\n",
           (unsigned long long)reads, failed, calls);
    env_close(&lt.e);
}

int main(void)
{
    if (support_make_root(g_root, sizeof g_root, "esent-cursor") != 0)
        return 1;
    test_move();
    test_seek_long();
    test_no_allocation();
    test_seek_text();
    test_ranges();
    test_bookmarks();
    test_positions();
    test_changes_under_cursor();
    test_random();
    test_fault_walk();
    test_read_faults();
    support_remove_tree(g_root);
    return check_summary();
}

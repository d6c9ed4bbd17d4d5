/*
 * temporary: removed when the engine branches are merged
 *
 * The full data API's Jet functions are declared in src/libese/include/esent.h but defined on the
 * engine branches (index, cursor, columns), built in parallel.  Until they are merged, each is
 * defined here as a stub returning JET_errFeatureNotAvailable so that the extension links off
 * Windows and the Python layer can be built and tested against the rest of libese.  setup.py
 * compiles this file only when it exists and only off Windows.
 */
#include "esent.h"

#define PENDING return JET_errFeatureNotAvailable

JET_ERR JET_API JetCreateIndexW(JET_SESID s, JET_TABLEID t, const WCHAR *n, JET_GRBIT g,
                                const WCHAR *k, ESE_ULONG cb, ESE_ULONG d)
{ (void)s; (void)t; (void)n; (void)g; (void)k; (void)cb; (void)d; PENDING; }
JET_ERR JET_API JetCreateIndex2W(JET_SESID s, JET_TABLEID t, JET_INDEXCREATE_W *p, ESE_ULONG c)
{ (void)s; (void)t; (void)p; (void)c; PENDING; }
JET_ERR JET_API JetDeleteIndexW(JET_SESID s, JET_TABLEID t, const WCHAR *n)
{ (void)s; (void)t; (void)n; PENDING; }
JET_ERR JET_API JetSetCurrentIndexW(JET_SESID s, JET_TABLEID t, const WCHAR *n)
{ (void)s; (void)t; (void)n; PENDING; }
JET_ERR JET_API JetSetCurrentIndex2W(JET_SESID s, JET_TABLEID t, const WCHAR *n, JET_GRBIT g)
{ (void)s; (void)t; (void)n; (void)g; PENDING; }
JET_ERR JET_API JetSetCurrentIndex3W(JET_SESID s, JET_TABLEID t, const WCHAR *n, JET_GRBIT g,
                                     ESE_ULONG i)
{ (void)s; (void)t; (void)n; (void)g; (void)i; PENDING; }
JET_ERR JET_API JetGetCurrentIndexW(JET_SESID s, JET_TABLEID t, WCHAR *n, ESE_ULONG cb)
{ (void)s; (void)t; (void)n; (void)cb; PENDING; }
JET_ERR JET_API JetGetTableIndexInfoW(JET_SESID s, JET_TABLEID t, const WCHAR *n, void *pv,
                                      ESE_ULONG cb, ESE_ULONG l)
{ (void)s; (void)t; (void)n; (void)pv; (void)cb; (void)l; PENDING; }
JET_ERR JET_API JetSetIndexRange(JET_SESID s, JET_TABLEID t, JET_GRBIT g)
{ (void)s; (void)t; (void)g; PENDING; }
JET_ERR JET_API JetIndexRecordCount(JET_SESID s, JET_TABLEID t, ESE_ULONG *pc, ESE_ULONG m)
{ (void)s; (void)t; (void)pc; (void)m; PENDING; }
JET_ERR JET_API JetRetrieveKey(JET_SESID s, JET_TABLEID t, void *pv, ESE_ULONG cb,
                               ESE_ULONG *pa, JET_GRBIT g)
{ (void)s; (void)t; (void)pv; (void)cb; (void)pa; (void)g; PENDING; }
JET_ERR JET_API JetGetBookmark(JET_SESID s, JET_TABLEID t, void *pv, ESE_ULONG cb, ESE_ULONG *pa)
{ (void)s; (void)t; (void)pv; (void)cb; (void)pa; PENDING; }
JET_ERR JET_API JetGotoBookmark(JET_SESID s, JET_TABLEID t, void *pv, ESE_ULONG cb)
{ (void)s; (void)t; (void)pv; (void)cb; PENDING; }
JET_ERR JET_API JetGetRecordPosition(JET_SESID s, JET_TABLEID t, JET_RECPOS *p, ESE_ULONG cb)
{ (void)s; (void)t; (void)p; (void)cb; PENDING; }
JET_ERR JET_API JetGotoPosition(JET_SESID s, JET_TABLEID t, JET_RECPOS *p)
{ (void)s; (void)t; (void)p; PENDING; }
JET_ERR JET_API JetRetrieveColumns(JET_SESID s, JET_TABLEID t, JET_RETRIEVECOLUMN *p, ESE_ULONG c)
{ (void)s; (void)t; (void)p; (void)c; PENDING; }
JET_ERR JET_API JetSetColumns(JET_SESID s, JET_TABLEID t, JET_SETCOLUMN *p, ESE_ULONG c)
{ (void)s; (void)t; (void)p; (void)c; PENDING; }
JET_ERR JET_API JetEscrowUpdate(JET_SESID s, JET_TABLEID t, JET_COLUMNID c, void *pv,
                                ESE_ULONG cb, void *po, ESE_ULONG cbo, ESE_ULONG *pa, JET_GRBIT g)
{ (void)s; (void)t; (void)c; (void)pv; (void)cb; (void)po; (void)cbo; (void)pa; (void)g; PENDING; }
JET_ERR JET_API JetAddColumnW(JET_SESID s, JET_TABLEID t, const WCHAR *n, const JET_COLUMNDEF *d,
                              const void *pv, ESE_ULONG cb, JET_COLUMNID *pc)
{ (void)s; (void)t; (void)n; (void)d; (void)pv; (void)cb; (void)pc; PENDING; }
JET_ERR JET_API JetDeleteColumnW(JET_SESID s, JET_TABLEID t, const WCHAR *n)
{ (void)s; (void)t; (void)n; PENDING; }
JET_ERR JET_API JetDeleteColumn2W(JET_SESID s, JET_TABLEID t, const WCHAR *n, const JET_GRBIT g)
{ (void)s; (void)t; (void)n; (void)g; PENDING; }
JET_ERR JET_API JetRenameColumnW(JET_SESID s, JET_TABLEID t, const WCHAR *n, const WCHAR *nn,
                                 JET_GRBIT g)
{ (void)s; (void)t; (void)n; (void)nn; (void)g; PENDING; }
JET_ERR JET_API JetDeleteTableW(JET_SESID s, JET_DBID d, const WCHAR *n)
{ (void)s; (void)d; (void)n; PENDING; }
JET_ERR JET_API JetRenameTableW(JET_SESID s, JET_DBID d, const WCHAR *n, const WCHAR *nn)
{ (void)s; (void)d; (void)n; (void)nn; PENDING; }
JET_ERR JET_API JetGetColumnInfoW(JET_SESID s, JET_DBID d, const WCHAR *tn, const WCHAR *cn,
                                  void *pv, ESE_ULONG cb, ESE_ULONG l)
{ (void)s; (void)d; (void)tn; (void)cn; (void)pv; (void)cb; (void)l; PENDING; }
JET_ERR JET_API JetGetObjectInfoW(JET_SESID s, JET_DBID d, JET_OBJTYP o, const WCHAR *c,
                                  const WCHAR *n, void *pv, ESE_ULONG cb, ESE_ULONG l)
{ (void)s; (void)d; (void)o; (void)c; (void)n; (void)pv; (void)cb; (void)l; PENDING; }
JET_ERR JET_API JetGetTableInfoW(JET_SESID s, JET_TABLEID t, void *pv, ESE_ULONG cb, ESE_ULONG l)
{ (void)s; (void)t; (void)pv; (void)cb; (void)l; PENDING; }

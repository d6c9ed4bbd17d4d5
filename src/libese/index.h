/*
 * index.h -- the entries one row has in a secondary index, and how an index's grbits are kept
 * in the catalog.  Pure functions over a record and an index description: no I/O, no locks
 * (database.c does the trees; DESIGN.md "Secondary indexes").
 */
#ifndef LIBESE_INDEX_H
#define LIBESE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "database.h"
#include "record.h"

/* A reusable list of keys (one row's index keys), kept sorted and without duplicates. */
typedef struct index_keys {
    uint8_t *bytes;          /* the keys back to back */
    size_t cb, cap;
    uint32_t *offsets;       /* key i is bytes[offsets[2i] .. + offsets[2i+1]) */
    size_t count, cap_offsets;
} index_keys;

void index_keys_free(index_keys *k);
static inline const uint8_t *index_key_at(const index_keys *k, size_t i, uint32_t *pcb)
{
    *pcb = k->offsets[2 * i + 1];
    return k->bytes + k->offsets[2 * i];
}
/* Whether key/cb is one of k's keys. */
bool index_keys_contains(const index_keys *k, const uint8_t *key, uint32_t cb);

/* The index keys of the row `rec` (a record of `schema`) in index ix, into out (emptied first):
 *   - one entry per value of the most significant key column that holds several values (a
 *     multi-valued column), each with the first value of the other key columns -- ESENT's rule
 *     without JET_bitIndexCrossProduct ("IndexCrossProduct", VistaGrbits, ManagedEsent docs);
 *   - none when the index ignores the NULLs the key has (JET_bitIndexIgnoreNull: every column
 *     NULL; IgnoreAnyNull: any; IgnoreFirstNull: the first), "JET_INDEXCREATE structure";
 *   - JET_errNullKeyDisallowed when it has a NULL and the index says JET_bitIndexDisallowNull;
 *   - key_build's errors (JET_errKeyTruncated with JET_bitIndexDisallowTruncation).
 * A long-value key column counts with its first key_most bytes (ESE's rule); a separated value
 * is read through read_lv, a compressed one decompressed. */
/* Reads a separated long value (osal_malloc'd into *pdata) for index_row_keys. */
typedef JET_ERR (*index_lv_reader)(void *context, uint64_t lid, uint8_t **pdata, uint32_t *pcb);
JET_ERR index_row_keys(const db_index_info *ix, const record_schema *schema, const uint8_t *rec,
                       size_t cb, index_lv_reader read_lv, void *context, index_keys *out);

/* JET_bitIndex* grbits <-> the catalog's IDB | IDX << 16 Flags (catalog_format.h); `multivalued`:
 * some key column is multi-valued (IDB MultiValued). */
uint32_t index_catalog_flags(JET_GRBIT grbit, bool multivalued);
JET_GRBIT index_grbit_from_catalog(uint32_t flags);

#endif /* LIBESE_INDEX_H */

/*
 * key.h -- ESE key normalization: column values to byte-comparable index keys.
 *
 * Pure functions, no I/O.  A key is the concatenation of one normalized segment per index
 * column; keys compare with memcmp (then the shorter first), and that order is the index order.
 * Facts: shared/reference/ese-btree-catalog-facts.md §5.3; ESE's rules for every type are
 * reproduced here (src: ese/fldnorm.cxx), except Unicode text (see below).
 *
 * A segment starts with a prefix byte: 0x7F data, 0x00 NULL (0xC0 when the index sorts NULLs
 * high), 0x40 zero-length (Text/Binary only).  After 0x7F:
 *
 *   Bit                         0xFF for any non-zero byte, else 0x00
 *   UnsignedByte                the byte
 *   Short, Long, LongLong,      big-endian with the sign bit flipped, so that two's complement
 *   Currency                    orders as unsigned bytes
 *   UnsignedShort/Long/LongLong big-endian as is
 *   IEEESingle/Double, DateTime big-endian; negative values have every bit inverted, others
 *                               only the sign bit flipped (-0.0 sorts just below +0.0)
 *   GUID                        bytes 10-15, 8-9, 6-7, 4-5, 0-3 (ESE's order); with the
 *                               index's DotNetGuid flag: 3,2,1,0, 5,4, 7,6, 8-15 (.NET order)
 *   fixed Binary                the bytes as they are
 *   variable/long Binary        8-byte chunks, each followed by a count byte: 9 = more follows,
 *                               1-8 = bytes used in the last chunk (zero-padded); a full last
 *                               chunk says 8 (9 if the key was cut there)
 *   Text, any code page but     the bytes up to the first NUL, a-z upper-cased (C locale, as
 *   1200                        ESE's ErrUtilNormText), then a 0x00 terminator
 *   Text, code page 1200        libese's own rule, see below
 *
 * A descending segment is stored with every byte complemented, its prefix byte included.
 *
 * Unicode text -- a documented fidelity gap.  ESENT normalizes Unicode text with Windows'
 * LCMapStringEx sort keys for the index's locale, which cannot be reproduced portably.  libese
 * instead uses a locale-independent, case-insensitive rule:
 *   1. the value's UTF-16LE code units, up to the first U+0000 (an odd last byte is dropped;
 *      with the default key size only the first 127 units are looked at, as ESE clips input at
 *      255 bytes);
 *   2. each unit is folded by simple one-to-one mappings: ASCII a-z; Latin-1 a-grave..thorn
 *      (not the division sign), y-diaeresis to U+0178, micro sign to Greek capital mu; Latin
 *      Extended-A lower-case letters to their capitals (dotless i and long s to I and S);
 *      Greek small letters (final sigma to capital sigma, tonos letters to theirs); Cyrillic
 *      U+0430-U+045F; full-width ASCII U+FF01-U+FF5E to ASCII (then folded); Hiragana
 *      U+3041-U+3096 to Katakana -- so case, width and kana type are ignored as ESE's default
 *      LCMapFlags (0x00030401) ask;
 *   3. each folded unit is written big-endian (2 bytes), then a 2-byte 0x00 0x00 terminator.
 * Keys therefore order by folded code unit value (not linguistically: e-acute sorts after z),
 * equal for strings that differ only in case, and a string sorts before its extensions.  A
 * database whose Unicode indexes were built by ESENT gets different keys; libese must rebuild
 * such indexes (ESENT itself does the same when the OS's NLS version changes).
 *
 * Key length.  Keys are cut at the index's key_most (JET_cbKeyMost_OLD = 255 by default, up
 * to 2000 depending on the page size) the way ESE cuts them: the segment that crosses the limit
 * is cut there (a text segment then loses its terminator, and its last character is
 * upper-cased with ESE's unconditional "c - 0x20"), later segments are dropped.  An index with
 * disallow_truncation fails with JET_errKeyTruncated instead.
 */
#ifndef LIBESE_KEY_H
#define LIBESE_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esent.h"
#include "record.h" /* JET_coltyp* and JET_CP_* for builds whose esent.h lacks them */

/* Key limits and JetMakeKey grbits come from esent.h (src/esent_constants.h). */

#define KEY_PREFIX_DATA 0x7F
#define KEY_PREFIX_NULL 0x00
#define KEY_PREFIX_NULL_HIGH 0xC0
#define KEY_PREFIX_ZERO_LENGTH 0x40

#define KEY_MOST_DEFAULT 255u      /* JET_cbKeyMost_OLD */
#define KEY_MOST_MOST 2000u        /* ESE's cbKeyMostMost (JET_cbKeyMost8KBytePage and up) */
#define KEY_LIMIT_MOST_MOST 2001u  /* a search key may be one byte longer (KEY::CbLimitKeyMost) */

/* One column of an index. */
typedef struct key_segment {
    JET_COLTYP coltyp;
    uint16_t code_page;   /* text: 1200 = UTF-16LE (libese's rule), anything else = 8-bit */
    bool descending;
    bool fixed_column;    /* the column is a fixed one (fid 1..127): fixed Binary is not chunked */
    uint32_t cb_fixed;    /* fixed Binary/Text: the column's size (JetMakeKey pads shorter data) */
} key_segment;

/* An index's key-shape properties. */
typedef struct key_index {
    const key_segment *segments;
    uint32_t segment_count;   /* 1..JET_ccolKeyMost */
    uint32_t key_most;        /* cbKeyMost; 0 = 255 */
    uint32_t var_seg_mac;     /* cbVarSegMac: most bytes one Text/Binary segment may take,
                               * prefix included; 0 = no limit beyond key_most */
    bool sort_nulls_high;     /* JET_bitIndexSortNullsHigh */
    bool dot_net_guid;        /* JET_bitIndexDotNetGuid */
    bool disallow_truncation; /* JET_bitIndexDisallowTruncation */
} key_index;

/* The largest key_most an index may have on a page size (JET_cbKeyMost*BytePage): 500 for
 * 2 KiB, 1000 for 4 KiB, 2000 above; 0 for an invalid size. */
uint32_t key_most_for_page_size(uint32_t page_size);

/* memcmp order, then the shorter first: the order of keys in a B+tree. */
int key_compare(const uint8_t *a, size_t cb_a, const uint8_t *b, size_t cb_b);

/* ---- index keys from column values (ESE's ErrRECRetrieveKey) -------------------------------- */

/* One column's value for key_build.  is_null: the column is NULL.  Otherwise data/cb is the
 * value (cb 0 = zero-length); give at least the first key_most bytes of a long value
 * (decompressed), more is ignored. */
typedef struct key_column_value {
    const void *data;
    uint32_t cb;
    bool is_null;
} key_column_value;

/* What key_build reports besides the key. */
#define KEY_INFO_TRUNCATED 0x1   /* the key was cut at key_most */
#define KEY_INFO_ALL_NULL 0x2    /* every column NULL (wrnFLDNullKey) */
#define KEY_INFO_FIRST_NULL 0x4  /* the first column NULL (wrnFLDNullFirstSeg) */
#define KEY_INFO_SOME_NULL 0x8   /* at least one column NULL (wrnFLDNullSeg) */

/* Build the key of one index entry from its columns' values (one per segment).  key needs
 * room for key_most bytes.  *info (may be NULL) gets KEY_INFO_* bits, so the caller can apply
 * the index's IgnoreNull / IgnoreAnyNull / IgnoreFirstNull / DisallowNull rules.
 * JET_errKeyTruncated when the index disallows truncation and the key had to be cut;
 * JET_errInvalidParameter for a bad index definition (0 or too many segments, key_most over
 * 2000) or a fixed-type value of the wrong size (JET_errInvalidBufferSize). */
JET_ERR key_build(const key_index *index, const key_column_value *values, uint8_t *key,
                  uint32_t *cb_key, uint32_t *info);

/* Normalize one value into one segment (prefix byte included, complemented when descending),
 * with cb_avail bytes of key space left (>= 1).  data NULL with cb 0 = NULL unless
 * zero_length.  *truncated (may be NULL) says whether the segment was cut to fit. */
JET_ERR key_normalize_segment(const key_index *index, const key_segment *segment,
                              const void *data, uint32_t cb, bool zero_length, uint8_t *out,
                              uint32_t cb_avail, uint32_t *cb_out, bool *truncated);

/* ---- search keys (JetMakeKey) ------------------------------------------------------------- */

/* A search key being made for JetSeek / JetSetIndexRange (a cursor's "search key"). */
typedef struct key_search {
    uint8_t bytes[KEY_LIMIT_MOST_MOST];
    uint32_t cb;
    uint32_t columns;     /* segments supplied so far */
    bool prepared;        /* a key has been started (JetMakeKey with JET_bitNewKey) */
    bool limit;           /* a limit grbit was applied: the key is complete */
    bool too_big;         /* the key reached key_most: later columns add nothing */
} key_search;

/* Forget any key (a fresh cursor, or after the seek). */
void key_search_reset(key_search *ks);

/* JetMakeKey: append the next index column's value (data/cb as the caller passed them, cb 0 =
 * NULL unless JET_bitKeyDataZeroLength) with these grbits, following the documented semantics
 * ("JetMakeKey Function" and "MakeKeyGrbit Enumeration", learn.microsoft.com ESE reference)
 * and ESE's implementation (ErrIsamMakeKey / ErrFLDNormalizeSegment):
 *   JET_bitNewKey            start a new key (otherwise JET_errKeyNotMade when none started)
 *   JET_bitNormalizedKey     data is a whole key made earlier (JetRetrieveKey): load it
 *   JET_bitKeyDataZeroLength cb 0 means a zero-length Text/Binary value, not NULL
 *   JET_bitFullColumnStartLimit  later columns are wildcards, seeking toward the index start
 *                                (the key stays as it is and is marked complete)
 *   JET_bitFullColumnEndLimit    later columns are wildcards, seeking toward the end: the key
 *                                is padded with 0xFF to key_most + 1 bytes
 *   JET_bitPartialColumnStartLimit / EndLimit  this Text (or variable Binary) column is a
 *                                prefix wildcard: its terminator (Binary: its padding and
 *                                count byte) is dropped; EndLimit then pads with 0xFF
 *   JET_bitSubStrLimit       (legacy) PartialColumnEndLimit on a Text column
 *   JET_bitStrLimit          (legacy) PartialColumnEndLimit on variable Binary, else
 *                            FullColumnEndLimit
 * Errors: JET_errKeyNotMade, JET_errKeyIsMade (all columns given, or a limit already applied),
 * JET_errInvalidGrbit (more than one limit option, a partial limit on a non-Text/Binary or
 * fixed Binary column), JET_errInvalidBufferSize (a fixed column's data of the wrong size, or
 * zero-length on one), JET_errInvalidParameter (a normalized key over key_most + 1 bytes). */
JET_ERR key_make(key_search *ks, const key_index *index, const void *data, uint32_t cb,
                 JET_GRBIT grbit);

#endif /* LIBESE_KEY_H */

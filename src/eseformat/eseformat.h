/*
 * eseformat.h - the ESE (ESENT) on-disk format: layouts, checksums, SHA-256.
 *
 * This is the one public header of src/eseformat, a small C11 unit compiled
 * on every platform.  It is shared by libese's buffer manager (stamping
 * checksums on pages it writes), the backup copy loop (verifying pages and
 * hashing streams) and the offline verify tools.
 *
 * Section numbers (e.g. "facts 6.3") refer to
 * shared/reference/ese-format-facts.md.  Everything on disk is
 * little-endian and byte-packed, so this header never overlays C structs on
 * file bytes: it names byte offsets and offers load/store helpers instead.
 *
 * Thread safety: every function is reentrant; none keeps hidden state except
 * the SHA-256 implementation choice, which is safe to read concurrently.
 */
#ifndef ESEFORMAT_H
#define ESEFORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MSVC's C compiler spells "inline" as __inline in older language modes. */
#if defined(_MSC_VER) && !defined(__cplusplus)
#define ESE_INLINE static __inline
#else
#define ESE_INLINE static inline
#endif

/* ======================================================================
 * Little-endian load/store.  Byte-wise so they are correct on any host
 * byte order and any alignment; compilers turn them into single loads.
 * ==================================================================== */

ESE_INLINE uint16_t ese_load_u16(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return (uint16_t)(b[0] | ((unsigned)b[1] << 8));
}

ESE_INLINE uint32_t ese_load_u32(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
           ((uint32_t)b[3] << 24);
}

ESE_INLINE uint64_t ese_load_u64(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return (uint64_t)ese_load_u32(b) | ((uint64_t)ese_load_u32(b + 4) << 32);
}

ESE_INLINE void ese_store_u16(void *p, uint16_t v)
{
    uint8_t *b = (uint8_t *)p;
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

ESE_INLINE void ese_store_u32(void *p, uint32_t v)
{
    uint8_t *b = (uint8_t *)p;
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

ESE_INLINE void ese_store_u64(void *p, uint64_t v)
{
    uint8_t *b = (uint8_t *)p;
    ese_store_u32(b, (uint32_t)v);
    ese_store_u32(b + 4, (uint32_t)(v >> 32));
}

/* ======================================================================
 * Constants
 * ==================================================================== */

/* Magic at DB header offset 4, and the seed of the XOR-32 header checksum
 * (facts 3, 6.1). */
#define ESE_MAGIC 0x89ABCDEFu
#define ESE_HEADER_CHECKSUM_SEED ESE_MAGIC

/* Database format version at DB header offset 8 (facts 5). */
#define ESE_FORMAT_VERSION_620 0x620u

/* Page sizes (facts 2).  2 KiB is obsolete (Windows 8.1 and older) but still
 * readable; pages above 8 KiB use the four-block checksum layout. */
#define ESE_PAGE_SIZE_MIN 2048u
#define ESE_PAGE_SIZE_MAX 32768u
#define ESE_PAGE_SIZE_DEFAULT 4096u /* what a stored page size of 0 means */
#define ESE_SMALL_PAGE_MAX 8192u    /* largest page with a one-block checksum */

/* Size of one XOR+ECC checksum block is at most this (facts 6.3). */
#define ESE_CHECKSUM_BLOCK_MAX 8192u

/* Database file layout (facts 2): header page, shadow header page, then
 * database page n (n >= 1) at file offset (n + 1) * page_size. */
#define ESE_DB_RESERVED_PAGES 2u

/* --- Database header (DBFILEHDR) byte offsets (facts 3) ---------------- */
#define ESE_DBHDR_SIZE 748u /* current engines; older ones wrote >= 668 */
#define ESE_DBHDR_OFF_CHECKSUM 0u
#define ESE_DBHDR_OFF_MAGIC 4u
#define ESE_DBHDR_OFF_FORMAT_VERSION 8u
#define ESE_DBHDR_OFF_ATTRIB 12u
#define ESE_DBHDR_OFF_DBTIME_DIRTIED 16u
#define ESE_DBHDR_OFF_SIGN_DB 24u /* SIGNATURE */
#define ESE_DBHDR_OFF_DBSTATE 52u
#define ESE_DBHDR_OFF_LGPOS_CONSISTENT 56u
#define ESE_DBHDR_OFF_LOGTIME_CONSISTENT 64u
#define ESE_DBHDR_OFF_LOGTIME_ATTACH 72u
#define ESE_DBHDR_OFF_LGPOS_ATTACH 80u
#define ESE_DBHDR_OFF_LOGTIME_DETACH 88u
#define ESE_DBHDR_OFF_LGPOS_DETACH 96u
#define ESE_DBHDR_OFF_DBID 104u
#define ESE_DBHDR_OFF_SIGN_LOG 108u /* SIGNATURE */
#define ESE_DBHDR_OFF_BKINFO_FULL_PREV 136u
#define ESE_DBHDR_OFF_BKINFO_INC_PREV 160u
#define ESE_DBHDR_OFF_BKINFO_FULL_CUR 184u
#define ESE_DBHDR_OFF_DB_FLAGS 208u
#define ESE_DBHDR_OFF_OBJID_LAST 212u
#define ESE_DBHDR_OFF_OS_MAJOR 216u
#define ESE_DBHDR_OFF_OS_MINOR 220u
#define ESE_DBHDR_OFF_OS_BUILD 224u
#define ESE_DBHDR_OFF_OS_SP 228u
#define ESE_DBHDR_OFF_FORMAT_REVISION 232u /* DaeUpdateMajor */
#define ESE_DBHDR_OFF_PAGE_SIZE 236u       /* 0 means 4096 */
#define ESE_DBHDR_OFF_REPAIR_COUNT 240u
#define ESE_DBHDR_OFF_LOGTIME_REPAIR 244u
#define ESE_DBHDR_OFF_DBTIME_LAST_SCRUB 280u
#define ESE_DBHDR_OFF_LOGTIME_SCRUB 288u
#define ESE_DBHDR_OFF_GEN_MIN_REQUIRED 296u
#define ESE_DBHDR_OFF_GEN_MAX_REQUIRED 300u
#define ESE_DBHDR_OFF_BKINFO_SNAPSHOT_CUR 316u
#define ESE_DBHDR_OFF_CREATE_VERSION 340u
#define ESE_DBHDR_OFF_CREATE_REVISION 344u
#define ESE_DBHDR_OFF_LOGTIME_GEN_MAX_CREATE 348u
#define ESE_DBHDR_OFF_BKINFO_TYPE_FULL_PREV 356u
#define ESE_DBHDR_OFF_BKINFO_TYPE_INC_PREV 360u
#define ESE_DBHDR_OFF_GEN_MAX_COMMITTED 416u
#define ESE_DBHDR_OFF_BKINFO_COPY_PREV 420u
#define ESE_DBHDR_OFF_BKINFO_DIFF_PREV 444u
#define ESE_DBHDR_OFF_BKINFO_TYPE_COPY_PREV 468u
#define ESE_DBHDR_OFF_BKINFO_TYPE_DIFF_PREV 472u
#define ESE_DBHDR_OFF_SORT_VERSION 508u
#define ESE_DBHDR_OFF_GEN_RECOVERING 536u
#define ESE_DBHDR_OFF_EXTEND_COUNT 540u
#define ESE_DBHDR_OFF_LOGTIME_LAST_EXTEND 544u
#define ESE_DBHDR_OFF_SHRINK_COUNT 552u
#define ESE_DBHDR_OFF_LOGTIME_LAST_SHRINK 556u
#define ESE_DBHDR_OFF_LOGTIME_LAST_REATTACH 564u
#define ESE_DBHDR_OFF_LGPOS_LAST_REATTACH 572u
#define ESE_DBHDR_OFF_TRIM_COUNT 580u
#define ESE_DBHDR_OFF_SIGN_DB_HDR_FLUSH 584u
#define ESE_DBHDR_OFF_SIGN_FLUSHMAP_HDR_FLUSH 612u
#define ESE_DBHDR_OFF_GEN_MIN_CONSISTENT 640u
#define ESE_DBHDR_OFF_FORMAT_UPDATE_MINOR 644u /* DaeUpdateMinor */
#define ESE_DBHDR_OFF_EFV_MAX_BIN_ATTACH 648u
#define ESE_DBHDR_OFF_PGNO_DBSCAN_HIGHEST 652u
#define ESE_DBHDR_OFF_LGPOS_LAST_RESIZE 656u
#define ESE_DBHDR_OFF_FILE_TYPE 667u /* unaligned u32, same offset in log/chk */
#define ESE_DBHDR_OFF_LOGTIME_GEN_MAX_REQUIRED 672u
#define ESE_DBHDR_OFF_GEN_PRE_REDO_MIN_CONSISTENT 680u
#define ESE_DBHDR_OFF_GEN_PRE_REDO_MIN_REQUIRED 684u
#define ESE_DBHDR_OFF_SIGN_RBS_HDR_FLUSH 688u

/* DB flag bits in the u32 at ESE_DBHDR_OFF_DB_FLAGS (byte 208 / byte 211). */
#define ESE_DBFLAG_SHADOWING_DISABLED 0x00000001u
#define ESE_DBFLAG_UPGRADE_PENDING 0x00000002u
#define ESE_DBFLAG_ATTACHED_ESENT 0x01000000u
#define ESE_DBFLAG_ATTACHED_ESE 0x02000000u

/* Database states, u32 at ESE_DBHDR_OFF_DBSTATE (facts 4, = JET_dbstate*). */
#define ESE_DBSTATE_JUST_CREATED 1u
#define ESE_DBSTATE_DIRTY_SHUTDOWN 2u
#define ESE_DBSTATE_CLEAN_SHUTDOWN 3u
#define ESE_DBSTATE_BEING_CONVERTED 4u
#define ESE_DBSTATE_FORCE_DETACH 5u
#define ESE_DBSTATE_INCREMENTAL_RESEED 6u
#define ESE_DBSTATE_DIRTY_AND_PATCHED 7u
#define ESE_DBSTATE_REVERT_IN_PROGRESS 8u

/* File types, u32 at offset 667 of DB, log, checkpoint and flush-map
 * headers (facts 4, = JET_filetype*). */
#define ESE_FILETYPE_UNKNOWN 0u
#define ESE_FILETYPE_DATABASE 1u
#define ESE_FILETYPE_STREAMING_FILE 2u
#define ESE_FILETYPE_LOG 3u
#define ESE_FILETYPE_CHECKPOINT 4u
#define ESE_FILETYPE_TEMP_DATABASE 5u
#define ESE_FILETYPE_FTL 6u
#define ESE_FILETYPE_FLUSH_MAP 7u
#define ESE_FILETYPE_CACHED_FILE 8u
#define ESE_FILETYPE_CACHING_FILE 9u
#define ESE_FILETYPE_RBS 10u
#define ESE_FILETYPE_RBS_REVERT_CHECKPOINT 11u

/* Backup types stored beside the BKINFOs (facts 3, offsets 356/360/468/472). */
#define ESE_BACKUP_TYPE_STREAMING 0u
#define ESE_BACKUP_TYPE_OS_SNAPSHOT 1u
#define ESE_BACKUP_TYPE_SNAPSHOT 2u

/* --- Page header byte offsets (facts 7.1, 7.2) -------------------------- */
#define ESE_PGHDR_SIZE 40u       /* pages <= 8 KiB */
#define ESE_PGHDR_LARGE_SIZE 80u /* 16 and 32 KiB pages */
#define ESE_PGHDR_OFF_CHECKSUM 0u
#define ESE_PGHDR_OFF_DBTIME_DIRTIED 8u
#define ESE_PGHDR_OFF_PGNO_PREV 16u
#define ESE_PGHDR_OFF_PGNO_NEXT 20u
#define ESE_PGHDR_OFF_OBJID_FDP 24u
#define ESE_PGHDR_OFF_CB_FREE 28u
#define ESE_PGHDR_OFF_CB_UNCOMMITTED_FREE 30u
#define ESE_PGHDR_OFF_IB_MIC_FREE 32u
#define ESE_PGHDR_OFF_ITAG_STATE 34u
#define ESE_PGHDR_OFF_FLAGS 36u
#define ESE_PGHDR_OFF_BLOCK_CHECKSUMS 40u /* large pages: blocks 1..3, 8 bytes each */
#define ESE_PGHDR_OFF_PGNO 64u            /* large pages: copy of the page number */
#define ESE_PGHDR_ITAG_COUNT_MASK 0x0FFFu /* mask itagState with this (facts 7.1) */

/* Page flags, u32 at ESE_PGHDR_OFF_FLAGS (facts 7.3). */
#define ESE_PAGE_FLAG_ROOT 0x00001u
#define ESE_PAGE_FLAG_LEAF 0x00002u
#define ESE_PAGE_FLAG_PARENT_OF_LEAF 0x00004u
#define ESE_PAGE_FLAG_EMPTY 0x00008u
#define ESE_PAGE_FLAG_REPAIR 0x00010u
#define ESE_PAGE_FLAG_SPACE_TREE 0x00020u
#define ESE_PAGE_FLAG_INDEX 0x00040u
#define ESE_PAGE_FLAG_LONG_VALUE 0x00080u
#define ESE_PAGE_FLAG_NON_UNIQUE_KEYS 0x00400u
#define ESE_PAGE_FLAG_NEW_RECORD_FORMAT 0x00800u
#define ESE_PAGE_FLAG_NEW_CHECKSUM 0x02000u /* XOR+ECC checksum (facts 6.3) */
#define ESE_PAGE_FLAG_SCRUBBED 0x04000u
#define ESE_PAGE_FLAG_FLUSH_TYPE_MASK 0x18000u
#define ESE_PAGE_FLAG_PREINIT 0x20000u
#define ESE_PAGE_FLAG_FDP_DELETE 0x40000u

/* Bit offset, from the start of the page, of ESE_PAGE_FLAG_NEW_CHECKSUM.
 * ECC correction never flips it (facts 6.3 step 4). */
#define ESE_NEW_CHECKSUM_FLAG_BIT (ESE_PGHDR_OFF_FLAGS * 8u + 13u)

/* --- Streaming-backup trailer page, PATCHHDR (facts 2) ------------------ */
#define ESE_PATCHHDR_OFF_BKINFO 40u
#define ESE_PATCHHDR_OFF_SIGN_DB 64u
#define ESE_PATCHHDR_OFF_SIGN_LOG 92u
#define ESE_PATCHHDR_OFF_GEN_MIN_REQUIRED 120u
#define ESE_PATCHHDR_OFF_GEN_MAX_REQUIRED 124u
#define ESE_PATCHHDR_OFF_GEN_MAX_COMMITTED 128u
#define ESE_PATCHHDR_OFF_LOGTIME_GEN_MAX_REQUIRED 132u
#define ESE_PATCHHDR_OFF_LOGTIME_GEN_MAX_COMMITTED 140u

/* --- Log file header, LGFILEHDR (facts 8.1) ----------------------------- */
#define ESE_LGHDR_SIZE 4096u /* checksummed size, whatever the sector size */
#define ESE_LGHDR_OFF_CHECKSUM 0u
#define ESE_LGHDR_OFF_GENERATION 4u
#define ESE_LGHDR_OFF_CB_SEC 8u
#define ESE_LGHDR_OFF_CSEC_HEADER 10u
#define ESE_LGHDR_OFF_CSEC_FILE 12u
#define ESE_LGHDR_OFF_DB_PAGE_SIZE 14u
#define ESE_LGHDR_OFF_LOGTIME_CREATE 16u
#define ESE_LGHDR_OFF_LOGTIME_PREV_GEN 24u
#define ESE_LGHDR_OFF_VERSION_MAJOR 32u
/* ulMajor of libese's own logs: esent.dll knows only 7 and 8, so it never replays them, and
 * offline tools on any platform can tell a libese log from an ESENT one. */
#define ESE_LIBESE_LOG_VERSION_MAJOR 0x4C45u
#define ESE_LGHDR_OFF_VERSION_MINOR 36u
#define ESE_LGHDR_OFF_VERSION_UPDATE_MAJOR 40u
#define ESE_LGHDR_OFF_SIGN_LOG 44u
#define ESE_LGHDR_OFF_DBMS_PARAM 72u
#define ESE_LGHDR_OFF_FLAGS 639u
#define ESE_LGHDR_OFF_LGPOS_CHECKPOINT 640u
#define ESE_LGHDR_OFF_VERSION_UPDATE_MINOR 648u
#define ESE_LGHDR_OFF_FILE_TYPE 667u
#define ESE_LGHDR_OFF_ATTACH_INFO 671u

/* --- Log segment header, LGSEGHDR, v8 logs (facts 8.3) ------------------ */
#define ESE_LOG_SEGMENT_SIZE 4096u
#define ESE_LGSEG_OFF_CHECKSUM 0u
#define ESE_LGSEG_OFF_LGPOS 8u /* ib = 0, isec, generation */
#define ESE_LGSEG_OFF_ISEC 10u /* the number XOR'd into the checksum (facts 6.4) */
#define ESE_LGSEG_OFF_LOGTIME_START 16u
#define ESE_LGSEG_OFF_FLAGS 36u

/* --- Checkpoint file (facts 9) ------------------------------------------ */
#define ESE_CHKHDR_SIZE 4096u /* followed by an identical shadow copy */
#define ESE_CHKHDR_OFF_CHECKSUM 0u
#define ESE_CHKHDR_OFF_LGPOS_LAST_FULL_BACKUP_CHECKPOINT 4u
#define ESE_CHKHDR_OFF_LGPOS_CHECKPOINT 12u
#define ESE_CHKHDR_OFF_SIGN_LOG 20u
#define ESE_CHKHDR_OFF_DBMS_PARAM 48u
#define ESE_CHKHDR_OFF_FILE_TYPE 667u

/* ======================================================================
 * Shared records (facts 1): LGPOS, LOGTIME, SIGNATURE, BKINFO.
 * Decoded into host structs; *_load reads the on-disk bytes, *_store
 * writes them back.
 * ==================================================================== */

#define ESE_LGPOS_SIZE 8u
#define ESE_LOGTIME_SIZE 8u
#define ESE_SIGNATURE_SIZE 28u
#define ESE_BKINFO_SIZE 24u

/* Log position: orders by generation, then isec, then ib. */
typedef struct ese_lgpos {
    uint16_t ib;        /* byte offset inside the sector */
    uint16_t isec;      /* sector index inside the log file */
    int32_t generation; /* log generation */
} ese_lgpos;

/* LOGTIME, decoded.  Every field is zero (year 0, not 1900) when the stored
 * 8 bytes are zero, which means "not set"; storing such a value writes zeros. */
typedef struct ese_logtime {
    uint16_t year;        /* full year: stored byte + 1900 */
    uint8_t month;        /* 1..12 */
    uint8_t day;          /* 1..31 */
    uint8_t hour, minute, second;
    uint16_t millisecond; /* 0..999 (10 bits across bytes 6 and 7) */
    bool utc;             /* byte 6 bit 0 */
    bool reserved_flag;   /* byte 7 bit 0 ("OS snapshot" in backup times) */
} ese_logtime;

/* SIGNATURE: random value, creation time, computer name (<= 15 chars). */
typedef struct ese_signature {
    uint32_t random;
    ese_logtime created;
    char computer_name[16]; /* always NUL-terminated after load */
} ese_signature;

/* BKINFO / JET_BKINFO.  All zero means no backup is recorded. */
typedef struct ese_bkinfo {
    ese_lgpos mark;
    ese_logtime mark_time;
    uint32_t gen_low;
    uint32_t gen_high;
} ese_bkinfo;

/* Read/write an 8-byte LGPOS at p. */
void ese_lgpos_load(const void *p, ese_lgpos *out);
void ese_lgpos_store(void *p, const ese_lgpos *pos);
/* <0, 0, >0 as a is before, equal to, after b (generation, isec, ib). */
int ese_lgpos_compare(const ese_lgpos *a, const ese_lgpos *b);

/* Read/write an 8-byte LOGTIME at p.  Every defined bit round-trips; the
 * unused bits 4-7 of byte 7 are written as zero.  Store clamps nothing:
 * fields out of range (e.g. year < 1900) are stored modulo their width. */
void ese_logtime_load(const void *p, ese_logtime *out);
void ese_logtime_store(void *p, const ese_logtime *t);
/* True when any of the 8 bytes at p is non-zero. */
bool ese_logtime_is_set(const void *p);

/* Read/write a 28-byte SIGNATURE at p. */
void ese_signature_load(const void *p, ese_signature *out);
void ese_signature_store(void *p, const ese_signature *sig);

/* Read/write a 24-byte BKINFO at p. */
void ese_bkinfo_load(const void *p, ese_bkinfo *out);
void ese_bkinfo_store(void *p, const ese_bkinfo *bk);

/* ======================================================================
 * XOR-32 header checksum (facts 6.1): DB header and shadow, backup
 * trailer page, log header, checkpoint, flush-map header.
 * ==================================================================== */

/* Checksum of a header block of cb bytes (cb a multiple of 4, >= 4):
 * 0x89ABCDEF XOR every little-endian u32 except the first (the stored
 * checksum).  cb is the whole page for DB headers, 4096 for log and
 * checkpoint headers. */
uint32_t ese_header_checksum(const void *block, size_t cb);

/* True when the u32 at offset 0 equals ese_header_checksum(block, cb). */
bool ese_header_verify(const void *block, size_t cb);

/* Compute the header checksum and store it at offset 0. */
void ese_header_stamp(void *block, size_t cb);

/* Page size of a database from its header, per ESE's auto-detection rule
 * (facts 2): the smallest P in 2, 4, 8, 16, 32 KiB with P <= len whose first
 * P bytes pass the header checksum and whose u32 at 236 equals P (or is 0
 * with P = 4096).  Returns 0 when no size fits. */
size_t ese_detect_page_size(const void *buf, size_t len);

/* The same rule applied to the shadow header: for each P, the P bytes at
 * offset P of buf (buf still starts at file offset 0).  Use it when the
 * primary header is damaged.  Returns 0 when no size fits. */
size_t ese_detect_page_size_from_shadow(const void *buf, size_t len);

/* Page size stored in a DB header (the u32 at 236, with 0 read as 4096).
 * Does not check anything. */
uint32_t ese_header_page_size(const void *header);

/* True when page looks like a streaming-backup trailer (PATCHHDR): dwords
 * 1, 2, 3 and 6 are zero, ESE's own test (facts 2).  page_size >= 32. */
bool ese_page_is_patch_trailer(const void *page, size_t page_size);

/* ======================================================================
 * XOR+ECC 64-bit block checksum (facts 6.3) - the one routine behind page,
 * large-page block and log-segment checksums.
 * ==================================================================== */

/* Checksum of one block of cb bytes; cb a multiple of 8, at most
 * ESE_CHECKSUM_BLOCK_MAX (real blocks are 2, 4 or 8 KiB).  pgno is XOR'd
 * into the low half.  header_block: the first 8 bytes (where the checksum is
 * stored) count as zero.  Returns (ECC << 32) | XOR, i.e. the value whose
 * little-endian bytes are stored on disk; 0 when cb is invalid. */
uint64_t ese_block_checksum(const void *block, size_t cb, uint32_t pgno,
                            bool header_block);

/* Given a block's stored and computed checksums (which differ), the offset
 * of the single bit, counted from the start of the block (bit b = bit b%8 of
 * byte b/8), whose flip would make them equal; -1 when the difference is not
 * a single-bit data error.  Stricter than a bare ECC test: the XOR halves
 * must differ in exactly bit (b % 32) too. */
int32_t ese_block_error_bit(size_t cb, uint64_t stored, uint64_t computed);

/* ======================================================================
 * Whole database pages.
 * ==================================================================== */

/* Outcome of verifying one page, ordered by severity. */
typedef enum ese_page_status {
    ESE_PAGE_OK = 0,
    ESE_PAGE_UNINITIALIZED = 1, /* all zero: never written, carries no checksum */
    ESE_PAGE_CORRECTABLE = 2,   /* single-bit error(s) ECC can repair */
    ESE_PAGE_WRONG_PGNO = 3,    /* intact content of another page number */
    ESE_PAGE_BAD = 4,           /* checksum mismatch that cannot be explained */
    ESE_PAGE_INVALID_SIZE = 5   /* page_size not 2/4/8/16/32 KiB */
} ese_page_status;

/* Details of one page's verification. */
typedef struct ese_page_check {
    ese_page_status status;
    uint32_t pgno;         /* the page number the page was checked against */
    uint32_t claimed_pgno; /* WRONG_PGNO: page number whose checksum fits; else 0 */
    uint32_t error_bits;   /* CORRECTABLE: how many bits (<= 1 per block) */
    /* CORRECTABLE: page-relative bit offsets to flip, first = lowest block.
     * Unused entries are UINT32_MAX. */
    uint32_t bit[4];
    uint32_t bad_block;    /* BAD: index of the first block that failed */
    bool new_format;       /* page flag 0x2000 was set */
    /* Checksum of the first failing block (block 0 when all match): the
     * value stored on the page and the value computed from its data. */
    uint64_t stored;
    uint64_t computed;
} ese_page_check;

/* True for 2048, 4096, 8192, 16384 and 32768. */
bool ese_page_size_valid(size_t page_size);

/* Number of checksum blocks of a page: 1 up to 8 KiB, 4 above, 0 when the
 * size is invalid.  Block size is page_size / count. */
unsigned ese_page_block_count(size_t page_size);

/* The checksums a page's data calls for, block by block, in the page's own
 * format (flag 0x2000): out[0] is the value for bytes 0-7; for 16/32 KiB
 * pages out[1..3] are the values for offsets 40, 48, 56.  Block 0 covers the
 * values currently stored at 40..63, as verification does.  A legacy page
 * (flag clear) has the one value (pgno << 32) | XOR-32, whatever its size.
 * Returns the number of values (1 or 4), or 0 for an invalid size. */
unsigned ese_page_checksums(const void *page, size_t page_size, uint32_t pgno,
                            uint64_t out[4]);

/* Stamp a page for writing in the XOR+ECC format, as ESE does: set flag
 * 0x2000, for 16/32 KiB pages store pgno at offset 64 and the block 1-3
 * checksums at 40/48/56, then block 0's checksum at 0.  Returns false (page
 * untouched) for an invalid size. */
bool ese_page_stamp(void *page, size_t page_size, uint32_t pgno);

/* Stamp a page in the legacy format (facts 6.2): clear flag 0x2000, store
 * pgno in bytes 4-7 and the XOR-32 of the whole page in bytes 0-3.  For
 * tests and tools; ESE has written only the new format since Windows 7.
 * Returns false (page untouched) for an invalid size. */
bool ese_page_stamp_legacy(void *page, size_t page_size, uint32_t pgno);

/* Verify one page read from the location of page pgno.  out may be NULL.
 * The format follows the page's flag 0x2000, like ESE.  Large pages: block 0
 * is judged first; a correctable bit inside the stored block checksums
 * (bytes 40-63) is applied to them before blocks 1-3 are compared; each block
 * may hold its own correctable bit, and any unexplained block makes the
 * page BAD.  WRONG_PGNO needs every block's ECC half to match and the XOR
 * halves to point at one other page number (and, on large pages, the pgno
 * copy at 64 to name it); legacy pages name it in bytes 4-7.  A one-bit
 * flip inside a small page's stored XOR half is indistinguishable from a
 * page number differing in that bit and is reported as WRONG_PGNO. */
ese_page_status ese_page_verify(const void *page, size_t page_size,
                                uint32_t pgno, ese_page_check *out);

/* Verify and, when the page is CORRECTABLE, flip the bad bits in place and
 * check again.  Returns the status before correction; out (may be NULL)
 * describes it, so out->bit[] lists what was flipped.  Pages in any other
 * state are left untouched. */
ese_page_status ese_page_correct(void *page, size_t page_size, uint32_t pgno,
                                 ese_page_check *out);

/* Flip bit `bit` (bit b%8 of byte b/8) of a buffer. */
void ese_flip_bit(void *buf, uint32_t bit);

/* Counts of a batch verification; fields add up to pages. */
typedef struct ese_verify_totals {
    uint64_t pages;
    uint64_t ok;
    uint64_t uninitialized;
    uint64_t correctable;
    uint64_t wrong_pgno;
    uint64_t bad;
} ese_verify_totals;

/* Verify page_count consecutive pages in buf (page_count * page_size bytes)
 * starting at page number first_pgno.  The first max_problems pages that are
 * not OK or UNINITIALIZED are written to problems (may be NULL when
 * max_problems is 0).  totals (may be NULL) is ADDED to, so one struct can
 * sum a file read in chunks.  Returns the total number of problem pages,
 * which may exceed max_problems; (size_t)-1 when page_size is invalid. */
size_t ese_verify_pages(const void *buf, size_t page_size, size_t page_count,
                        uint32_t first_pgno, ese_page_check *problems,
                        size_t max_problems, ese_verify_totals *totals);

/* Short lower-case name of a status: "ok", "uninitialized", "correctable",
 * "wrong_pgno", "bad", "invalid_size". */
const char *ese_page_status_name(ese_page_status status);

/* ======================================================================
 * v8 log segments (facts 6.4): one 4 KiB block, header-block rule, with the
 * isec stored at offset 10 in place of a page number.
 * ==================================================================== */

/* Checksum the 4096-byte segment calls for (stored isec, not position). */
uint64_t ese_log_segment_checksum(const void *segment);

/* Verify a segment.  All-zero segments (unused) are UNINITIALIZED; a
 * single-bit error is CORRECTABLE (out->bit[0]); ECC matching with a
 * different XOR is BAD here, since the isec is read from the segment itself.
 * out may be NULL. */
ese_page_status ese_log_segment_verify(const void *segment, ese_page_check *out);

/* Set flag 0x2000 at offset 36 and store the segment's checksum at 0. */
void ese_log_segment_stamp(void *segment);

/* ======================================================================
 * SHA-256 (FIPS 180-4), streaming.  A portable implementation plus
 * hardware paths chosen at run time: x86-64 SHA-NI, ARMv8 SHA2.
 * ==================================================================== */

#define ESE_SHA256_DIGEST_SIZE 32u
#define ESE_SHA256_BLOCK_SIZE 64u

typedef enum ese_sha256_impl {
    ESE_SHA256_AUTO = 0,     /* best available (environment may force portable) */
    ESE_SHA256_PORTABLE = 1,
    ESE_SHA256_X86_SHANI = 2,
    ESE_SHA256_ARMV8 = 3
} ese_sha256_impl;

/* Streaming state.  Opaque in spirit; laid out here so callers can put it on
 * the stack or inside their own objects.  Copying it forks the hash. */
typedef struct ese_sha256_ctx {
    uint32_t state[8];
    uint64_t total_bytes;
    uint8_t pending[64];
    uint32_t pending_len;
    ese_sha256_impl impl; /* resolved implementation, never AUTO */
} ese_sha256_ctx;

/* Start a hash with the process-wide implementation (see below). */
void ese_sha256_init(ese_sha256_ctx *ctx);

/* Start a hash with a given implementation.  AUTO means the process-wide
 * choice.  Returns false (and falls back to portable) when impl is not
 * available on this CPU or build. */
bool ese_sha256_init_impl(ese_sha256_ctx *ctx, ese_sha256_impl impl);

/* Feed len bytes (data may be NULL when len is 0). */
void ese_sha256_update(ese_sha256_ctx *ctx, const void *data, size_t len);

/* Write the 32-byte digest.  The context must be re-initialised to reuse. */
void ese_sha256_final(ese_sha256_ctx *ctx, uint8_t digest[32]);

/* One-shot convenience. */
void ese_sha256(const void *data, size_t len, uint8_t digest[32]);

/* True when impl can run here (PORTABLE and AUTO always can). */
bool ese_sha256_available(ese_sha256_impl impl);

/* The process-wide implementation, resolved: on first use it is the best
 * available one, or PORTABLE when the environment variable
 * ESENT_SHA256_PORTABLE is set to a non-empty value other than "0". */
ese_sha256_impl ese_sha256_current(void);

/* Change the process-wide implementation for contexts initialised later
 * (AUTO: detect again, honouring the environment).  Returns false and changes
 * nothing when impl is not available. */
bool ese_sha256_select(ese_sha256_impl impl);

/* "portable", "sha-ni", "armv8" or "auto". */
const char *ese_sha256_impl_name(ese_sha256_impl impl);

#ifdef __cplusplus
}
#endif

#endif /* ESEFORMAT_H */

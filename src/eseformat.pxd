# Cython declarations of src/eseformat/eseformat.h: the ESE on-disk format unit (layouts,
# XOR-32 and XOR+ECC checksums, SHA-256).  Compiled on every platform; the Python wrappers live
# in pyx/format.pxi.
#
# `bool` results and fields of the C header are declared as `bint`: Cython never lays out an
# extern struct itself, and the C compiler converts the values.  Integer constants that are
# macros are declared `const` with their C type so Python sees them unsigned and exact.

from libc.stdint cimport int32_t, uint8_t, uint16_t, uint32_t, uint64_t


cdef extern from "eseformat.h" nogil:
    # --- little-endian load/store (static inline in the header) -----------------------------
    uint16_t ese_load_u16(const void *p)
    uint32_t ese_load_u32(const void *p)
    uint64_t ese_load_u64(const void *p)
    void ese_store_u16(void *p, uint16_t v)
    void ese_store_u32(void *p, uint32_t v)
    void ese_store_u64(void *p, uint64_t v)

    # --- constants ---------------------------------------------------------------------------
    const uint32_t ESE_MAGIC
    const uint32_t ESE_HEADER_CHECKSUM_SEED
    const uint32_t ESE_FORMAT_VERSION_620
    const uint32_t ESE_LIBESE_LOG_VERSION_MAJOR
    const uint32_t ESE_PAGE_SIZE_MIN
    const uint32_t ESE_PAGE_SIZE_MAX
    const uint32_t ESE_PAGE_SIZE_DEFAULT
    const uint32_t ESE_SMALL_PAGE_MAX
    const uint32_t ESE_CHECKSUM_BLOCK_MAX
    const uint32_t ESE_DB_RESERVED_PAGES

    const uint32_t ESE_DBHDR_SIZE
    const uint32_t ESE_DBHDR_OFF_CHECKSUM
    const uint32_t ESE_DBHDR_OFF_MAGIC
    const uint32_t ESE_DBHDR_OFF_FORMAT_VERSION
    const uint32_t ESE_DBHDR_OFF_DBTIME_DIRTIED
    const uint32_t ESE_DBHDR_OFF_SIGN_DB
    const uint32_t ESE_DBHDR_OFF_DBSTATE
    const uint32_t ESE_DBHDR_OFF_LGPOS_CONSISTENT
    const uint32_t ESE_DBHDR_OFF_SIGN_LOG
    const uint32_t ESE_DBHDR_OFF_BKINFO_FULL_PREV
    const uint32_t ESE_DBHDR_OFF_BKINFO_INC_PREV
    const uint32_t ESE_DBHDR_OFF_BKINFO_FULL_CUR
    const uint32_t ESE_DBHDR_OFF_FORMAT_REVISION
    const uint32_t ESE_DBHDR_OFF_PAGE_SIZE
    const uint32_t ESE_DBHDR_OFF_GEN_MIN_REQUIRED
    const uint32_t ESE_DBHDR_OFF_GEN_MAX_REQUIRED
    const uint32_t ESE_DBHDR_OFF_FORMAT_UPDATE_MINOR
    const uint32_t ESE_DBHDR_OFF_FILE_TYPE

    const uint32_t ESE_PGHDR_SIZE
    const uint32_t ESE_PGHDR_LARGE_SIZE
    const uint32_t ESE_PGHDR_OFF_FLAGS
    const uint32_t ESE_PGHDR_OFF_BLOCK_CHECKSUMS
    const uint32_t ESE_PGHDR_OFF_PGNO
    const uint32_t ESE_PAGE_FLAG_NEW_CHECKSUM
    const uint32_t ESE_NEW_CHECKSUM_FLAG_BIT

    const uint32_t ESE_LOG_SEGMENT_SIZE
    const uint32_t ESE_LGSEG_OFF_ISEC
    const uint32_t ESE_LGHDR_SIZE
    const uint32_t ESE_CHKHDR_SIZE

    const uint32_t ESE_DBSTATE_JUST_CREATED
    const uint32_t ESE_DBSTATE_DIRTY_SHUTDOWN
    const uint32_t ESE_DBSTATE_CLEAN_SHUTDOWN
    const uint32_t ESE_FILETYPE_DATABASE
    const uint32_t ESE_FILETYPE_LOG
    const uint32_t ESE_FILETYPE_CHECKPOINT

    # --- shared records ----------------------------------------------------------------------
    ctypedef struct ese_lgpos:
        uint16_t ib
        uint16_t isec
        int32_t generation

    ctypedef struct ese_logtime:
        uint16_t year
        uint8_t month
        uint8_t day
        uint8_t hour
        uint8_t minute
        uint8_t second
        uint16_t millisecond
        bint utc
        bint reserved_flag

    ctypedef struct ese_signature:
        uint32_t random
        ese_logtime created
        char computer_name[16]

    ctypedef struct ese_bkinfo:
        ese_lgpos mark
        ese_logtime mark_time
        uint32_t gen_low
        uint32_t gen_high

    void ese_lgpos_load(const void *p, ese_lgpos *out)
    void ese_lgpos_store(void *p, const ese_lgpos *pos)
    int ese_lgpos_compare(const ese_lgpos *a, const ese_lgpos *b)
    void ese_logtime_load(const void *p, ese_logtime *out)
    void ese_logtime_store(void *p, const ese_logtime *t)
    bint ese_logtime_is_set(const void *p)
    void ese_signature_load(const void *p, ese_signature *out)
    void ese_signature_store(void *p, const ese_signature *sig)
    void ese_bkinfo_load(const void *p, ese_bkinfo *out)
    void ese_bkinfo_store(void *p, const ese_bkinfo *bk)

    # --- XOR-32 header checksum ------------------------------------------------------------------
    uint32_t ese_header_checksum(const void *block, size_t cb)
    bint ese_header_verify(const void *block, size_t cb)
    void ese_header_stamp(void *block, size_t cb)
    size_t ese_detect_page_size(const void *buf, size_t len)
    size_t ese_detect_page_size_from_shadow(const void *buf, size_t len)
    uint32_t ese_header_page_size(const void *header)
    bint ese_page_is_patch_trailer(const void *page, size_t page_size)

    # --- XOR+ECC block checksum ------------------------------------------------------------------
    uint64_t ese_block_checksum(const void *block, size_t cb, uint32_t pgno, bint header_block)
    int32_t ese_block_error_bit(size_t cb, uint64_t stored, uint64_t computed)

    # --- pages -----------------------------------------------------------------------------------
    ctypedef enum ese_page_status:
        ESE_PAGE_OK
        ESE_PAGE_UNINITIALIZED
        ESE_PAGE_CORRECTABLE
        ESE_PAGE_WRONG_PGNO
        ESE_PAGE_BAD
        ESE_PAGE_INVALID_SIZE

    ctypedef struct ese_page_check:
        ese_page_status status
        uint32_t pgno
        uint32_t claimed_pgno
        uint32_t error_bits
        uint32_t bit[4]
        uint32_t bad_block
        bint new_format
        uint64_t stored
        uint64_t computed

    ctypedef struct ese_verify_totals:
        uint64_t pages
        uint64_t ok
        uint64_t uninitialized
        uint64_t correctable
        uint64_t wrong_pgno
        uint64_t bad

    bint ese_page_size_valid(size_t page_size)
    unsigned ese_page_block_count(size_t page_size)
    unsigned ese_page_checksums(const void *page, size_t page_size, uint32_t pgno, uint64_t out[4])
    bint ese_page_stamp(void *page, size_t page_size, uint32_t pgno)
    bint ese_page_stamp_legacy(void *page, size_t page_size, uint32_t pgno)
    ese_page_status ese_page_verify(const void *page, size_t page_size, uint32_t pgno,
                                    ese_page_check *out)
    ese_page_status ese_page_correct(void *page, size_t page_size, uint32_t pgno,
                                     ese_page_check *out)
    void ese_flip_bit(void *buf, uint32_t bit)
    size_t ese_verify_pages(const void *buf, size_t page_size, size_t page_count,
                            uint32_t first_pgno, ese_page_check *problems, size_t max_problems,
                            ese_verify_totals *totals)
    const char *ese_page_status_name(ese_page_status status)

    # --- v8 log segments ---------------------------------------------------------------------------
    uint64_t ese_log_segment_checksum(const void *segment)
    ese_page_status ese_log_segment_verify(const void *segment, ese_page_check *out)
    void ese_log_segment_stamp(void *segment)

    # --- SHA-256 -----------------------------------------------------------------------------------
    const uint32_t ESE_SHA256_DIGEST_SIZE
    const uint32_t ESE_SHA256_BLOCK_SIZE

    ctypedef enum ese_sha256_impl:
        ESE_SHA256_AUTO
        ESE_SHA256_PORTABLE
        ESE_SHA256_X86_SHANI
        ESE_SHA256_ARMV8

    ctypedef struct ese_sha256_ctx:
        uint64_t total_bytes
        ese_sha256_impl impl

    void ese_sha256_init(ese_sha256_ctx *ctx)
    bint ese_sha256_init_impl(ese_sha256_ctx *ctx, ese_sha256_impl impl)
    void ese_sha256_update(ese_sha256_ctx *ctx, const void *data, size_t len)
    void ese_sha256_final(ese_sha256_ctx *ctx, uint8_t digest[32])
    void ese_sha256(const void *data, size_t len, uint8_t digest[32])
    bint ese_sha256_available(ese_sha256_impl impl)
    ese_sha256_impl ese_sha256_current()
    bint ese_sha256_select(ese_sha256_impl impl)
    const char *ese_sha256_impl_name(ese_sha256_impl impl)

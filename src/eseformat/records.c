/*
 * records.c - the small shared records of the ESE format (facts 1):
 * LGPOS, LOGTIME, SIGNATURE, BKINFO, plus a few header probes.
 */
#include "eseformat.h"

#include <string.h>

void ese_lgpos_load(const void *p, ese_lgpos *out)
{
    const uint8_t *b = (const uint8_t *)p;
    out->ib = ese_load_u16(b);
    out->isec = ese_load_u16(b + 2);
    out->generation = (int32_t)ese_load_u32(b + 4);
}

void ese_lgpos_store(void *p, const ese_lgpos *pos)
{
    uint8_t *b = (uint8_t *)p;
    ese_store_u16(b, pos->ib);
    ese_store_u16(b + 2, pos->isec);
    ese_store_u32(b + 4, (uint32_t)pos->generation);
}

int ese_lgpos_compare(const ese_lgpos *a, const ese_lgpos *b)
{
    if (a->generation != b->generation)
        return a->generation < b->generation ? -1 : 1;
    if (a->isec != b->isec)
        return a->isec < b->isec ? -1 : 1;
    if (a->ib != b->ib)
        return a->ib < b->ib ? -1 : 1;
    return 0;
}

/* LOGTIME bytes: 0 s, 1 min, 2 h, 3 day, 4 month (1-12), 5 year - 1900;
 * byte 6: bit 0 UTC, bits 1-7 ms low 7 bits; byte 7: bit 0 reserved flag,
 * bits 1-3 ms high 3 bits, bits 4-7 unused (written as zero). */
void ese_logtime_load(const void *p, ese_logtime *out)
{
    const uint8_t *b = (const uint8_t *)p;
    out->second = b[0];
    out->minute = b[1];
    out->hour = b[2];
    out->day = b[3];
    out->month = b[4];
    out->year = (uint16_t)(1900u + b[5]);
    out->utc = (b[6] & 1u) != 0;
    out->reserved_flag = (b[7] & 1u) != 0;
    out->millisecond = (uint16_t)((b[6] >> 1) | (((b[7] >> 1) & 7u) << 7));
    if (!ese_logtime_is_set(p))
        out->year = 0; /* "not set" decodes to all-zero fields */
}

void ese_logtime_store(void *p, const ese_logtime *t)
{
    uint8_t *b = (uint8_t *)p;
    if (t->year == 0 && t->month == 0 && t->day == 0 && t->hour == 0 &&
        t->minute == 0 && t->second == 0 && t->millisecond == 0 && !t->utc &&
        !t->reserved_flag) {
        memset(b, 0, ESE_LOGTIME_SIZE); /* the "not set" value */
        return;
    }
    b[0] = t->second;
    b[1] = t->minute;
    b[2] = t->hour;
    b[3] = t->day;
    b[4] = t->month;
    b[5] = (uint8_t)(t->year - 1900u);
    b[6] = (uint8_t)(((t->millisecond & 0x7Fu) << 1) | (t->utc ? 1u : 0u));
    b[7] = (uint8_t)((((t->millisecond >> 7) & 7u) << 1) | (t->reserved_flag ? 1u : 0u));
}

bool ese_logtime_is_set(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    for (unsigned i = 0; i < ESE_LOGTIME_SIZE; ++i)
        if (b[i] != 0)
            return true;
    return false;
}

void ese_signature_load(const void *p, ese_signature *out)
{
    const uint8_t *b = (const uint8_t *)p;
    out->random = ese_load_u32(b);
    ese_logtime_load(b + 4, &out->created);
    memcpy(out->computer_name, b + 12, 16);
    out->computer_name[15] = '\0';
}

void ese_signature_store(void *p, const ese_signature *sig)
{
    uint8_t *b = (uint8_t *)p;
    ese_store_u32(b, sig->random);
    ese_logtime_store(b + 4, &sig->created);
    /* 15 characters at most, zero-padded, always terminated. */
    memset(b + 12, 0, 16);
    size_t n = 0;
    while (n < 15 && sig->computer_name[n] != '\0')
        ++n;
    memcpy(b + 12, sig->computer_name, n);
}

void ese_bkinfo_load(const void *p, ese_bkinfo *out)
{
    const uint8_t *b = (const uint8_t *)p;
    ese_lgpos_load(b, &out->mark);
    ese_logtime_load(b + 8, &out->mark_time);
    out->gen_low = ese_load_u32(b + 16);
    out->gen_high = ese_load_u32(b + 20);
}

void ese_bkinfo_store(void *p, const ese_bkinfo *bk)
{
    uint8_t *b = (uint8_t *)p;
    ese_lgpos_store(b, &bk->mark);
    ese_logtime_store(b + 8, &bk->mark_time);
    ese_store_u32(b + 16, bk->gen_low);
    ese_store_u32(b + 20, bk->gen_high);
}

uint32_t ese_header_page_size(const void *header)
{
    const uint32_t stored = ese_load_u32((const uint8_t *)header + ESE_DBHDR_OFF_PAGE_SIZE);
    return stored == 0 ? ESE_PAGE_SIZE_DEFAULT : stored;
}

bool ese_page_is_patch_trailer(const void *page, size_t page_size)
{
    const uint8_t *b = (const uint8_t *)page;
    if (page_size < 32)
        return false;
    return ese_load_u32(b + 4) == 0 && ese_load_u32(b + 8) == 0 &&
           ese_load_u32(b + 12) == 0 && ese_load_u32(b + 24) == 0;
}

"""The ESE on-disk format unit (src/eseformat through src/pyx/format.pxi): header and page
checksums, single-bit repair, page-size detection, log segments, and SHA-256.

Section numbers ("format facts §6.3") refer to shared/reference/ese-format-facts.md.  Tests
marked ``contract`` check format facts on databases written by Windows (shared/ese-samples,
described by its MANIFEST.md); they skip when the samples are absent.  Tests marked ``libese``
check this implementation on synthetic data, against an independent pure-Python reference of
the checksum arithmetic written from the fact sheet.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pathlib
import random
import struct
import subprocess
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esent import _esent as fmt

REPO = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "ese-samples"

PAGE_SIZES = (2048, 4096, 8192, 16384, 32768)
FLAG_NEW_CHECKSUM = 0x2000
FLAG_BIT = 36 * 8 + 13  # bit offset of page flag 0x2000 (format facts §6.3 step 4)

# From shared/ese-samples/MANIFEST.md: file size (uncompressed), page size, format revision at
# offset 232, database state at offset 52 (3 clean, 2 dirty) and the SHA-256 of the file as
# stored there.
SAMPLE_FACTS = {
    "secedit-win11-22631.sdb": dict(
        size=1_048_576, page_size=4096, revision=0xE6, state=3,
        sha256="8c716d95d46e3c58e8f4a4794f0820fa67fc1ab090be924b40692a1400078f2c"),
    "Catalog1.edb": dict(
        size=3_153_920, page_size=4096, revision=0x14, state=3,
        sha256="8a6ca11fad99b39620f45e2420172e2c9ed137ad8a9c415a5e10bd9080e7ad78"),
    "SRUDB.dat": dict(
        size=3_276_800, page_size=4096, revision=0x6E, state=3,
        sha256="def113048c6c940bbcafad576a28f90444e53a9f8cec498067d128caacf2ac90"),
    "decompress_test-8k.edb": dict(
        size=2_097_152, page_size=8192, revision=0x14, state=3,
        sha256="044a977db84799965bc9eabef9290be7b79ee76a779650817a62466b5ff09cb9"),
    "qmgr-16k.db": dict(
        size=1_310_720, page_size=16384, revision=0x12C, state=2,
        sha256="a1079dd971db1b0d774a2520d4e566e158286df4c1bd84deab8513ddaa379149"),
    "large-32k.edb.gz": dict(
        size=25_165_824, page_size=32768, revision=0x14, state=3,
        sha256="ac45242653a3f5d01259cba88c828cb77142713ac3c3be71e57b7973abcc4113"),
}
SAMPLE_NAMES = sorted(SAMPLE_FACTS)


# ------------------------------------------------------------------------------------------
# Independent reference of the checksum arithmetic (format facts §6.1-§6.3), in plain Python.
# The XOR of the indices of all set bits is computed bit by bit of the result: bit j of it is
# the parity of the set bits whose index has bit j set, i.e. popcount(block & mask_j) & 1.
# ------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _index_bit_mask(nbytes: int, j: int) -> int:
    """Integer with bit b set (b < 8 * nbytes) exactly when bit j of b is set."""
    if j < 3:
        pattern = bytes([(0xAA, 0xCC, 0xF0)[j]]) * nbytes
    else:
        run = 1 << (j - 3)  # bytes per run of equal bit j
        pattern = (bytes(run) + b"\xff" * run) * (nbytes // (2 * run))
    return int.from_bytes(pattern, "little")


def _xor32(data: bytes) -> int:
    return functools.reduce(lambda a, b: a ^ b, struct.unpack(f"<{len(data) // 4}I", data), 0)


def ref_header_checksum(block: bytes) -> int:
    """Format facts §6.1: 0x89ABCDEF XOR every u32 but the first."""
    return 0x89ABCDEF ^ _xor32(block[4:])


def ref_block_checksum(block: bytes, pgno: int, header_block: bool) -> int:
    """Format facts §6.3 steps 1-3, for a block of 2, 4 or 8 KiB."""
    if header_block:
        block = bytes(8) + block[8:]
    xor_part = _xor32(block) ^ pgno
    bits = int.from_bytes(block, "little")
    index_xor = 0
    for j in range((len(block) * 8).bit_length() - 1):
        index_xor |= ((bits & _index_bit_mask(len(block), j)).bit_count() & 1) << j
    ecc = (index_xor & 0xFFFF) | ((index_xor ^ (0xFFFF if bits.bit_count() & 1 else 0)) << 16)
    ecc &= ((len(block) << 19) - 1) & 0xFFFFFFFF
    return (ecc << 32) | xor_part


def ref_page_checksums(page: bytes, pgno: int) -> list[int]:
    """What a page should store (§6.2, §6.3): [offset 0] or [offset 0, 40, 48, 56]."""
    (flags,) = struct.unpack_from("<I", page, 36)
    if not flags & FLAG_NEW_CHECKSUM:
        return [(pgno << 32) | ref_header_checksum(page)]
    if len(page) <= 8192:
        return [ref_block_checksum(page, pgno, True)]
    cb = len(page) // 4
    rest = [ref_block_checksum(page[i * cb:(i + 1) * cb], pgno, False) for i in (1, 2, 3)]
    return [ref_block_checksum(page[:cb], pgno, True)] + rest


def stored_checksums(page: bytes) -> list[int]:
    if len(page) <= 8192 or not struct.unpack_from("<I", page, 36)[0] & FLAG_NEW_CHECKSUM:
        return [struct.unpack_from("<Q", page, 0)[0]]
    return [struct.unpack_from("<Q", page, 0)[0], *struct.unpack_from("<3Q", page, 40)]


def flip(buf: bytearray, bit: int) -> None:
    buf[bit // 8] ^= 1 << (bit % 8)


# ------------------------------------------------------------------------------------------
# Sample databases
# ------------------------------------------------------------------------------------------


def load_sample(sample_dir: pathlib.Path, name: str) -> bytes:
    if name.endswith(".gz"):
        return (sample_dir / name[:-3]).read_bytes()
    return (SAMPLES / name).read_bytes()


@pytest.fixture(scope="module")
def samples(sample_dir: pathlib.Path) -> dict[str, bytes]:
    return {name: load_sample(sample_dir, name) for name in SAMPLE_NAMES}


@pytest.fixture(scope="module")
def used(samples: dict[str, bytes]) -> dict[str, list[int]]:
    """In-use page numbers of each sample."""
    return {name: in_use_pages(data, SAMPLE_FACTS[name]["page_size"])
            for name, data in samples.items()}


def in_use_pages(data: bytes, page_size: int) -> list[int]:
    """Database page numbers whose page is not all zero (format facts §2, §6.3)."""
    zero = bytes(page_size)
    return [n for n in range(1, len(data) // page_size - 1)
            if data[(n + 1) * page_size:(n + 2) * page_size] != zero]


def page_of(data: bytes, page_size: int, pgno: int) -> bytes:
    return data[(pgno + 1) * page_size:(pgno + 2) * page_size]


# ------------------------------------------------------------------------------------------
# Contract: facts on Windows-written files
# ------------------------------------------------------------------------------------------


@pytest.mark.contract
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_headers_verify_and_name_their_page_size(samples, name):
    """Format facts §2, §3, §6.1: header and shadow verify (XOR-32), the shadow is identical,
    the page size is detected by ESE's rule, and the header fields agree with MANIFEST.md."""
    data, facts = samples[name], SAMPLE_FACTS[name]
    size = facts["page_size"]
    assert len(data) == facts["size"]
    assert fmt.detect_page_size(data) == size
    header, shadow = data[:size], data[size:2 * size]
    assert fmt.verify_header(header) and fmt.verify_header(shadow)
    assert header == shadow
    assert fmt.header_checksum(header) == struct.unpack_from("<I", header)[0]
    assert fmt.header_checksum(header) == ref_header_checksum(header)
    magic, version = struct.unpack_from("<II", header, 4)
    assert (magic, version) == (0x89ABCDEF, 0x620)
    assert struct.unpack_from("<I", header, 52)[0] == facts["state"]
    assert struct.unpack_from("<I", header, 232)[0] == facts["revision"]
    assert struct.unpack_from("<I", header, 667)[0] == 1  # file type: database (§4)


@pytest.mark.contract
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_in_use_page_verifies(samples, name):
    """Format facts §6.3: every in-use page of every sample passes its XOR+ECC checksum (all
    four blocks on 16/32 KiB pages, block 0 covering the others and the pgno copy at 64), by
    verify_pages and by the reference arithmetic; all-zero pages count as uninitialized."""
    data = samples[name]
    size = SAMPLE_FACTS[name]["page_size"]
    totals: dict[str, int] = {}
    assert fmt.verify_pages(memoryview(data)[2 * size:], size, 1, totals=totals) == []
    used = in_use_pages(data, size)
    assert totals["pages"] == len(data) // size - 2
    assert totals["ok"] == len(used) > 0
    assert totals["uninitialized"] == totals["pages"] - len(used)
    for pgno in used:
        page = page_of(data, size, pgno)
        assert struct.unpack_from("<I", page, 36)[0] & FLAG_NEW_CHECKSUM
        assert stored_checksums(page) == ref_page_checksums(page, pgno)
        assert list(fmt.page_checksums(page, pgno)) == stored_checksums(page)
        if size > 8192:
            assert struct.unpack_from("<I", page, 64)[0] == pgno  # format facts §7.2


@pytest.mark.contract
def test_worked_example_secedit(samples):
    """Format facts §11: header checksum 0xBC68D3A2; pages 1-3 XOR and ECC halves; flipping
    bit 8005 of page 3 yields 0x1E871E870099DB9A, an ECC difference of 0x60BA1F45 that names
    bit 8005, which correction restores."""
    data = samples["secedit-win11-22631.sdb"]
    assert fmt.header_checksum(data[:4096]) == 0xBC68D3A2
    expected = {1: (0x0001A772, 0x7FDF7FDF), 2: (0x00EC59D9, 0x01920192),
                3: (0x0099DBB9, 0x7E3D01C2)}
    for pgno, (xor_data, ecc) in expected.items():
        page = page_of(data, 4096, pgno)
        assert fmt.page_checksum(page, pgno) == (ecc << 32) | (xor_data ^ pgno)
        assert fmt.block_checksum(page, pgno) == (ecc << 32) | (xor_data ^ pgno)
        assert fmt.verify_page(page, pgno) == ("ok", None)
    page3 = bytearray(page_of(data, 4096, 3))
    flip(page3, 8005)
    assert fmt.page_checksum(page3, 3) == 0x1E871E870099DB9A
    assert (0x1E871E870099DB9A ^ 0x7E3D01C20099DBBA) >> 32 == 0x60BA1F45
    assert fmt.verify_page(page3, 3) == ("correctable", 8005)
    assert fmt.correct_page(page3, 3) == (8005,)
    assert bytes(page3) == page_of(data, 4096, 3)


@pytest.mark.contract
def test_worked_example_block_checksums_of_other_page_sizes(samples):
    """Format facts §11: page 1 block checksums of the 8, 16 and 32 KiB samples; an all-zero
    block stores just the page number (§6.3)."""
    assert fmt.page_checksums(page_of(samples["decompress_test-8k.edb"], 8192, 1), 1) == (
        0x00CCFF330001B77C,)
    assert fmt.page_checksums(page_of(samples["qmgr-16k.db"], 16384, 1), 1) == (
        0x7D4A02B5001AE81F, 0x1, 0x1, 0x001B7FE400000011)
    assert fmt.page_checksums(page_of(samples["large-32k.edb.gz"], 32768, 1), 1) == (
        0x01310131001A28C0, 0x1, 0x1, 0x001BFFE400000011)


@pytest.mark.contract
@settings(max_examples=60, deadline=None)
@given(choice=st.data())
def test_random_flipped_bit_in_a_real_page_is_located_and_corrected(samples, used, choice):
    """Format facts §6.3 step 4: one flipped bit anywhere the checksum covers (not the stored
    checksum, not the format flag) makes the page correctable, naming that bit; correcting
    restores the page.  Two flips in one block are detected but never correctable."""
    name = choice.draw(st.sampled_from(SAMPLE_NAMES), label="sample")
    size = SAMPLE_FACTS[name]["page_size"]
    data = samples[name]
    pgno = choice.draw(st.sampled_from(used[name]), label="pgno")
    original = page_of(data, size, pgno)
    covered = st.integers(64, size * 8 - 1).filter(lambda b: b != FLAG_BIT)
    bit = choice.draw(covered, label="bit")

    page = bytearray(original)
    flip(page, bit)
    assert fmt.verify_page(page, pgno) == ("correctable", bit)
    problems = fmt.verify_pages(page, size, pgno)
    assert problems == [(pgno, "correctable", bit)]
    assert fmt.correct_page(page, pgno) == (bit,)
    assert bytes(page) == original

    block_bits = size * 8 // (4 if size > 8192 else 1)
    first_of_block = bit - bit % block_bits
    second = choice.draw(
        st.integers(max(64, first_of_block), first_of_block + block_bits - 1)
        .filter(lambda b: b not in (bit, FLAG_BIT)), label="second bit in the same block")
    page = bytearray(original)
    flip(page, bit)
    flip(page, second)
    assert fmt.verify_page(page, pgno) == ("bad", None)
    with pytest.raises(ValueError):
        fmt.correct_page(page, pgno)
    assert bytes(page) != original  # untouched: both flips still there


@pytest.mark.contract
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_page_read_from_the_wrong_location_names_its_page_number(samples, name):
    """Format facts §6.3: the page number enters the checksum, so an intact page checked as
    another page fails with its ECC half intact; the XOR difference names the page."""
    data = samples[name]
    size = SAMPLE_FACTS[name]["page_size"]
    pgno = in_use_pages(data, size)[-1]
    page = page_of(data, size, pgno)
    assert fmt.verify_page(page, pgno + 1) == ("wrong_pgno", pgno)
    assert fmt.verify_pages(page, size, pgno + 7) == [(pgno + 7, "wrong_pgno", pgno)]


@pytest.mark.contract
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_damaged_header_page_size_comes_from_the_shadow(samples, name):
    """Format facts §2: readers fall back to the shadow header when the primary fails its
    checksum; auto-detection works on the shadow at offset P."""
    size = SAMPLE_FACTS[name]["page_size"]
    head = bytearray(samples[name][:2 * size])
    head[300] ^= 0x10
    assert not fmt.verify_header(head[:size])
    assert fmt.detect_page_size(head) == size
    head[size + 300] ^= 0x10
    with pytest.raises(ValueError):
        fmt.detect_page_size(head)


@pytest.mark.libese
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_files_hash_as_the_manifest_says(name):
    """SHA-256 of each sample file as stored (MANIFEST.md), on every implementation."""
    if not SAMPLES.is_dir():
        pytest.skip(f"Windows-written sample databases not found at {SAMPLES}")
    data = (SAMPLES / name).read_bytes()
    for implementation in fmt.sha256_implementations():
        assert fmt.sha256(data, implementation=implementation).hex() == \
            SAMPLE_FACTS[name]["sha256"]


# ------------------------------------------------------------------------------------------
# libese: this implementation on synthetic data
# ------------------------------------------------------------------------------------------


def random_page(rng: random.Random, size: int) -> bytearray:
    page = bytearray(rng.randbytes(size))
    struct.pack_into("<I", page, 36, 0x0803)  # root, leaf, new record format
    return page


@pytest.mark.libese
@settings(max_examples=40, deadline=None)
@given(size=st.sampled_from(PAGE_SIZES), pgno=st.integers(1, 0xFFFFFFFF),
       seed=st.integers(0, 2**32), legacy=st.booleans())
def test_stamped_pages_verify_and_match_the_reference(size, pgno, seed, legacy):
    """Format facts §6.2, §6.3: a page stamped for writing (XOR+ECC with flag 0x2000, or the
    legacy XOR-32 with pgno in bytes 4-7) verifies, and its checksums equal the reference."""
    page = random_page(random.Random(seed), size)
    fmt.stamp_page(page, pgno, legacy=legacy)
    assert fmt.verify_page(page, pgno) == ("ok", None)
    flags = struct.unpack_from("<I", page, 36)[0]
    assert bool(flags & FLAG_NEW_CHECKSUM) is not legacy
    assert stored_checksums(page) == ref_page_checksums(bytes(page), pgno)
    if legacy:
        assert struct.unpack_from("<I", page, 4)[0] == pgno
    elif size > 8192:
        assert struct.unpack_from("<I", page, 64)[0] == pgno


@pytest.mark.libese
@settings(max_examples=60, deadline=None)
@given(block=st.sampled_from((2048, 4096, 8192)).flatmap(lambda n: st.binary(min_size=n, max_size=n)),
       pgno=st.integers(0, 0xFFFFFFFF), header_block=st.booleans())
def test_block_checksum_matches_the_reference(block, pgno, header_block):
    """Format facts §6.3: the word-parallel C block checksum equals the reference."""
    assert fmt.block_checksum(block, pgno, header_block) == \
        ref_block_checksum(block, pgno, header_block)


@pytest.mark.libese
@settings(max_examples=40, deadline=None)
@given(size=st.sampled_from(PAGE_SIZES), seed=st.integers(0, 2**32), data=st.data())
def test_one_flip_per_block_of_a_large_page_is_corrected(size, seed, data):
    """Format facts §6.3: each 4/8 KiB block of a large page is repaired on its own; a flip in
    the stored block checksums (bytes 40-63) is repaired through block 0."""
    rng = random.Random(seed)
    page = random_page(rng, size)
    fmt.stamp_page(page, 77)
    original = bytes(page)
    nblocks = 4 if size > 8192 else 1
    block_bits = size * 8 // nblocks
    blocks = data.draw(st.sets(st.integers(0, nblocks - 1), min_size=1), label="blocks")
    bits = []
    for b in sorted(blocks):
        low = 64 if b == 0 else 0
        bit = b * block_bits + data.draw(
            st.integers(low, block_bits - 1).filter(lambda x: b or x != FLAG_BIT))
        bits.append(bit)
        flip(page, bit)
    status, detail = fmt.verify_page(page, 77)
    assert (status, detail) == ("correctable", bits[0])
    assert fmt.correct_page(page, 77) == tuple(bits)
    assert bytes(page) == original


@pytest.mark.libese
def test_format_flag_and_stored_checksum_are_never_corrected():
    """Format facts §6.3 step 4: the format flag bit is never 'corrected'; a page whose flag
    flipped is bad.  Zero pages are uninitialized, not bad (§6.3)."""
    for size in PAGE_SIZES:
        page = random_page(random.Random(size), size)
        fmt.stamp_page(page, 9)
        flip(page, FLAG_BIT)
        assert fmt.verify_page(page, 9)[0] == "bad"
        assert fmt.verify_page(bytes(size), 9) == ("uninitialized", None)
        assert fmt.correct_page(bytearray(size), 9) == ()


@pytest.mark.libese
def test_verify_pages_reports_problems_in_order_and_counts_all():
    """verify_pages: one entry per problem page in page order with status and detail;
    totals are added to; max_problems caps the list, not the counts."""
    size, count, first = 4096, 150, 500
    rng = random.Random(1)
    buf = bytearray()
    for i in range(count):
        page = random_page(rng, size)
        fmt.stamp_page(page, first + i)
        buf += page
    buf[10 * size:11 * size] = bytes(size)                       # 510 uninitialized
    flip(buf, 20 * size * 8 + 4321)                              # 520 correctable at 4321
    page = random_page(rng, size)
    fmt.stamp_page(page, 9999)
    buf[30 * size:31 * size] = page                              # 530 holds page 9999
    for i in range(40, 140):                                     # 540..639: 100 bad pages
        buf[i * size + 1000] ^= 0x81
    totals = {"pages": 1}
    problems = fmt.verify_pages(buf, size, first, totals=totals)
    assert problems[:3] == [(520, "correctable", 4321), (530, "wrong_pgno", 9999),
                            (540, "bad", None)]
    assert [p[0] for p in problems[2:]] == list(range(540, 640))
    assert totals == {"pages": count + 1, "ok": count - 103, "uninitialized": 1,
                      "correctable": 1, "wrong_pgno": 1, "bad": 100}
    assert fmt.verify_pages(buf, size, first, max_problems=1) == problems[:1]
    assert fmt.verify_pages(buf, size, first, max_problems=0) == []
    assert fmt.verify_pages(b"", size, first) == []
    with pytest.raises(ValueError):
        fmt.verify_pages(buf[:-1], size, first)
    with pytest.raises(ValueError):
        fmt.verify_pages(buf, 12288, first)


@pytest.mark.libese
def test_log_segment_checksum_uses_the_stored_isec():
    """Format facts §6.4: a v8 log segment is one 4 KiB header block whose checksum takes the
    isec stored at offset 10 in place of a page number; unused segments are all zero."""
    segment = bytearray(random.Random(4).randbytes(4096))
    struct.pack_into("<HHi", segment, 8, 0, 321, 17)  # lgposSegment: ib 0, isec 321, gen 17
    fmt.stamp_log_segment(segment)
    assert struct.unpack_from("<I", segment, 36)[0] & FLAG_NEW_CHECKSUM
    assert fmt.log_segment_checksum(segment) == ref_block_checksum(bytes(segment), 321, True)
    assert fmt.verify_log_segment(segment) == ("ok", None)
    flip(segment, 9999)
    assert fmt.verify_log_segment(segment) == ("correctable", 9999)
    flip(segment, 10000)
    assert fmt.verify_log_segment(segment) == ("bad", None)
    assert fmt.verify_log_segment(bytes(4096)) == ("uninitialized", None)
    with pytest.raises(ValueError):
        fmt.verify_log_segment(bytes(512))


@pytest.mark.libese
@pytest.mark.parametrize("size", PAGE_SIZES)
def test_detect_page_size_of_a_stamped_header(size):
    """Format facts §2: ESE's auto-detection finds every page size; a stored 0 means 4096."""
    header = bytearray(2 * size)
    struct.pack_into("<II", header, 4, 0x89ABCDEF, 0x620)
    struct.pack_into("<I", header, 236, 0 if size == 4096 else size)
    header[400:500] = random.Random(size).randbytes(100)
    assert not fmt.verify_header(header[:size])
    checksum = fmt.stamp_header(memoryview(header)[:size])
    assert checksum == ref_header_checksum(bytes(header[:size])) == \
        struct.unpack_from("<I", header)[0]
    assert fmt.verify_header(header[:size])
    header[size:] = header[:size]
    assert fmt.detect_page_size(header) == size


@pytest.mark.libese
def test_argument_checks():
    """Wrong sizes, read-only buffers and out-of-range page numbers are refused cleanly."""
    with pytest.raises(ValueError):
        fmt.verify_page(bytes(100), 1)
    with pytest.raises(ValueError):
        fmt.page_checksum(bytes(4096), -1)
    with pytest.raises(ValueError):
        fmt.page_checksum(bytes(4096), 1 << 32)
    with pytest.raises((BufferError, ValueError, TypeError)):
        fmt.stamp_page(bytes(4096), 1)
    with pytest.raises(ValueError):
        fmt.header_checksum(b"abc")
    with pytest.raises(ValueError):
        fmt.detect_page_size(b"")
    with pytest.raises(ValueError):
        fmt.block_checksum(bytes(16384), 1)
    assert fmt.is_patch_trailer(bytes(4096))


# ------------------------------------------------------------------------------------------
# SHA-256
# ------------------------------------------------------------------------------------------

IMPLEMENTATIONS = fmt.sha256_implementations()


@pytest.mark.libese
@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_sha256_standard_vectors(implementation):
    """FIPS 180-4 test vectors: "", "abc", the 448-bit message and a million 'a's."""
    vectors = {
        b"": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        b"abc": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq":
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        b"a" * 1_000_000: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    }
    for message, digest in vectors.items():
        assert fmt.sha256(message, implementation=implementation).hex() == digest
        assert fmt.Sha256(message, implementation=implementation).hexdigest() == digest


@pytest.mark.libese
@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=20_000), cuts=st.lists(st.integers(0, 20_000), max_size=12))
def test_sha256_equals_hashlib_in_any_chunking(implementation, data, cuts):
    """Streaming SHA-256 equals hashlib.sha256 for random inputs fed in random pieces."""
    hasher = fmt.Sha256(implementation=implementation)
    assert hasher.implementation == implementation
    edges = sorted({0, len(data), *(c for c in cuts if c <= len(data))})
    for start, end in zip(edges, edges[1:]):
        hasher.update(memoryview(data)[start:end])
    expected = hashlib.sha256(data).digest()
    assert hasher.digest() == expected
    assert hasher.digest() == expected  # digest() does not end the hash
    twin = hasher.copy()
    hasher.update(b"x")
    assert twin.digest() == expected
    assert hasher.digest() == hashlib.sha256(data + b"x").digest()
    assert fmt.sha256(data, implementation=implementation) == expected


@pytest.mark.libese
def test_sha256_accepts_buffers_like_hashlib():
    """Any C-contiguous buffer hashes as its bytes; str is refused, as hashlib does."""
    import array
    numbers = array.array("I", range(5000))
    assert fmt.sha256(numbers) == hashlib.sha256(numbers).digest()
    assert fmt.Sha256(bytearray(b"abc")).digest() == hashlib.sha256(b"abc").digest()
    with pytest.raises(TypeError):
        fmt.sha256("abc")
    with pytest.raises(TypeError):
        fmt.Sha256().update("abc")
    hasher = fmt.Sha256()
    assert (hasher.name, hasher.digest_size, hasher.block_size) == ("sha256", 32, 64)


@pytest.mark.libese
def test_sha256_in_threads_gives_right_digests():
    """Large updates release the GIL; concurrent hashes of different data stay independent."""
    blobs = [random.Random(i).randbytes(3_000_000) for i in range(4)]
    results: dict[int, bytes] = {}

    def work(i: int) -> None:
        hasher = fmt.Sha256()
        for start in range(0, len(blobs[i]), 1 << 20):
            hasher.update(blobs[i][start:start + (1 << 20)])
        results[i] = hasher.digest()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(blobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: hashlib.sha256(blob).digest() for i, blob in enumerate(blobs)}


@pytest.mark.libese
def test_sha256_implementation_selection():
    """The process-wide choice can be set and reset; unknown or unavailable names are refused;
    ESENT_SHA256_PORTABLE=1 forces the portable code from the start."""
    before = fmt.sha256_implementation()
    assert before in IMPLEMENTATIONS and "portable" in IMPLEMENTATIONS
    try:
        fmt.set_sha256_implementation("portable")
        assert fmt.sha256_implementation() == "portable"
        assert fmt.Sha256().implementation == "portable"
    finally:
        fmt.set_sha256_implementation(before)
    fmt.set_sha256_implementation("auto")
    assert fmt.sha256_implementation() == before
    with pytest.raises(ValueError):
        fmt.set_sha256_implementation("md5")
    for name in {"sha-ni", "armv8"} - set(IMPLEMENTATIONS):
        with pytest.raises(ValueError):
            fmt.Sha256(implementation=name)

    env = dict(os.environ, ESENT_SHA256_PORTABLE="1")
    out = subprocess.run(
        [sys.executable, "-c", "from esent import _esent; print(_esent.sha256_implementation())"],
        env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert out == "portable"

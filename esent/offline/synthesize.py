"""Synthetic ESE files for tests and benchmarks, built to the format facts with the native
checksum stamping: v8 log files, streaming-backup images (a database's pages plus the header
changes and trailer page a streaming backup produces), and large databases grown from the
in-use pages of a real one.

These files are well-formed as far as this package checks (checksums, signatures, generation
chains); their log records are filler, so no engine could replay them.
"""

from __future__ import annotations

import os
import random
import struct
from collections.abc import Sequence

from esent import _esent as native
from esent.offline.database import RESERVED_PAGES, DatabaseHeader, PatchTrailer
from esent.offline.enums import DatabaseState, FileType
from esent.offline.log import ATTACH_OFFSET, HEADER_SIZE, SEGMENT_SIZE, AttachInfo
from esent.offline.records import BackupInfo, LogPosition, LogTime, Signature


def _put(buf: bytearray, offset: int, fmt: str, *values: int) -> None:
    struct.pack_into("<" + fmt, buf, offset, *values)


def _attach_entry(entry: AttachInfo) -> bytes:
    name = entry.path.encode("utf-16-le") + b"\0\0"
    fixed = bytearray(AttachInfo.FIXED_SIZE)
    fixed[0], fixed[1] = entry.dbid, entry.flags | 0x20  # names stored in UTF-16
    _put(fixed, 2, "H", len(name))
    _put(fixed, 4, "QII", entry.dbtime, entry.objid_last, entry.max_pages)
    fixed[20:28] = entry.attach_position.to_bytes()
    fixed[28:36] = entry.consistent_position.to_bytes()
    fixed[36:64] = entry.db_signature.to_bytes()
    return bytes(fixed) + name


def make_log(generation: int, log_signature: Signature, *, created: LogTime,
             previous_created: LogTime = LogTime(), used_sectors: int = 8,
             file_sectors: int = 32, attachments: Sequence[AttachInfo] = (),
             seed: int | None = None) -> bytes:
    """A v8 log file (format facts §8.1, §8.3) of ``file_sectors`` 4 KiB sectors: the header,
    then ``used_sectors`` stamped segments of filler records, the shadow copy of the last one,
    and zeros.  ``previous_created`` must be the previous generation's ``created`` for the
    chain to hold (the zero time for generation 1)."""
    if not 0 <= used_sectors <= file_sectors - 2:
        raise ValueError("used_sectors leaves no room for the header and the shadow sector")
    data = bytearray(file_sectors * SEGMENT_SIZE)
    header = memoryview(data)[:HEADER_SIZE]
    _put(data, 4, "IHHHH", generation, SEGMENT_SIZE, 1, file_sectors, 4096)
    data[16:24] = created.to_bytes()
    data[24:32] = previous_created.to_bytes()
    _put(data, 32, "III", 8, 4000, 60)  # log format 8.4000.60.140 (format facts §8.1)
    data[44:72] = log_signature.to_bytes()
    system_path = b"C:\\esent\\synthetic\\"
    data[72:72 + len(system_path)] = system_path
    data[639] = 0
    data[640:648] = LogPosition(generation, 1, 0).to_bytes()
    _put(data, 648, "I", 140)
    _put(data, 667, "I", FileType.Log)
    attach = b"".join(_attach_entry(entry) for entry in attachments)
    data[ATTACH_OFFSET:ATTACH_OFFSET + len(attach)] = attach
    native.stamp_header(header)
    filler = random.Random(generation if seed is None else seed)
    for sector in range(1, used_sectors + 1):
        segment = memoryview(data)[sector * SEGMENT_SIZE:(sector + 1) * SEGMENT_SIZE]
        segment[8:16] = LogPosition(generation, sector, 0).to_bytes()
        segment[16:24] = created.to_bytes()
        segment[40:] = filler.randbytes(SEGMENT_SIZE - 40)
        native.stamp_log_segment(segment)
    if used_sectors:
        last = used_sectors * SEGMENT_SIZE
        data[last + SEGMENT_SIZE:last + 2 * SEGMENT_SIZE] = data[last:last + SEGMENT_SIZE]
    return bytes(data)


def log_chain(first: int, last: int, log_signature: Signature, *,
              attachments: Sequence[AttachInfo] = (), start: LogTime | None = None,
              **options) -> dict[int, bytes]:
    """Logs ``first..last`` of one stream, each naming the previous one's creation time;
    ``options`` go to ``make_log``."""
    start = start or LogTime(2025, 1, 1, 12, 0, 0, 0, utc=True)
    logs, previous = {}, LogTime()
    for generation in range(first, last + 1):
        minute = generation - first
        created = LogTime(start.year, start.month, start.day, start.hour + minute // 60,
                          minute % 60, 0, 0, utc=True)
        logs[generation] = make_log(generation, log_signature, created=created,
                                    previous_created=previous if generation > first
                                    else LogTime(2025, 1, 1, 11, 59, 0, 0, utc=True),
                                    attachments=attachments, **options)
        previous = created
    return logs


def backup_image(database: bytes, gen_low: int, gen_high: int, log_signature: Signature,
                 *, mark_time: LogTime | None = None) -> bytes:
    """What a streaming backup of ``database`` (a whole file's bytes) sends (format facts §2):
    both header copies as captured at the start of the backup (dirty, a backup in progress
    recorded with genHigh 0, the given log signature), every page, then the PATCHHDR trailer
    naming generations ``gen_low..gen_high``."""
    page_size = native.detect_page_size(database)
    header = bytearray(database[:page_size])
    mark = LogPosition(gen_high, 2, 0)
    mark_time = mark_time or LogTime(2025, 1, 1, 12, 30, 0, 0, utc=True)
    _put(header, 52, "I", DatabaseState.DirtyShutdown)
    header[56:72] = bytes(16)  # no consistent position or time while dirty
    header[108:136] = log_signature.to_bytes()
    header[184:208] = BackupInfo(mark, mark_time, gen_low, 0).to_bytes()
    _put(header, 296, "II", gen_low, gen_high)
    native.stamp_header(header)
    decoded = DatabaseHeader.from_bytes(header)
    trailer = PatchTrailer(
        checksum=0, backup=BackupInfo(mark, mark_time, gen_low, gen_high),
        db_signature=decoded.db_signature, log_signature=log_signature,
        gen_min_required=0, gen_max_required=0, gen_max_committed=0,
        gen_max_required_time=LogTime(), gen_max_committed_time=LogTime())
    body = database[RESERVED_PAGES * page_size:len(database) // page_size * page_size]
    return bytes(header) * 2 + body + trailer.to_page(page_size)


def in_use_pages(database: bytes) -> tuple[int, list[bytes]]:
    """The page size and the pages of ``database`` that verify (all-zero ones excluded)."""
    page_size = native.detect_page_size(database)
    pages = []
    for index in range(RESERVED_PAGES, len(database) // page_size):
        page = database[index * page_size:(index + 1) * page_size]
        if native.verify_page(page, index - RESERVED_PAGES + 1)[0] == "ok":
            pages.append(page)
    return page_size, pages


def write_grown_database(source: bytes, target: str | os.PathLike[str], size: int, *,
                         chunk_pages: int = 1024) -> int:
    """Write a database of at least ``size`` bytes to ``target``: ``source``'s header pages,
    then its in-use pages repeated, each re-stamped for its new page number so every page
    verifies.  Returns the size written."""
    page_size, pages = in_use_pages(source)
    if not pages:
        raise ValueError("the source database has no in-use page to repeat")
    total_pages = max(1, -(-size // page_size) - RESERVED_PAGES)
    chunk = bytearray(chunk_pages * page_size)
    view = memoryview(chunk)
    with open(target, "wb") as stream:
        stream.write(source[:RESERVED_PAGES * page_size])
        pgno = 1
        while pgno <= total_pages:
            count = min(chunk_pages, total_pages - pgno + 1)
            for i in range(count):
                page = view[i * page_size:(i + 1) * page_size]
                page[:] = pages[(pgno + i) % len(pages)]
                native.stamp_page(page, pgno + i)
            stream.write(view[:count * page_size])
            pgno += count
    return (total_pages + RESERVED_PAGES) * page_size

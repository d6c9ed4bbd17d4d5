"""Database files: the header and its shadow (format facts §3), page headers (§7.1, §7.2) and
the trailer page that ends a streaming-backup image (PATCHHDR, §2).

``open_database(path)`` reads what identifies a database file (both header copies, the page
size, the trailer when there is one) without reading its pages; verifying the pages is
``esent.offline.verify``'s job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

from esent import _esent as native
from esent.offline.enums import (
    BackupType, DatabaseFlags, DatabaseState, FileType, PageFlags, decode, enum_name,
    flag_names,
)
from esent.offline.errors import (
    DamagedHeaderError, EmptyFileError, NotEseFileError, TruncatedFileError,
)
from esent.offline.records import (
    BackupInfo, LogPosition, LogTime, Signature, u16, u32, u64,
)

#: The u32 at database header offset 4.
MAGIC = 0x89ABCDEF
#: Page sizes ESE has ever used; 2 KiB only up to Windows 8.1.
PAGE_SIZES = (2048, 4096, 8192, 16384, 32768)
#: A database file starts with this many header pages (header and shadow) before page 1.
RESERVED_PAGES = 2
#: Enough of a file's start to hold both header copies at the largest page size.
HEAD_BYTES = 2 * PAGE_SIZES[-1]
#: The smallest header ESE ever wrote (format facts §3: at least 668 bytes).
MIN_HEADER_BYTES = 668


def page_offset(pgno: int, page_size: int) -> int:
    """File offset of database page ``pgno`` (format facts §2: after the two header pages)."""
    return (pgno + RESERVED_PAGES - 1) * page_size


@dataclass(frozen=True)
class DatabaseHeader:
    """The decoded database header (DBFILEHDR, format facts §3), one field per fact-sheet row a
    user or verifier needs.  Offsets are in the comments; names follow the fact sheet."""

    checksum: int                      # 0
    magic: int                         # 4
    format_version: int                # 8   (0x620 for every ESE97+ database)
    attrib: int                        # 12  (0 database, 1 SLV streaming file)
    dbtime_dirtied: int                # 16
    db_signature: Signature            # 24  signDb
    state: DatabaseState | int         # 52
    consistent_position: LogPosition   # 56
    consistent_time: LogTime           # 64
    attach_time: LogTime               # 72
    attach_position: LogPosition       # 80
    detach_time: LogTime               # 88
    detach_position: LogPosition       # 96
    dbid: int                          # 104
    log_signature: Signature           # 108 signLog
    backup_full_prev: BackupInfo       # 136 last full backup
    backup_incremental_prev: BackupInfo  # 160 last incremental backup
    backup_full_current: BackupInfo    # 184 set only in a streaming-backup image
    flags: DatabaseFlags               # 208
    objid_last: int                    # 212
    os_version: tuple[int, int, int, int]  # 216 major, minor, build, service pack
    format_revision: int               # 232 DaeUpdateMajor
    page_size_stored: int              # 236 (0 means 4096)
    repair_count: int                  # 240
    repair_time: LogTime               # 244
    dbtime_last_scrub: int             # 280
    scrub_time: LogTime                # 288
    gen_min_required: int              # 296
    gen_max_required: int              # 300
    backup_snapshot_current: BackupInfo  # 316
    create_version: int                # 340
    create_revision: int               # 344
    gen_max_create_time: LogTime       # 348
    backup_type_full_prev: BackupType | int  # 356
    backup_type_incremental_prev: BackupType | int  # 360
    ecc_fix_success_count: int         # 368
    ecc_fix_success_time: LogTime      # 372
    ecc_fix_fail_count: int            # 384
    ecc_fix_fail_time: LogTime         # 388
    bad_checksum_count: int            # 400
    bad_checksum_time: LogTime         # 404
    gen_max_committed: int             # 416
    backup_copy_prev: BackupInfo       # 420
    backup_differential_prev: BackupInfo  # 444
    backup_type_copy_prev: BackupType | int  # 468
    backup_type_differential_prev: BackupType | int  # 472
    sort_version: int                  # 508
    gen_recovering: int                # 536
    extend_count: int                  # 540
    shrink_count: int                  # 552
    gen_min_consistent: int            # 640
    format_update_minor: int           # 644 DaeUpdateMinor
    efv_max_bin_attach_diagnostic: int  # 648
    last_resize_position: LogPosition  # 656
    file_type: FileType | int          # 667 (unaligned)

    @classmethod
    def from_bytes(cls, page: bytes | memoryview) -> DatabaseHeader:
        """Decode the first 748 bytes of a header page (shorter, older headers read as zero past
        their end).  Decodes whatever is there: checking the checksum is the caller's job."""
        buf = bytes(page[:748]).ljust(748, b"\0")
        return cls(
            checksum=u32(buf, 0), magic=u32(buf, 4), format_version=u32(buf, 8),
            attrib=u32(buf, 12), dbtime_dirtied=u64(buf, 16),
            db_signature=Signature.from_bytes(buf, 24),
            state=decode(DatabaseState, u32(buf, 52)),
            consistent_position=LogPosition.from_bytes(buf, 56),
            consistent_time=LogTime.from_bytes(buf, 64),
            attach_time=LogTime.from_bytes(buf, 72),
            attach_position=LogPosition.from_bytes(buf, 80),
            detach_time=LogTime.from_bytes(buf, 88),
            detach_position=LogPosition.from_bytes(buf, 96),
            dbid=u32(buf, 104),
            log_signature=Signature.from_bytes(buf, 108),
            backup_full_prev=BackupInfo.from_bytes(buf, 136),
            backup_incremental_prev=BackupInfo.from_bytes(buf, 160),
            backup_full_current=BackupInfo.from_bytes(buf, 184),
            flags=DatabaseFlags(u32(buf, 208)),
            objid_last=u32(buf, 212),
            os_version=(u32(buf, 216), u32(buf, 220), u32(buf, 224), u32(buf, 228)),
            format_revision=u32(buf, 232), page_size_stored=u32(buf, 236),
            repair_count=u32(buf, 240), repair_time=LogTime.from_bytes(buf, 244),
            dbtime_last_scrub=u64(buf, 280), scrub_time=LogTime.from_bytes(buf, 288),
            gen_min_required=u32(buf, 296), gen_max_required=u32(buf, 300),
            backup_snapshot_current=BackupInfo.from_bytes(buf, 316),
            create_version=u32(buf, 340), create_revision=u32(buf, 344),
            gen_max_create_time=LogTime.from_bytes(buf, 348),
            backup_type_full_prev=decode(BackupType, u32(buf, 356)),
            backup_type_incremental_prev=decode(BackupType, u32(buf, 360)),
            ecc_fix_success_count=u32(buf, 368),
            ecc_fix_success_time=LogTime.from_bytes(buf, 372),
            ecc_fix_fail_count=u32(buf, 384), ecc_fix_fail_time=LogTime.from_bytes(buf, 388),
            bad_checksum_count=u32(buf, 400), bad_checksum_time=LogTime.from_bytes(buf, 404),
            gen_max_committed=u32(buf, 416),
            backup_copy_prev=BackupInfo.from_bytes(buf, 420),
            backup_differential_prev=BackupInfo.from_bytes(buf, 444),
            backup_type_copy_prev=decode(BackupType, u32(buf, 468)),
            backup_type_differential_prev=decode(BackupType, u32(buf, 472)),
            sort_version=u64(buf, 508), gen_recovering=u32(buf, 536),
            extend_count=u32(buf, 540), shrink_count=u32(buf, 552),
            gen_min_consistent=u32(buf, 640), format_update_minor=u32(buf, 644),
            efv_max_bin_attach_diagnostic=u32(buf, 648),
            last_resize_position=LogPosition.from_bytes(buf, 656),
            file_type=decode(FileType, u32(buf, 667)),
        )

    @property
    def page_size(self) -> int:
        """The page size the header names (a stored 0 means 4096)."""
        return self.page_size_stored or 4096

    @property
    def is_clean(self) -> bool:
        """True when the database was shut down cleanly: no log is needed to open it."""
        return self.state == DatabaseState.CleanShutdown

    @property
    def required_generations(self) -> tuple[int, int] | None:
        """The log generations replay needs (lGenMinRequired..lGenMaxRequired), or None when
        the header names none (a clean database)."""
        if not self.gen_min_required and not self.gen_max_required:
            return None
        return self.gen_min_required, self.gen_max_required

    def differing_fields(self, other: DatabaseHeader) -> list[str]:
        """Names of the fields whose values differ between two header copies."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]

    def to_json(self) -> dict[str, Any]:
        """Every field as JSON: records through their ``to_json``, enums by name, flags as a list
        of names, the format version and revision also as hex text."""
        return {
            "format_version": self.format_version,
            "format_revision": self.format_revision,
            "format_update_minor": self.format_update_minor,
            "format": format_triple(self.format_version, self.format_revision,
                                    self.format_update_minor),
            "page_size": self.page_size,
            "state": enum_name(self.state),
            "file_type": enum_name(self.file_type),
            "attrib": self.attrib,
            "db_signature": self.db_signature.to_json(),
            "log_signature": self.log_signature.to_json(),
            "dbtime_dirtied": self.dbtime_dirtied,
            "dbid": self.dbid,
            "objid_last": self.objid_last,
            "consistent_position": self.consistent_position.to_json(),
            "consistent_time": self.consistent_time.to_json(),
            "attach_position": self.attach_position.to_json(),
            "attach_time": self.attach_time.to_json(),
            "detach_position": self.detach_position.to_json(),
            "detach_time": self.detach_time.to_json(),
            "gen_min_required": self.gen_min_required,
            "gen_max_required": self.gen_max_required,
            "gen_max_committed": self.gen_max_committed,
            "gen_min_consistent": self.gen_min_consistent,
            "gen_recovering": self.gen_recovering,
            "backup_full_prev": self.backup_full_prev.to_json(),
            "backup_type_full_prev": enum_name(self.backup_type_full_prev),
            "backup_incremental_prev": self.backup_incremental_prev.to_json(),
            "backup_type_incremental_prev": enum_name(self.backup_type_incremental_prev),
            "backup_copy_prev": self.backup_copy_prev.to_json(),
            "backup_differential_prev": self.backup_differential_prev.to_json(),
            "backup_full_current": self.backup_full_current.to_json(),
            "backup_snapshot_current": self.backup_snapshot_current.to_json(),
            "flags": flag_names(self.flags),
            "os_version": ".".join(str(part) for part in self.os_version[:3])
            + f" SP{self.os_version[3]}",
            "create_version": self.create_version,
            "create_revision": self.create_revision,
            "repair_count": self.repair_count,
            "repair_time": self.repair_time.to_json(),
            "ecc_fix_success_count": self.ecc_fix_success_count,
            "ecc_fix_fail_count": self.ecc_fix_fail_count,
            "bad_checksum_count": self.bad_checksum_count,
            "extend_count": self.extend_count,
            "shrink_count": self.shrink_count,
            "efv_max_bin_attach_diagnostic": self.efv_max_bin_attach_diagnostic,
            "sort_version": f"{self.sort_version:#018x}",
        }


def format_triple(version: int, revision: int, update_minor: int) -> str:
    """The format as ESE writes it in its tools: ``0x620 rev 0xe6 (minor 500)``."""
    return f"{version:#x} rev {revision:#x} (minor {update_minor})"


@dataclass(frozen=True)
class PageHeader:
    """A database page header (format facts §7.1; the 80-byte form of §7.2 on 16 and 32 KiB
    pages).  ``tag_count`` is already masked to the 12 bits that count tags."""

    checksum: int
    dbtime_dirtied: int
    pgno_prev: int
    pgno_next: int
    objid_fdp: int
    cb_free: int
    cb_uncommitted_free: int
    ib_mic_free: int
    itag_state: int
    flags: PageFlags
    block_checksums: tuple[int, int, int] | None = None  # large pages: blocks 1-3
    pgno: int | None = None                               # large pages: copy at offset 64

    @classmethod
    def from_bytes(cls, page: bytes | memoryview) -> PageHeader:
        """Decode the header of one whole page (its length is the page size)."""
        large = len(page) > 8192
        return cls(
            checksum=u64(page, 0), dbtime_dirtied=u64(page, 8), pgno_prev=u32(page, 16),
            pgno_next=u32(page, 20), objid_fdp=u32(page, 24), cb_free=u16(page, 28),
            cb_uncommitted_free=u16(page, 30), ib_mic_free=u16(page, 32),
            itag_state=u16(page, 34), flags=PageFlags(u32(page, 36)),
            block_checksums=(u64(page, 40), u64(page, 48), u64(page, 56)) if large else None,
            pgno=u32(page, 64) if large else None,
        )

    @property
    def size(self) -> int:
        """Bytes the header occupies: 40, or 80 on 16 and 32 KiB pages."""
        return 40 if self.pgno is None else 80

    @property
    def tag_count(self) -> int:
        return self.itag_state & 0x0FFF


@dataclass(frozen=True)
class PatchTrailer:
    """The trailer page (PATCHHDR) that ends a database image made by a streaming backup
    (format facts §2).  Restoring the image needs log generations ``backup.gen_low`` to
    ``backup.gen_high``; the signatures must equal the image header's.  The last five fields
    are filled only by newer engines and are zero otherwise."""

    checksum: int
    backup: BackupInfo
    db_signature: Signature
    log_signature: Signature
    gen_min_required: int
    gen_max_required: int
    gen_max_committed: int
    gen_max_required_time: LogTime
    gen_max_committed_time: LogTime

    @classmethod
    def from_bytes(cls, page: bytes | memoryview) -> PatchTrailer:
        return cls(
            checksum=u32(page, 0), backup=BackupInfo.from_bytes(page, 40),
            db_signature=Signature.from_bytes(page, 64),
            log_signature=Signature.from_bytes(page, 92),
            gen_min_required=u32(page, 120), gen_max_required=u32(page, 124),
            gen_max_committed=u32(page, 128),
            gen_max_required_time=LogTime.from_bytes(page, 132),
            gen_max_committed_time=LogTime.from_bytes(page, 140),
        )

    def to_page(self, page_size: int) -> bytes:
        """The trailer as a whole page of ``page_size`` bytes with its header checksum stamped,
        as a streaming backup writes it after the last database page."""
        page = bytearray(page_size)
        page[40:64] = self.backup.to_bytes()
        page[64:92] = self.db_signature.to_bytes()
        page[92:120] = self.log_signature.to_bytes()
        page[120:132] = b"".join(value.to_bytes(4, "little") for value in (
            self.gen_min_required, self.gen_max_required, self.gen_max_committed))
        page[132:140] = self.gen_max_required_time.to_bytes()
        page[140:148] = self.gen_max_committed_time.to_bytes()
        native.stamp_header(page)
        return bytes(page)

    def to_json(self) -> dict[str, Any]:
        return {
            "backup": self.backup.to_json(),
            "db_signature": self.db_signature.to_json(),
            "log_signature": self.log_signature.to_json(),
            "gen_min_required": self.gen_min_required,
            "gen_max_required": self.gen_max_required,
            "gen_max_committed": self.gen_max_committed,
        }


def looks_like_trailer(page: bytes | memoryview) -> bool:
    """True when ``page`` (the last whole page of a file) is a PATCHHDR trailer: ESE's own test
    (dwords 1, 2, 3 and 6 zero), on a page that is not all zero (an unused database page passes
    ESE's test too, but carries no checksum)."""
    return bool(native.is_patch_trailer(page)) and any(page)


@dataclass
class DatabaseFile:
    """What identifies a database file, read from its first two pages and its last one.

    ``header`` is the primary header when its checksum holds, else the shadow; at least one of
    them does (``open_database`` raises otherwise).  ``page_count`` counts database pages 1..n,
    header pages and trailer excluded.  ``trailer`` is set when the file ends with a PATCHHDR
    page, i.e. it is a streaming-backup image; ``trailer_checksum_ok`` then says whether that
    page passes its header checksum.
    """

    path: str
    size: int
    page_size: int
    header: DatabaseHeader
    primary_ok: bool
    shadow_ok: bool
    shadow_identical: bool
    differing_fields: list[str] = field(default_factory=list)
    trailer: PatchTrailer | None = None
    trailer_checksum_ok: bool = False

    @property
    def is_backup_image(self) -> bool:
        return self.trailer is not None

    @property
    def page_count(self) -> int:
        whole_pages = self.size // self.page_size
        return max(0, whole_pages - RESERVED_PAGES - (1 if self.trailer else 0))

    @property
    def truncated_bytes(self) -> int:
        """Bytes after the last whole page: non-zero means the file was cut short."""
        return self.size % self.page_size

    def to_json(self) -> dict[str, Any]:
        return {
            "page_size": self.page_size,
            "page_count": self.page_count,
            "header": self.header.to_json(),
            "primary_header_ok": self.primary_ok,
            "shadow_header_ok": self.shadow_ok,
            "shadow_identical": self.shadow_identical,
            "trailer": self.trailer.to_json() if self.trailer else None,
            "trailer_checksum_ok": self.trailer_checksum_ok if self.trailer else None,
        }


def _header_ok(buf: bytes | memoryview, offset: int, page_size: int) -> bool:
    block = buf[offset:offset + page_size]
    return len(block) == page_size and bool(native.verify_header(block))


def detect_page_size(head: bytes | memoryview) -> int | None:
    """The page size by ESE's rule (format facts §2), from the primary header or else the
    shadow; None when neither copy passes for any size."""
    try:
        return int(native.detect_page_size(head))
    except ValueError:
        return None


def is_database_head(head: bytes | memoryview) -> bool:
    """True when the start of a file carries the database magic and names a database file type:
    the test for "this is a database" that works even when both header checksums fail."""
    if len(head) < 8 or u32(head, 4) != MAGIC:
        return False
    if len(head) < 671:
        return True  # too short to hold the file type; the magic alone decides
    return u32(head, 667) in (FileType.Unknown, FileType.Database, FileType.TempDatabase)


def open_database(path: str | os.PathLike[str]) -> DatabaseFile:
    """Read a database file's headers and trailer.

    Raises ``EmptyFileError``, ``NotEseFileError`` (no database magic), ``TruncatedFileError``
    (shorter than its two header pages) or ``DamagedHeaderError`` (neither copy passes its
    checksum), each with a one-line message.
    """
    name = os.fspath(path)
    with open(name, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        head = stream.read(HEAD_BYTES)
        if not head:
            raise EmptyFileError("empty file", name)
        if not is_database_head(head):
            raise NotEseFileError("not an ESE database (no database header magic)", name)
        page_size = detect_page_size(head)
        if page_size is None:
            stored = u32(head, 236) if len(head) >= 240 else 0
            claimed = stored or 4096
            if claimed in PAGE_SIZES and size < RESERVED_PAGES * claimed:
                raise TruncatedFileError(
                    f"truncated: {size} bytes, but a database with {claimed}-byte pages starts "
                    f"with two {claimed}-byte header pages", name)
            raise DamagedHeaderError(
                "database header and its shadow both fail their checksums", name)
        if size < RESERVED_PAGES * page_size:
            raise TruncatedFileError(
                f"truncated: {size} bytes, but a database with {page_size}-byte pages starts "
                f"with two {page_size}-byte header pages", name)
        primary_ok = _header_ok(head, 0, page_size)
        shadow_ok = _header_ok(head, page_size, page_size)
        primary = DatabaseHeader.from_bytes(head[:page_size])
        shadow = DatabaseHeader.from_bytes(head[page_size:2 * page_size])
        info = DatabaseFile(
            path=name, size=size, page_size=page_size,
            header=primary if primary_ok else shadow,
            primary_ok=primary_ok, shadow_ok=shadow_ok,
            shadow_identical=head[:page_size] == head[page_size:2 * page_size],
        )
        if primary_ok and shadow_ok and not info.shadow_identical:
            info.differing_fields = primary.differing_fields(shadow)
        last_whole = size // page_size
        if size % page_size == 0 and last_whole > RESERVED_PAGES:
            stream.seek((last_whole - 1) * page_size)
            last = stream.read(page_size)
            if len(last) == page_size and looks_like_trailer(last):
                info.trailer = PatchTrailer.from_bytes(last)
                info.trailer_checksum_ok = bool(native.verify_header(last))
    return info

"""The rules that tie a set of files together (format facts §10), applied to files already
verified one by one:

1. databases, logs and checkpoint carry the same log signature;
2. the newest log's attach list names each database with that database's own signature;
3. log generations are unique and continuous, and each log's previous-generation time equals
   the creation time of the log before it;
4. every generation a dirty database, a streaming-backup image (its trailer's range), the
   checkpoint or the set's manifest needs is present;
5. the checkpoint does not lie past the oldest generation a dirty database needs.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from esent.offline.checkpoint import CheckpointFile
from esent.offline.database import DatabaseFile
from esent.offline.log import LogFile
from esent.offline.records import Signature
from esent.offline.report import FileReport, VerifyReport

if TYPE_CHECKING:  # esent.manifest imports esent.offline: only the type is needed here
    from esent.manifest import Manifest


def _ranges_text(numbers: Iterable[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``"3-5, 9"``."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _windows_basename(path: str) -> str:
    return re.split(r"[\\/]", path)[-1].lower()


def _of_type(report: VerifyReport, cls: type) -> list[FileReport]:
    return [file for file in report.files if isinstance(file.info, cls)]


def _check_log_signatures(report: VerifyReport, databases: list[FileReport],
                          logs: list[FileReport], checkpoints: list[FileReport]) -> Signature | None:
    counts = collections.Counter(file.info.header.log_signature for file in logs)
    if counts:
        reference, _ = counts.most_common(1)[0]
        source = "the other logs" if len(counts) > 1 else "the logs"
    elif checkpoints:
        reference, source = checkpoints[0].info.header.log_signature, "the checkpoint"
    else:
        return None
    for file in logs + checkpoints:
        signature = file.info.header.log_signature
        if signature != reference:
            report.add("log-signature", f"log signature {signature}, but {source} carry "
                       f"{reference}: it belongs to another log stream", file=file.path)
    for file in databases:
        signature = file.info.header.log_signature
        if signature.is_zero:
            report.notes.append(f"{file.path} was created without logging (no log signature)")
        elif signature != reference:
            report.add("log-signature", f"log signature {signature}, but {source} carry "
                       f"{reference}: these logs cannot recover it", file=file.path)
    return reference


def _check_attachments(report: VerifyReport, databases: list[FileReport],
                       logs: list[FileReport]) -> None:
    if not logs:
        return
    newest = max(logs, key=lambda file: file.info.header.generation)
    for file in databases:
        name = _windows_basename(file.path)
        for entry in newest.info.header.attachments:
            if (_windows_basename(entry.path) == name
                    and entry.db_signature != file.info.header.db_signature):
                report.add("db-signature", f"{newest.path} lists {entry.path} with database "
                           f"signature {entry.db_signature}, but this database's is "
                           f"{file.info.header.db_signature}", file=file.path)


def _required_ranges(databases: list[FileReport], checkpoints: list[FileReport],
                     generations: list[int], manifest: Manifest | None,
                     ) -> list[tuple[str, int, int, str]]:
    """``(who, low, high, why)`` for every generation range something needs."""
    needs = []
    for file in databases:
        info: DatabaseFile = file.info
        if info.trailer is not None:
            backup = info.trailer.backup
            if backup.gen_low and backup.gen_high >= backup.gen_low:
                needs.append((file.path, backup.gen_low, backup.gen_high,
                              "to restore this backup image, per its trailer"))
        elif not info.header.is_clean and info.header.required_generations:
            low, high = info.header.required_generations
            if low and high >= low:
                needs.append((file.path, low, high, "to recover this dirty database"))
    for file in checkpoints:
        start = file.info.header.checkpoint.generation
        if generations and start > 0:
            needs.append((file.path, start, max(start, max(generations)),
                          "recovery starts at the checkpoint"))
    if manifest is not None and manifest.generations is not None:
        needs.append(("manifest.json", *manifest.generations, "the set's generation range"))
    return needs


def _check_generations(report: VerifyReport, databases: list[FileReport],
                       logs: list[FileReport], checkpoints: list[FileReport],
                       manifest: Manifest | None, logs_expected: bool) -> None:
    by_generation: dict[int, list[FileReport]] = collections.defaultdict(list)
    for file in logs:
        by_generation[file.info.header.generation].append(file)
    for generation, files in sorted(by_generation.items()):
        if len(files) > 1:
            report.add("generation-duplicate", f"generation {generation} is held by "
                       f"{', '.join(file.path for file in files)}", generation=generation)
    present = sorted(by_generation)
    reported: set[int] = set()
    for who, low, high, why in _required_ranges(databases, checkpoints, present, manifest):
        missing = [g for g in range(low, high + 1) if g not in by_generation]
        if not missing or reported.issuperset(missing):
            continue  # nothing missing, or already said for a range met earlier
        needed = _ranges_text(range(low, high + 1))
        if not logs_expected:
            report.notes.append(f"{who} needs log generations {needed} ({why}); this "
                                f"directory holds no logs")
            continue
        report.add("generation-missing", f"needs log generations {needed} ({why}); "
                   f"missing: {_ranges_text(missing)}", file=who, generation=missing[0])
        reported.update(missing)
    for before, after in zip(present, present[1:]):
        gap = [g for g in range(before + 1, after) if g not in reported]
        if gap:
            report.add("generation-missing", f"log generations {_ranges_text(gap)} are missing "
                       f"between {before} and {after}", generation=gap[0])
        if after == before + 1:
            previous, current = by_generation[before][0], by_generation[after][0]
            expected = previous.info.header.created
            claimed = current.info.header.previous_generation_created
            if claimed != expected:
                report.add("generation-chain", f"says generation {before} was created at "
                           f"{claimed}, but {previous.path} was created at {expected}: they "
                           f"are not one log stream", file=current.path, generation=after)


def _check_checkpoint(report: VerifyReport, databases: list[FileReport],
                      checkpoints: list[FileReport]) -> None:
    for checkpoint in checkpoints:
        start = checkpoint.info.header.checkpoint.generation
        for file in databases:
            header = file.info.header
            if (file.info.trailer is None and not header.is_clean
                    and header.gen_min_required and start > header.gen_min_required):
                report.add("checkpoint-ahead", f"recovery would start at generation {start}, "
                           f"but {file.path} needs generations from {header.gen_min_required}",
                           file=checkpoint.path, generation=start)


def check(report: VerifyReport, *, manifest: Manifest | None = None) -> None:
    """Apply the rules to the files of ``report`` that could be read, adding what fails to
    ``report.problems``.  ``manifest`` (a backup set's) adds its generation range to what must
    be present; in a plain directory without any log, missing generations are only noted."""
    databases = [file for file in _of_type(report, DatabaseFile)
                 if not file.info.truncated_bytes]
    logs = _of_type(report, LogFile)
    checkpoints = _of_type(report, CheckpointFile)
    reference = _check_log_signatures(report, databases, logs, checkpoints)
    # Logs of another stream were reported above; the rules below are about the main stream.
    if reference is not None:
        logs = [file for file in logs if file.info.header.log_signature == reference]
        checkpoints = [file for file in checkpoints
                       if file.info.header.log_signature == reference]
        related = [file for file in databases if file.info.header.log_signature == reference]
    else:
        related = databases
    _check_attachments(report, related, logs)
    _check_generations(report, related, logs, checkpoints, manifest,
                       logs_expected=bool(logs) or manifest is not None)
    _check_checkpoint(report, related, checkpoints)

"""A hypothesis state machine drives a table through the Python API and checks every read
against a Python model of it.

Rules: inserts (duplicates must fail with KeyDuplicateError), updates and deletes of present
and absent keys, point reads, seeks in every mode, full scans forwards, nested transactions
(up to ESENT's 7 levels) with commits and rollbacks.  The model keeps one dict per open level:
a commit folds a level into its parent, a rollback drops it, exactly as JetCommitTransaction and
JetRollback are documented to do ("JetCommitTransaction Function", "JetRollback Function").

Rows carry a Text value, a nullable LongLong ``num`` under a unique index that ignores NULLs
(a second row with the same number must fail with KeyDuplicateError, inside transactions too), a
nullable Long ``grp`` under a non-unique index on (+grp, -id) that ignores rows with a NULL, and
a LongBinary whose size crosses both the intrinsic limit (1,023 bytes) and a page, so long values
are created, replaced and dropped inside rolled-back levels too.  Point reads through the unique
index and range scans (both directions) through the non-unique one are checked against the
model's own ordering of the index entries.  A second session reads the table after every level-0 commit
and rollback: it must see exactly the committed model (snapshot isolation, nothing leaked).
"""

from __future__ import annotations

import bisect
import pathlib
import tempfile

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import esent
from esent import errors

KEYS = st.integers(min_value=-50, max_value=50)
TEXTS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
NUMBERS = st.none() | st.integers(min_value=-6, max_value=6) | st.sampled_from([-(2 ** 63), 2 ** 63 - 1])
GROUPS = st.none() | st.integers(min_value=-3, max_value=3)
BLOBS = st.none() | st.sampled_from([0, 1, 200, 1023, 1024, 5000, 20000]).flatmap(
    lambda n: st.binary(min_size=n, max_size=n) if n < 64 else st.just(bytes(range(7)) * (n // 7)
                                                                        + b"\x01" * (n % 7)))

COLUMNS = [
    esent.Column("id", esent.ColumnType.LONG),
    esent.Column("name", esent.ColumnType.TEXT),
    esent.Column("num", esent.ColumnType.LONG_LONG),
    esent.Column("grp", esent.ColumnType.LONG),
    esent.Column("blob", esent.ColumnType.LONG_BINARY),
]
NAMES = [c.name for c in COLUMNS]
MODES = {"eq", "ge", "gt", "le", "lt"}


def expected_seek(keys: list[int], key: int, mode: str) -> int | None:
    """The key a seek in ``mode`` lands on in sorted ``keys`` (ESENT's JetSeek rules)."""
    if mode == "eq":
        return key if key in keys else None
    i = bisect.bisect_left(keys, key)
    if mode == "ge":
        return keys[i] if i < len(keys) else None
    if mode == "gt":
        j = bisect.bisect_right(keys, key)
        return keys[j] if j < len(keys) else None
    if mode == "le":
        j = bisect.bisect_right(keys, key)
        return keys[j - 1] if j else None
    return keys[i - 1] if i else None


@pytest.mark.libese
class TableModel(RuleBasedStateMachine):
    """The table under test and its model: ``levels[0]`` is the committed state, one more
    dict per open transaction level (each a full copy: tables here stay small)."""

    @initialize()
    def open_table(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="esent-model-")
        folder = pathlib.Path(self.tmp.name)
        self.instance = esent.Instance(f"model-{id(self)}", system_path=folder / "sys")
        self.instance.__enter__()
        self.session = self.instance.session()
        self.reader = self.instance.session()
        database = self.session.create_database(folder / "model.edb")
        self.table = database.create_table("t", COLUMNS, [
            esent.Index("pk", ["+id"], primary=True),
            esent.Index("by_num", ["+num"], unique=True, ignore_null=True),
            esent.Index("by_grp", ["+grp", "-id"], ignore_any_null=True)])
        self.other = self.reader.open_database(folder / "model.edb").table("t")
        self.levels: list[dict[int, dict]] = [{}]

    def teardown(self) -> None:
        if hasattr(self, "instance"):
            self.instance.__exit__(None, None, None)
            self.tmp.cleanup()

    @property
    def model(self) -> dict[int, dict]:
        return self.levels[-1]

    # -- changes ---------------------------------------------------------------------------
    def num_taken(self, num: int | None, by: int) -> bool:
        """Another row holds ``num`` (the unique index by_num; NULLs are not indexed)."""
        return num is not None and any(r["num"] == num and k != by for k, r in self.model.items())

    @rule(key=KEYS, name=TEXTS, num=NUMBERS, grp=GROUPS, blob=BLOBS)
    def insert(self, key: int, name: str, num: int | None, grp: int | None,
               blob: bytes | None) -> None:
        row = {"id": key, "name": name, "num": num, "grp": grp, "blob": blob}
        if key in self.model or self.num_taken(num, key):
            with pytest.raises(errors.KeyDuplicateError):
                self.table.insert(row)
        else:
            self.table.insert(row)
            self.model[key] = row

    @rule(key=KEYS, name=st.none() | TEXTS, num=NUMBERS, grp=GROUPS, blob=BLOBS)
    def update(self, key: int, name: str | None, num: int | None, grp: int | None,
               blob: bytes | None) -> None:
        values = {"num": num, "grp": grp, "blob": blob}
        if name is not None:
            values["name"] = name
        if key not in self.model:
            with pytest.raises(KeyError):
                self.table.update(key, values)
        elif self.num_taken(num, key):
            with pytest.raises(errors.KeyDuplicateError):
                self.table.update(key, values)
        else:
            self.table.update(key, values)
            self.model[key] = {**self.model[key], **values}

    @rule(key=KEYS)
    def delete(self, key: int) -> None:
        if key not in self.model:
            with pytest.raises(KeyError):
                self.table.delete(key)
        else:
            self.table.delete(key)
            del self.model[key]

    # -- transactions ----------------------------------------------------------------------
    @precondition(lambda self: len(self.levels) <= 7)
    @rule()
    def begin(self) -> None:
        self.session.begin_transaction()
        self.levels.append(dict(self.model))

    @precondition(lambda self: len(self.levels) > 1)
    @rule()
    def commit(self) -> None:
        self.session.commit()
        top = self.levels.pop()
        self.levels[-1] = top
        if len(self.levels) == 1:
            self.check_other_session()

    @precondition(lambda self: len(self.levels) > 1)
    @rule()
    def rollback(self) -> None:
        self.session.rollback()
        self.levels.pop()
        if len(self.levels) == 1:
            self.check_other_session()

    # -- reads -----------------------------------------------------------------------------
    @rule(key=KEYS)
    def get(self, key: int) -> None:
        assert self.table.get(key) == self.model.get(key)

    @rule(key=KEYS, mode=st.sampled_from(sorted(MODES)))
    def seek(self, key: int, mode: str) -> None:
        target = expected_seek(sorted(self.model), key, mode)
        row = self.table.seek(key, mode)
        assert row == (None if target is None else self.model[target]), (key, mode)

    @rule(num=NUMBERS.filter(lambda n: n is not None))
    def get_by_unique_index(self, num: int) -> None:
        match = [r for r in self.model.values() if r["num"] == num]
        assert self.table.get(num, index="by_num") == (match[0] if match else None)

    @rule(lo=GROUPS, hi=GROUPS, reverse=st.booleans())
    def range_on_secondary_index(self, lo: int | None, hi: int | None, reverse: bool) -> None:
        """Rows with lo <= grp < hi in (+grp, -id) order (None: open); NULL grp not indexed."""
        entries = sorted((r for r in self.model.values() if r["grp"] is not None),
                         key=lambda r: (r["grp"], -r["id"]))
        want = [r for r in entries
                if (lo is None or r["grp"] >= lo) and (hi is None or r["grp"] < hi)]
        got = list(self.table.range(lo, hi, index="by_grp", reverse=reverse))
        assert got == (want[::-1] if reverse else want), (lo, hi, reverse)

    @invariant()
    def scan_matches(self) -> None:
        if hasattr(self, "table"):
            assert list(self.table) == [self.model[k] for k in sorted(self.model)]

    def check_other_session(self) -> None:
        """Another session sees exactly the committed rows: nothing rolled back, nothing
        missing."""
        committed = self.levels[0]
        assert list(self.other) == [committed[k] for k in sorted(committed)]


TableModel.TestCase.settings = settings(
    max_examples=200, stateful_step_count=50, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
test_table_model = TableModel.TestCase

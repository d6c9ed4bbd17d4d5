"""JET_paramCacheSizeMax bounds the database cache (ESENT: the cache size in pages, one
process-wide parameter; libese DESIGN.md "The cache budget").

A fresh interpreter sets an 8 MiB cache (2048 pages of 4 KiB), measures its own peak resident
size (VmHWM) after importing the package and opening an instance, then loads ~88 MiB of long
values -- eleven times the cache -- in transactions, reads them all back, and reports VmHWM
again.  The growth must stay under the cache plus 64 MiB.  VmHWM is read in the child from
/proc/self/status: ru_maxrss is not used, because Linux carries it across exec, so the child
would report its parent's peak.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

CACHE_PAGES = 2048          # 8 MiB of 4 KiB pages
PAGE = 4096
SLACK = 64 * 1024 * 1024    # issue 5: "within the cache size plus 64 MiB"
VALUE = 64 * 1024           # one long value
ROWS = 1408                 # 88 MiB of long values: 11 x the cache
PER_TRANSACTION = 4         # 256 KiB per commit: well under the write-set limit (cache / 4)

CHILD = r"""
import json, sys
import esent
from esent import jet

def hwm():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise SystemExit("no VmHWM")

folder, cache_pages, rows, value, per_trx = sys.argv[1], *map(int, sys.argv[2:])
jet.JetSetSystemParameter(None, 0, jet.JET_paramCacheSizeMax, cache_pages)
with esent.Instance("cache-budget", system_path=folder) as inst:
    with inst.session() as s:
        db = s.create_database(folder + "/big.edb")
        t = db.create_table("rows", [esent.Column("id", esent.ColumnType.LONG),
                                     esent.Column("payload", esent.ColumnType.LONG_BINARY)],
                            [esent.Index("pk", ["+id"], primary=True)])
        payloads = [bytes([i]) * value for i in range(251)]
        baseline = hwm()
        for first in range(0, rows, per_trx):
            with s.transaction():
                for i in range(first, min(first + per_trx, rows)):
                    t.insert({"id": i, "payload": payloads[i % 251]})
        loaded = hwm()
        seen = 0
        for row in t:
            assert row["payload"] == payloads[row["id"] % 251], row["id"]
            seen += 1
        print(json.dumps({"baseline": baseline, "loaded": loaded, "final": hwm(),
                          "rows": seen}))
"""


@pytest.mark.skipif(not pathlib.Path("/proc/self/status").exists(),
                    reason="needs /proc/self/status (VmHWM) to measure peak RSS")
def test_load_ten_times_the_cache_keeps_rss_bounded(tmp_path: pathlib.Path) -> None:
    env = dict(os.environ)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path), str(CACHE_PAGES), str(ROWS), str(VALUE),
         str(PER_TRANSACTION)],
        capture_output=True, text=True, env=env, timeout=600, check=False)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["rows"] == ROWS
    data = ROWS * VALUE
    cache = CACHE_PAGES * PAGE
    assert data >= 10 * cache
    growth = result["final"] - result["baseline"]
    print(f"peak RSS growth {growth / 2**20:.1f} MiB for {data / 2**20:.0f} MiB loaded "
          f"(cache {cache / 2**20:.0f} MiB)")
    assert growth < cache + SLACK, result

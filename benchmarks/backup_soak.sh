#!/usr/bin/env bash
# Backup-under-load soak: tests/test_backup_under_load.py with many rounds (default 50).  Each
# round runs 4 writer threads through a full backup and two incrementals, restores the sets and
# checks every commit against the last backup's log listing.  CI runs 5 rounds; this is the long
# run whose result goes in docs/backup.md.
#   benchmarks/backup_soak.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-50}
start=$SECONDS
ESENT_BACKUP_ROUNDS=$ROUNDS python -m pytest -q -p no:cacheprovider tests/test_backup_under_load.py
echo "soak: $ROUNDS rounds in $((SECONDS - start)) s"

#!/usr/bin/env bash
# Crash-recovery soak: tests/c/test_crash.c with many rounds (default 500 SIGKILL + 500 simulated
# power-loss rounds), optimised build, no sanitizers.  CI runs the same test with 20 rounds each
# under ASan/UBSan (ci/sanitize); this is the long run whose result goes in docs/crash-recovery.md.
#   benchmarks/crash_soak.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-500}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# shellcheck disable=SC2046
gcc -std=gnu11 -O2 -Isrc -Isrc/libese -Isrc/libese/include -Isrc/eseformat \
    tests/c/test_crash.c $(ls src/libese/*.c src/eseformat/*.c) -lpthread -o "$OUT/test_crash"
start=$SECONDS
CRASH_ROUNDS=$ROUNDS "$OUT/test_crash"
echo "soak: $ROUNDS + $ROUNDS rounds in $((SECONDS - start)) s"

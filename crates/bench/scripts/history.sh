#!/usr/bin/env bash
# An installation whose handover journal has named many clients over the
# years: K handovers of 100,000 clients each, exported and confirmed away
# (random UUIDs, as the journal holds them after K maximum handovers), then
# the time and peak RSS of two locked opens, `bemx handover list`, by
# /usr/bin/time (issue 18, item 5; BENCHMARKS.md, "Issue 18, round 6").
# The first open also writes the handovers into the database, as after a
# restore of a backup older than all of them. Linux; needs GNU time.
#
#   bash crates/bench/scripts/history.sh [K] [BEMX]
#
# K defaults to 8 (a 59 MB journal), BEMX to target/release/bemx. The
# installation is kept in $BEMX_HISTORY_DIR (default /tmp/bemx-history-K)
# and reused, so that two builds can be compared on the same journal: each
# run starts from a fresh copy of it.
set -euo pipefail
K="${1:-8}"
B="$(realpath "${2:-target/release/bemx}")"
DIR="${BEMX_HISTORY_DIR:-/tmp/bemx-history-$K}"
[ -x /usr/bin/time ] || { echo "history.sh: needs /usr/bin/time (GNU time)" >&2; exit 1; }
mkdir -p "$DIR"
cd "$DIR"
if [ ! -f base/handover-journal.log ]; then
    rm -rf base
    BEMX_HOME=base "$B" init --name Anna -q >/dev/null
    BEMX_HOME=base "$B" db seed --clients 1000 --no-documents -q
    python3 - "$K" base/handover-journal.log <<'PY'
import secrets, sys, uuid
k, path = int(sys.argv[1]), sys.argv[2]
with open(path, "a") as f:
    for _ in range(k):
        bundle, manifest = secrets.token_hex(32), secrets.token_hex(32)
        ids = ",".join(str(uuid.uuid4()) for _ in range(100000))
        f.write(f"exported {bundle} AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH 2026-01-01T00:00:00Z {manifest} {ids}\n")
        f.write(f"confirmed {bundle} {ids}\n")
PY
fi
rm -rf w time.txt
cp -r base w
for i in 1 2; do
    BEMX_HOME=w /usr/bin/time -o time.txt -f "open$i %e s %M KiB" "$B" handover list -q >/dev/null
    cat time.txt
done

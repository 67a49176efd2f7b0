#!/usr/bin/env bash
# A whole handover of N demo clients through the command line, each
# command's time and peak RSS by /usr/bin/time (issue 18, items 5 and 6;
# BENCHMARKS.md). Linux; needs GNU time.
#
#   bash crates/bench/scripts/handover.sh [CLIENTS] [BEMX] [DOCUMENTS]
#
# CLIENTS defaults to 100000, BEMX to target/release/bemx. Without
# DOCUMENTS the clients have none; DOCUMENTS=a gives them documents as the
# bench's scenario A does (0-10 per client, 8-192 KiB each: about 0.5 MB
# per client, so mind the disk: the sender's database, the bundle and the
# receiver's database each hold them).
#
# After the handover, the other commands that read every client run on
# the result, each measured alike.
#
# The seeded pair of installations is kept in $BEMX_HANDOVER_DIR (default
# /tmp/bemx-handover-N[-a]) and reused by the next run, so that two builds
# can be compared on the same data: each run starts from fresh copies of it.
set -euo pipefail
N="${1:-100000}"
B="$(realpath "${2:-target/release/bemx}")"
case "${3:-}" in
    "") DOCS=(--no-documents); SUFFIX="" ;;
    a) DOCS=(--max-documents 10 --document-bytes 8192-196608); SUFFIX="-a" ;;
    *) echo "handover.sh: DOCUMENTS is a or nothing" >&2; exit 2 ;;
esac
DIR="${BEMX_HANDOVER_DIR:-/tmp/bemx-handover-$N$SUFFIX}"
[ -x /usr/bin/time ] || { echo "handover.sh: needs /usr/bin/time (GNU time)" >&2; exit 1; }
mkdir -p "$DIR"
cd "$DIR"
if [ ! -d anna.orig ]; then
    rm -rf anna.orig bernd.orig
    BEMX_HOME=anna.orig "$B" init --name Anna -q >/dev/null
    BEMX_HOME=bernd.orig "$B" init --name Bernd -q >/dev/null
    BEMX_HOME=anna.orig "$B" db seed --clients "$N" "${DOCS[@]}" -q
    BEMX_HOME=bernd.orig "$B" id show >bernd.card
    BEMX_HOME=anna.orig "$B" id show >anna.card
    BEMX_HOME=anna.orig "$B" contacts add bernd.card --yes -q
    BEMX_HOME=bernd.orig "$B" contacts add anna.card --yes -q
    BEMX_HOME=anna.orig "$B" clients list --json |
        python3 -c 'import json, sys; print("\n".join(c["uuid"] for c in json.load(sys.stdin)))' >ids.txt
fi
rm -rf anna bernd h.bemx h.receipt time.txt err.txt
cp -r anna.orig anna
cp -r bernd.orig bernd
step() {
    local name=$1 home=$2
    shift 2
    if ! BEMX_HOME="$home" /usr/bin/time -o time.txt -f "$name %e s %M KiB" "$B" "$@" -q >/dev/null 2>err.txt; then
        cat err.txt >&2
        echo "handover.sh: $name failed" >&2
        exit 1
    fi
    cat time.txt
}
step export anna export --to Bernd -o h.bemx --clients-file ids.txt \
    --without-consent "load test of many clients at once" --yes
step verify bernd verify h.bemx
step import bernd import h.bemx --yes
step confirm anna handover confirm h.receipt --yes
# The other commands on the same sizes (issue 18, item 5: every command
# under 64 MiB): the receiver's list of the clients it now holds, the
# bundle shown with the receiver's keys, the sender's handovers.
step "clients list" bernd clients list
step "clients list --json" bernd clients list --json
step inspect bernd inspect h.bemx
step "inspect --json" bernd inspect h.bemx --json
step "handover list" anna handover list
step "db check" bernd db check
# A backup of the receiver and its restore, which compares the clients of
# the backup with those of the database.
step "backup create" bernd backup create
NAME="$(BEMX_HOME=bernd "$B" backup list --json |
    python3 -c 'import json, sys; print([b["name"] for b in json.load(sys.stdin) if b["name"].startswith("backup-")][0])')"
step "backup restore" bernd backup restore "$NAME" --yes

#!/usr/bin/env bash
# Mutation testing of bemx's checks with cargo-mutants (see MUTANTS.md).
#
#   bash ci/mutants.sh list                 mutants per group, nothing run
#   bash ci/mutants.sh full [GROUP ...]     every mutant of the groups
#   bash ci/mutants.sh record               after a full run with 0 missed:
#                                           write ci/mutants.base
#   bash ci/mutants.sh changed              only the mutants of what changed
#                                           since ci/mutants.base (CI)
#
# A group is a set of source files and the tests that must prove them. The
# checks a group holds are proved by its own crate's tests; the format crate's
# are proved by its tests together with the reader's (crates/unpack), which
# hold the spec's vectors.
#
# Exit status: 0 when every mutant was caught (or was unviable: it did not
# compile), 2 when one was missed, other non-zero on any other failure. A
# mutant whose tests ran past the timeout counts as caught: the tests noticed
# (a check removed from a loop's end made it endless), and cargo-mutants lists
# it in timeout.txt.
#
# Output: target/mutants/GROUP/mutants.out (caught.txt, missed.txt, ...).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# name | package | files (space separated, globs as cargo-mutants takes them)
#      | test packages | extra `cargo test` arguments
# Files left out (error.rs, i18n.rs, progress.rs and the like) hold messages
# and plumbing, not checks; MUTANTS.md says which and why.
GROUPS_TABLE='
format|bemx-format|crates/format/src/manifest.rs crates/format/src/signature.rs crates/format/src/receipt.rs crates/format/src/rows.rs crates/format/src/layers.rs crates/format/src/entry.rs crates/format/src/ustar.rs crates/format/src/trust.rs crates/format/src/time.rs crates/format/src/lib.rs crates/format/src/durable.rs|bemx-format bemx-unpack|--lib --test reader --test vectors --test corpus
format-age|bemx-format|crates/format/src/age_header.rs|bemx-format bemx-unpack|
unpack|bemx-unpack|crates/unpack/src/reader.rs crates/unpack/src/verify.rs crates/unpack/src/walk.rs|bemx-unpack|--lib --test reader --test vectors --test corpus
identity|bemx-identity|crates/identity/src/card.rs crates/identity/src/contacts.rs crates/identity/src/identity.rs crates/identity/src/name.rs crates/identity/src/sign.rs crates/identity/src/fsutil.rs|bemx-identity|
install|bemx-install|crates/install/src/ledger.rs crates/install/src/journal.rs crates/install/src/handover.rs crates/install/src/restore.rs crates/install/src/backup.rs crates/install/src/space.rs crates/install/src/consent.rs crates/install/src/session.rs crates/install/src/lock.rs|bemx-install|
import|bemx-import|crates/import/src/import.rs crates/import/src/files.rs|bemx-import|
'

JOBS="${BEMX_MUTANTS_JOBS:-2}"
OUT_ROOT="${BEMX_MUTANTS_OUT:-target/mutants-out}"

die() {
    printf 'ci/mutants.sh: %s\n' "$*" >&2
    exit 1
}

# The version MUTANTS.md's figures were made with; its mutation operators
# decide what counts as a mutant.
MUTANTS_VERSION=27.1.0

need_cargo_mutants() {
    command -v cargo-mutants >/dev/null && return 0
    if [ "${BEMX_MUTANTS_INSTALL:-0}" = 1 ]; then
        cargo install cargo-mutants --locked --version "$MUTANTS_VERSION"
    else
        die "cargo-mutants is not installed: cargo install cargo-mutants --locked --version $MUTANTS_VERSION"
    fi
}

# Every file of every group, for git.
group_files() {
    groups | while IFS='|' read -r _ _ files _; do printf '%s\n' $files; done
}

# Fills the array ARGS (for cargo mutants) from one group line. When the
# array ONLY is not empty, the group's files are narrowed to those in it, and
# NFILES says how many are left.
ONLY=()
group_args() {
    local line="$1" name pkg files tests extra f t a
    IFS='|' read -r name pkg files tests extra <<<"$line"
    ARGS=(--package "$pkg")
    NFILES=0
    for f in $files; do
        if [ "${#ONLY[@]}" -gt 0 ] && ! printf '%s\n' "${ONLY[@]}" | grep -qxF "$f"; then continue; fi
        ARGS+=(--file "$f")
        NFILES=$((NFILES + 1))
    done
    for t in $tests; do ARGS+=(--test-package "$t"); done
    for a in $extra; do ARGS+=("--cargo-test-arg=$a"); done
    GROUP_NAME="$name"
}

groups() {
    printf '%s\n' "$GROUPS_TABLE" | sed '/^$/d'
}

run_group() {
    local line="$1"
    shift
    group_args "$line"
    local out="$OUT_ROOT/$GROUP_NAME" rc=0
    mkdir -p "$out"
    printf '\n--- mutants: %s\n' "$GROUP_NAME"
    # The baseline (an unmutated run) is skipped: cargo-mutants runs it with
    # the mutated package's tests only, which the extra test arguments of a
    # group name targets of other packages for. CI's test stage has just run
    # every test on the unmutated tree, and a full run is preceded by
    # `cargo test`; the timeouts are therefore set by hand.
    cargo mutants "${ARGS[@]}" "$@" \
        --baseline=skip --timeout 120 --build-timeout 600 \
        --jobs "$JOBS" --output "$out" --no-shuffle || rc=$?
    # cargo-mutants exits 2 when a mutant was missed and 3 when one timed
    # out; a run with both (unpack's, 2 missed and 7 timeouts) did not exit
    # 2, so the exit code is no verdict: missed.txt is.
    case "$rc" in
    0 | 2 | 3) ;;
    *) return "$rc" ;;
    esac
    if [ -s "$out/mutants.out/missed.txt" ]; then
        printf 'ci/mutants.sh: %s: %s mutants missed, no test noticed them:\n' "$GROUP_NAME" "$(wc -l <"$out/mutants.out/missed.txt")" >&2
        sed 's/^/  /' "$out/mutants.out/missed.txt" >&2
        return 2
    fi
    return 0
}

mode="${1:-}"
shift || true
case "$mode" in
list)
    need_cargo_mutants
    while IFS= read -r line; do
        group_args "$line"
        printf '%-12s %5s mutants\n' "$GROUP_NAME" "$(cargo mutants "${ARGS[@]}" --list | wc -l)"
    done < <(groups)
    ;;
full)
    need_cargo_mutants
    status=0
    while IFS= read -r line; do
        group_args "$line"
        if [ "$#" -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$GROUP_NAME"; then continue; fi
        run_group "$line" || status=$?
    done < <(groups)
    exit "$status"
    ;;
record)
    # After a full run with 0 missed: the commit it ran on and every
    # checked file's SHA-256, which `changed` compares against.
    git diff --quiet HEAD -- $(group_files) || die "commit the checked files first: the record names a commit"
    {
        printf '%s base of ci/mutants.sh changed: what was run on it is in MUTANTS.md\n' "$(git rev-parse HEAD)"
        group_files | xargs sha256sum
    } >ci/mutants.base
    printf 'wrote ci/mutants.base\n'
    ;;
changed)
    # Only what changed since ci/mutants.base: the mutants of the functions
    # changed since its commit, or, where this clone lacks that commit (a
    # shallow or squashed history), every mutant of each file whose SHA-256
    # differs from the record.
    [ -f ci/mutants.base ] || die "ci/mutants.base is missing: run a full run, then 'bash ci/mutants.sh record'"
    base="$(sed -n '1s/^\([0-9a-f]\{40\}\) .*/\1/p' ci/mutants.base)"
    [ -n "$base" ] || die "the first line of ci/mutants.base names no commit"
    mapfile -t files < <(group_files)
    if git rev-parse --verify -q "$base^{commit}" >/dev/null; then
        if git diff --quiet "$base" HEAD -- "${files[@]}"; then
            printf 'no checked file changed since %s: nothing to mutate\n' "$base"
            exit 0
        fi
        need_cargo_mutants
        diff_file="$(mktemp /tmp/bemx-mutants-diff.XXXXXX)"
        trap 'rm -f "$diff_file"' EXIT
        git diff "$base" HEAD -- "${files[@]}" >"$diff_file"
        FILTER=(--in-diff "$diff_file")
    else
        mapfile -t differ < <(sed 1d ci/mutants.base | sha256sum --check --quiet 2>/dev/null | sed -n 's/: FAILED.*$//p')
        # A checked file the record does not list yet is new: all of it.
        for f in "${files[@]}"; do
            grep -q "  $f\$" ci/mutants.base || differ+=("$f")
        done
        if [ "${#differ[@]}" -eq 0 ]; then
            printf 'commit %s is not in this clone, but every checked file is as recorded: nothing to mutate\n' "$base"
            exit 0
        fi
        printf 'commit %s is not in this clone; these files differ from the record, all their mutants run:\n' "$base"
        printf '  %s\n' "${differ[@]}"
        need_cargo_mutants
        FILTER=()
        ONLY=("${differ[@]}")
    fi
    status=0
    while IFS= read -r line; do
        group_args "$line"
        n=0
        if [ "$NFILES" -gt 0 ]; then n=$(cargo mutants "${ARGS[@]}" "${FILTER[@]}" --list | wc -l); fi
        if [ "$n" -eq 0 ]; then
            printf -- '--- mutants: %s: nothing of it changed since %s\n' "$GROUP_NAME" "$base"
            continue
        fi
        printf -- '--- mutants: %s: %s mutants in what changed since %s\n' "$GROUP_NAME" "$n" "$base"
        run_group "$line" "${FILTER[@]}" || status=$?
    done < <(groups)
    exit "$status"
    ;;
*)
    die "usage: bash ci/mutants.sh list | full [GROUP ...] | record | changed"
    ;;
esac

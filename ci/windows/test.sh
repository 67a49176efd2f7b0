#!/usr/bin/env bash
# Windows stage: cross-compiles the workspace for x86_64-pc-windows-gnu and
# runs its tests under Wine, as a non-root user, in a fresh Wine prefix.
#
#   bash ci/windows/test.sh [CARGO SELECTION] [-- TEST HARNESS ARGS]   (as root in CI)
#
# The selection defaults to --workspace; e.g. `-p bemx-identity`, or
# `-p bemx-cli --test e2e -- resource_database` for some tests of one target.
#
# Exit status: 0 all Windows tests passed; 3 skipped because the Rust target
# or the mingw/Wine toolchain is not available (a loud banner says why); any
# other non-zero status is a real failure (build or test) and must fail CI.
#
# Environment (all optional):
#   BEMX_WINE_USER       non-root user that runs wine when we are root (default bemxwine; created if missing)
#   BEMX_WIN_TARGET_DIR  cargo target dir for the Windows build, if the Wine user can read it
#                        (default, or otherwise: inside the temporary work dir, removed at the end)
#   BEMX_WIN_LOG         where to write the test output (for summaries); default inside the work dir
#   BEMX_WIN_KEEP=1      keep the temporary work dir (prefix, source copy) for debugging
#   BEMX_WIN_TEST_TIMEOUT seconds the Wine test run may take (default 2400), then it fails
#   BEMX_WIN_LOCKED=     (empty) build without --locked, for local work while Cargo.lock changes
#   CARGO_BUILD_JOBS     as usual, e.g. 1 on a busy machine
#
# Why a copy of the source: Wine must not run as root (as root it lets
# read-only files be opened for writing, unlike Windows), and the clone may sit
# where another user cannot read it (under /root). Cargo runs each test in its
# crate's folder and read their data from the repository, so the repository is
# copied into a world-readable temporary folder and built there; the build
# itself runs as the caller. Nothing outside the repository is read.
set -euo pipefail
umask 022

TARGET=x86_64-pc-windows-gnu
LOCKED="${BEMX_WIN_LOCKED---locked}" # BEMX_WIN_LOCKED= drops --locked (local work on a changing lock file)
# Split the arguments: cargo's package/target selection, then (after --) the test harness's.
SELECTION=()
HARNESS=()
while [ "$#" -gt 0 ]; do
    if [ "$1" = "--" ]; then
        shift
        HARNESS=("$@")
        break
    fi
    SELECTION+=("$1")
    shift
done
if [ "${#SELECTION[@]}" -eq 0 ]; then SELECTION=(--workspace); fi
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SKIPPED=3

now() { date +%s; }
STAGE_START=$(now)
step_start=$STAGE_START
step() {
    local t
    t=$(now)
    printf '\n--- [windows %4ss] %s\n' "$((t - STAGE_START))" "$*"
    step_start=$t
}
step_done() { printf -- '--- (%ss)\n' "$(($(now) - step_start))"; }

skip() {
    printf '\n'
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    printf '!!! WINDOWS STAGE SKIPPED: %s\n' "$*"
    printf '!!! The Windows build was NOT tested in this run.\n'
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    exit "$SKIPPED"
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# --- toolchain --------------------------------------------------------------
step "rustup target add $TARGET"
if ! command -v rustup >/dev/null 2>&1; then
    skip "rustup not found, cannot add the $TARGET target"
fi
if ! rustup target add "$TARGET"; then
    skip "rustup target add $TARGET failed"
fi
step_done

step "apt-get install gcc-mingw-w64-x86-64 wine"
if is_root; then
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        gcc-mingw-w64-x86-64 wine wine64 >/dev/null; then
        # A stale package list is the usual cause; try once more after an update.
        apt-get update -q >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            gcc-mingw-w64-x86-64 wine wine64 >/dev/null ||
            skip "apt-get install gcc-mingw-w64-x86-64 wine failed"
    fi
fi
for tool in x86_64-w64-mingw32-gcc wine wineserver; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not found (install gcc-mingw-w64-x86-64 and wine as root)"
done
# (Debian's wine wrapper warns that wine32 is missing: only 64-bit programs run here, which is all we need.)
wine --version 2>/dev/null || skip "wine does not start"
step_done

# --- work dir, user, source copy --------------------------------------------
WORK="$(mktemp -d /tmp/bemx-win.XXXXXX)"
chmod 755 "$WORK"
export WINEPREFIX="$WORK/prefix"
LOG="${BEMX_WIN_LOG:-$WORK/test.log}"

if is_root; then
    export BEMX_WINE_USER="${BEMX_WINE_USER:-bemxwine}"
    if ! id -u "$BEMX_WINE_USER" >/dev/null 2>&1; then
        useradd --create-home --shell /bin/bash "$BEMX_WINE_USER"
    fi
    as_user() { runuser -u "$BEMX_WINE_USER" -- env HOME="$(getent passwd "$BEMX_WINE_USER" | cut -d: -f6)" "$@"; }
else
    as_user() { "$@"; }
fi

# The Wine user runs the test executables straight from the target folder.
TARGET_DIR="$WORK/target"
if [ -n "${BEMX_WIN_TARGET_DIR:-}" ]; then
    mkdir -p "$BEMX_WIN_TARGET_DIR"
    if as_user test -r "$BEMX_WIN_TARGET_DIR" -a -x "$BEMX_WIN_TARGET_DIR"; then
        TARGET_DIR="$BEMX_WIN_TARGET_DIR"
    else
        echo "note: the Wine user cannot read $BEMX_WIN_TARGET_DIR; building in $TARGET_DIR instead"
    fi
fi

cleanup() {
    as_user env WINEPREFIX="$WINEPREFIX" wineserver -k >/dev/null 2>&1 || true
    if [ "${BEMX_WIN_KEEP:-0}" = 1 ]; then
        echo "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

step "copy the source to $WORK/repo (readable by the Wine user)"
# Debian's tools do not run under Wine: the tests that need them are ignored
# there, so the Linux stage's demand for them does not apply.
unset BEMX_REQUIRE_TOOLS
mkdir -p "$WORK/repo"
tar -C "$REPO" --exclude=./target --exclude=./target-win --exclude=./.git --exclude=./fuzz/target -cf - . |
    tar -C "$WORK/repo" -xf -
if is_root; then
    # Tests run in their crate's folder; let them write there as they may on Linux.
    chown -R "$BEMX_WINE_USER": "$WORK/repo"
fi
install -m 755 "$REPO/ci/windows/wine-runner.sh" "$WORK/wine-runner.sh"
step_done

# --- Wine prefix -------------------------------------------------------------
step "stand-in bcryptprimitives.dll and a fresh WINEPREFIX"
# Rust >= 1.78 programs import ProcessPrng from bcryptprimitives.dll, which
# Wine has only from 8.13; without it every exe exits with code 53.
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$WORK/bcryptprimitives.dll" \
    "$REPO/ci/windows/bcryptprimitives.c" -ladvapi32
make_prefix() {
    rm -rf "$WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    if is_root; then chown "$BEMX_WINE_USER": "$WINEPREFIX"; fi
    # mscoree/mshtml disabled: no Mono/Gecko install prompts on a headless
    # machine. The syswow64 message only says that 32-bit Wine is absent.
    as_user env WINEPREFIX="$WINEPREFIX" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
        wine wineboot --init 2>&1 | grep -v -e 'syswow64' || true
    as_user env WINEPREFIX="$WINEPREFIX" wineserver -w || true
    [ -f "$WINEPREFIX/drive_c/windows/system32/kernel32.dll" ]
}
if ! make_prefix; then
    echo "wineboot left an incomplete prefix; trying once more"
    as_user env WINEPREFIX="$WINEPREFIX" wineserver -k >/dev/null 2>&1 || true
    make_prefix || { echo "cannot create a Wine prefix in $WINEPREFIX" >&2; exit 1; }
fi
as_user install -m 644 "$WORK/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
step_done

# --- build and test ----------------------------------------------------------
cd "$WORK/repo"
export CARGO_TARGET_DIR="$TARGET_DIR"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$WORK/wine-runner.sh"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step "cargo build (tests) --target $TARGET"
cargo test "${SELECTION[@]}" $LOCKED --target "$TARGET" --no-run
step_done

step "cargo test ${SELECTION[*]} --target $TARGET -- ${HARNESS[*]} under Wine (as ${BEMX_WINE_USER:-$(id -un)})"
mkdir -p "$(dirname "$LOG")"
set +e
# A test that hangs under Wine must not eat CI's whole time budget.
timeout --kill-after=60 "${BEMX_WIN_TEST_TIMEOUT:-2400}" \
    cargo test "${SELECTION[@]}" $LOCKED --target "$TARGET" --no-fail-fast -- "${HARNESS[@]}" 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
step_done
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "!!! the Windows tests did not finish within ${BEMX_WIN_TEST_TIMEOUT:-2400}s (timeout)"
fi
# Bundles cross platforms both ways (only after a full, passing test run:
# it needs the Linux binary and the Windows bemx.exe the tests built).
WIN_EXE="$TARGET_DIR/$TARGET/debug/bemx.exe"
LIN_EXE="$REPO/target/debug/bemx"
if [ "$status" -eq 0 ] && [ -x "$LIN_EXE" ] && [ -f "$WIN_EXE" ]; then
    step "cross-platform handover: Linux bemx <-> Windows bemx.exe under Wine"
    CROSS="$WORK/cross"
    mkdir -p "$CROSS"
    if is_root; then chown "$BEMX_WINE_USER": "$CROSS"; fi
    bash "$REPO/ci/windows/cross.sh" "$LIN_EXE" "$WIN_EXE" "$WORK/wine-runner.sh" "$CROSS" 2>&1 | tee -a "$LOG"
    status=${PIPESTATUS[0]}
    step_done
else
    echo "cross-platform handover not run (tests failed, or $LIN_EXE / $WIN_EXE missing)"
fi
printf '\n--- windows stage took %ss in all, cargo test exit status %s\n' "$(($(now) - STAGE_START))" "$status"
exit "$status"

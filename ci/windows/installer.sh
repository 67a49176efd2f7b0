#!/usr/bin/env bash
# Windows installer stage: cross-builds bemx.exe and bemx-app.exe for
# x86_64-pc-windows-gnu, packs them with NSIS (ci/windows/installer.nsi) into
# TARGET_DIR/bemx-setup-VERSION.exe, and tests that installer under Wine, as a
# non-root user, in a fresh Wine prefix: silent install, what it installed and
# registered, silent uninstall keeping the user's data, and uninstall with
# /DELETEDATA removing it.
#
#   bash ci/windows/installer.sh      (as root in CI; it drops to the Wine user itself)
#
# Exit status: 0 installer built and all checks passed; 3 skipped because the
# Rust target or the NSIS/mingw/Wine toolchain is not available (a loud banner
# says why); any other non-zero status is a real failure and must fail CI.
#
# Environment (all optional):
#   BEMX_WINE_USER        non-root user that runs wine when we are root (default bemxwine; created if missing)
#   BEMX_WIN_TARGET_DIR   cargo target dir for the Windows build (default: target in the repository);
#                         the installer is written there as bemx-setup-VERSION.exe
#   BEMX_WIN_PROFILE      release (default) or debug: a debug build for quick local runs
#                         (its executables are stripped before packing; their debug info
#                         is over 100 MB and takes LZMA minutes)
#   BEMX_WIN_LOCKED=      (empty) build without --locked, for local work while Cargo.lock changes
#   BEMX_WIN_KEEP=1       keep the temporary work dir (Wine prefix, staged files) for debugging
#   BEMX_WIN_WINE_TIMEOUT seconds one wine program may run (default 300), then it fails
#   BEMX_APP_EXE_OVERRIDE LOCAL TESTING ONLY: a file packed as bemx-app.exe instead of building
#                         the bemx-app crate (e.g. a copy of bemx.exe while the app does not
#                         build). Refused when CI=true: CI must ship and test the real app.
#   CARGO_BUILD_JOBS      as usual, e.g. 1 on a busy machine
#
# Wine must not run as root (as root it lets read-only files be opened for
# writing, unlike Windows), and the build output may sit where another user
# cannot read it (under /root): the build runs as the caller, and the Wine user
# gets a world-readable copy of the installer in a temporary folder.
set -euo pipefail
umask 022

TARGET=x86_64-pc-windows-gnu
LOCKED="${BEMX_WIN_LOCKED---locked}" # BEMX_WIN_LOCKED= drops --locked (local work on a changing lock file)
PROFILE="${BEMX_WIN_PROFILE:-release}"
APP_OVERRIDE="${BEMX_APP_EXE_OVERRIDE:-}"
WINE_TIMEOUT="${BEMX_WIN_WINE_TIMEOUT:-300}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SKIPPED=3
# Must match installer.nsi.
PRODUCT="bemx – Klientenübergabe"

now() { date +%s; }
STAGE_START=$(now)
step_start=$STAGE_START
step() {
    local t
    t=$(now)
    printf '\n--- [installer %4ss] %s\n' "$((t - STAGE_START))" "$*"
    step_start=$t
}
step_done() { printf -- '--- (%ss)\n' "$(($(now) - step_start))"; }

skip() {
    printf '\n'
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    printf '!!! WINDOWS INSTALLER STAGE SKIPPED: %s\n' "$*"
    printf '!!! The Windows installer was NOT built or tested in this run.\n'
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    exit "$SKIPPED"
}

die() {
    printf '!!! %s\n' "$*" >&2
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

case "$PROFILE" in
release) PROFILE_FLAG=(--release) ;;
debug) PROFILE_FLAG=() ;;
*) die "BEMX_WIN_PROFILE must be release or debug, not '$PROFILE'" ;;
esac
PACKAGES=(-p bemx-cli -p bemx-app)
if [ -n "$APP_OVERRIDE" ]; then
    if [ "${CI:-}" = true ]; then
        die "BEMX_APP_EXE_OVERRIDE is for local testing only; CI must build and test the real bemx-app"
    fi
    [ -f "$APP_OVERRIDE" ] || die "BEMX_APP_EXE_OVERRIDE=$APP_OVERRIDE: no such file"
    APP_OVERRIDE="$(cd "$(dirname "$APP_OVERRIDE")" && pwd)/$(basename "$APP_OVERRIDE")"
    PACKAGES=(-p bemx-cli)
fi

# --- toolchain --------------------------------------------------------------
step "rustup target add $TARGET"
command -v rustup >/dev/null 2>&1 || skip "rustup not found, cannot add the $TARGET target"
rustup target add "$TARGET" || skip "rustup target add $TARGET failed"
step_done

step "apt-get install nsis gcc-mingw-w64-x86-64 wine"
APT_PACKAGES=(nsis gcc-mingw-w64-x86-64 wine wine64)
if is_root; then
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${APT_PACKAGES[@]}" >/dev/null; then
        # A stale package list is the usual cause; try once more after an update.
        apt-get update -q >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            "${APT_PACKAGES[@]}" >/dev/null ||
            skip "apt-get install ${APT_PACKAGES[*]} failed"
    fi
fi
for tool in makensis x86_64-w64-mingw32-gcc wine wineserver; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not found (install ${APT_PACKAGES[*]} as root)"
done
printf 'makensis %s\n' "$(makensis -VERSION)"
# (Debian's wine wrapper warns that wine32 is missing: only 64-bit programs run here, which is all we need.)
wine --version 2>/dev/null || skip "wine does not start"
step_done

# --- version and build -------------------------------------------------------
cd "$REPO"
# The CLI's version is the product's (the workspace sets one for all crates);
# the workspace Cargo.toml is the fallback should cargo metadata fail.
VERSION="$(cargo metadata --no-deps --format-version 1 2>/dev/null |
    grep -o '"name":"bemx-cli","version":"[^"]*"' | sed 's/.*"version":"//; s/"$//')" || true
if [ -z "$VERSION" ]; then
    VERSION="$(awk -F'"' '/^\[workspace\.package\]/{p=1; next} /^\[/{p=0} p && /^version *=/{print $2; exit}' Cargo.toml)"
fi
[[ "$VERSION" =~ ^[0-9A-Za-z.+-]+$ ]] || die "cannot tell the version (cargo metadata / Cargo.toml gave '$VERSION')"

TARGET_DIR="${BEMX_WIN_TARGET_DIR:-target}"
mkdir -p "$TARGET_DIR"
TARGET_DIR="$(cd "$TARGET_DIR" && pwd)"
export CARGO_TARGET_DIR="$TARGET_DIR"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
step "cargo build ${PROFILE_FLAG[*]} $LOCKED --target $TARGET ${PACKAGES[*]} (version $VERSION)"
cargo build "${PROFILE_FLAG[@]}" $LOCKED --target "$TARGET" "${PACKAGES[@]}"
BUILT="$TARGET_DIR/$TARGET/$PROFILE"
BEMX_EXE="$BUILT/bemx.exe"
APP_EXE="${APP_OVERRIDE:-$BUILT/bemx-app.exe}"
for f in "$BEMX_EXE" "$APP_EXE"; do [ -f "$f" ] || die "the build left no $f"; done
step_done

# --- work dir, user ------------------------------------------------------------
WORK="$(mktemp -d /tmp/bemx-setup.XXXXXX)"
chmod 755 "$WORK"
export WINEPREFIX="$WORK/prefix"

if is_root; then
    export BEMX_WINE_USER="${BEMX_WINE_USER:-bemxwine}"
    if ! id -u "$BEMX_WINE_USER" >/dev/null 2>&1; then
        useradd --create-home --shell /bin/bash "$BEMX_WINE_USER"
    fi
    as_user() { runuser -u "$BEMX_WINE_USER" -- env HOME="$(getent passwd "$BEMX_WINE_USER" | cut -d: -f6)" "$@"; }
else
    as_user() { "$@"; }
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

# --- installer -----------------------------------------------------------------
# The executables are staged under their installed names: makensis packs
# these, and the checks compare the installed files with them.
STAGED="$WORK/files"
mkdir -p "$STAGED"
install -m 644 "$BEMX_EXE" "$STAGED/bemx.exe"
install -m 644 "$APP_EXE" "$STAGED/bemx-app.exe"
if [ "$PROFILE" = debug ] && command -v x86_64-w64-mingw32-strip >/dev/null 2>&1; then
    x86_64-w64-mingw32-strip --strip-debug "$STAGED/bemx.exe" "$STAGED/bemx-app.exe"
fi
if [ -n "$APP_OVERRIDE" ]; then
    printf '!!! LOCAL TEST: bemx-app.exe in this installer is %s, not the bemx-app build\n' "$APP_OVERRIDE"
fi

SETUP="$TARGET_DIR/bemx-setup-$VERSION.exe"
step "makensis -> $SETUP"
# -INPUTCHARSET UTF8: the script holds umlauts and an en dash. -WX: a warning
# (a missing file, an unused function) is a broken installer script.
makensis -V2 -WX -INPUTCHARSET UTF8 \
    -DBEMX_EXE="$STAGED/bemx.exe" -DBEMX_APP_EXE="$STAGED/bemx-app.exe" \
    -DVERSION="$VERSION" -DOUTFILE="$SETUP" \
    "$REPO/ci/windows/installer.nsi"
install -m 644 "$SETUP" "$WORK/bemx-setup-$VERSION.exe"
ls -l "$SETUP"
sha256sum "$SETUP"
step_done

# --- Wine prefix -----------------------------------------------------------------
step "stand-in bcryptprimitives.dll and a fresh WINEPREFIX (as ${BEMX_WINE_USER:-$(id -un)})"
# Rust >= 1.78 programs import ProcessPrng from bcryptprimitives.dll, which
# Wine has only from 8.13; without it every exe exits with code 53.
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$WORK/bcryptprimitives.dll" \
    "$REPO/ci/windows/bcryptprimitives.c" -ladvapi32
# Wine runs in the work dir, which the Wine user can enter wherever the repository is.
cd "$WORK"
# C.UTF-8: Wine names Unix files after the locale's code page; the shortcut's
# name has an en dash and an umlaut.
WINE_ENV=(env WINEPREFIX="$WINEPREFIX" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" LC_ALL=C.UTF-8)
make_prefix() {
    rm -rf "$WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    if is_root; then chown "$BEMX_WINE_USER": "$WINEPREFIX"; fi
    # mscoree/mshtml disabled: no Mono/Gecko install prompts on a headless
    # machine. The syswow64 message only says that 32-bit Wine is absent.
    as_user "${WINE_ENV[@]}" wine wineboot --init 2>&1 | grep -v -e 'syswow64' || true
    as_user "${WINE_ENV[@]}" wineserver -w || true
    [ -f "$WINEPREFIX/drive_c/windows/system32/kernel32.dll" ]
}
if ! make_prefix; then
    echo "wineboot left an incomplete prefix; trying once more"
    as_user env WINEPREFIX="$WINEPREFIX" wineserver -k >/dev/null 2>&1 || true
    make_prefix || die "cannot create a Wine prefix in $WINEPREFIX"
fi
as_user install -m 644 "$WORK/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
step_done

# --- helpers for the checks ----------------------------------------------------------
OUT="$WORK/out"
ERR="$WORK/err"
CHECKS=0
ok() {
    CHECKS=$((CHECKS + 1))
    printf 'ok    %s\n' "$*"
}
# fail WHAT EXPECTED FOUND
fail() {
    printf 'FAIL  %s\n      expected: %s\n      found:    %s\n' "$1" "$2" "$3"
    printf '\n!!! WINDOWS INSTALLER CHECK FAILED: %s\n' "$1" >&2
    exit 1
}
# Shown as "found" when a wine program failed.
wine_output() { printf 'exit status %s; stdout: %s; stderr: %s' "$1" "$(tr -d '\r' <"$OUT" | head -c 600)" "$(tr -d '\r' <"$ERR" | head -c 600)"; }

# Runs a Windows program as the Wine user, stdout to $OUT and stderr to $ERR;
# returns its exit status. Wine fails now and then to create the process at
# all (ERROR_INTERNAL_ERROR, 1359, reported by start.exe as "Application could
# not be started ... ShellExecuteEx failed"): only such a start is retried,
# twice; a program that ran keeps its exit status.
wine_run() {
    local attempt status=0
    for attempt in 1 2 3; do
        status=0
        as_user "${WINE_ENV[@]}" timeout --kill-after=10 "$WINE_TIMEOUT" wine "$@" >"$OUT" 2>"$ERR" || status=$?
        if [ "$status" -ne 0 ] && grep -q -e 'could not be started' -e 'ShellExecuteEx failed' "$ERR"; then
            printf '      (wine could not start %s, attempt %s: %s)\n' "$1" "$attempt" "$(tr -d '\r' <"$ERR" | tr '\n' ' ' | head -c 200)"
            sleep "$attempt"
            continue
        fi
        break
    done
    return "$status"
}

# The NSIS uninstaller copies itself to %TEMP% and starts that copy (so that
# it can delete Uninstall.exe), and the Uninstall.exe we start returns at once.
# Running it that way, as a user does, and then waiting for every process of
# the prefix to end (wineserver -w) checks the real behaviour; a bounded wait,
# so that a hanging uninstaller fails instead of stalling CI.
wait_for_wine() {
    as_user env WINEPREFIX="$WINEPREFIX" timeout --kill-after=10 "$WINE_TIMEOUT" wineserver -w ||
        fail "$1" "all Wine processes to end within ${WINE_TIMEOUT}s" "still running (wineserver -w timed out)"
}

# reg_value KEY [NAME]: the key's default value, or its value NAME, as
# `wine reg query` shows it ("    (Default)    REG_SZ    value"); status 1
# when reg fails (the key or value is missing).
reg_value() {
    local key="$1" name="${2:-}" args
    if [ -n "$name" ]; then args=(/v "$name"); else args=(/ve); fi
    wine_run reg query "$key" "${args[@]}" || return 1
    tr -d '\r' <"$OUT" | sed -n 's/^ \{1,\}[^ ].*  \{1,\}REG_[A-Z_]\{1,\}  \{1,\}//p' | head -n 1
}

# Status 0 when the key exists, 1 when reg says it cannot find it; any other
# answer fails the check rather than passing for "removed".
reg_key_exists() {
    local status=0
    wine_run reg query "$1" || status=$?
    if [ "$status" -eq 0 ]; then return 0; fi
    # (Wine's reg prints that message on stdout.)
    if [ "$status" -eq 1 ] && grep -qi 'unable to find' "$OUT" "$ERR"; then return 1; fi
    fail "wine reg query $1" "the key, or reg's 'Unable to find the specified registry key'" "$(wine_output "$status")"
}

# C: is the prefix's drive_c in a fresh prefix.
to_unix() {
    local p="${1#[Cc]:\\}"
    printf '%s/drive_c/%s' "$WINEPREFIX" "${p//\\//}"
}

# --- the user's folders as Wine sees them --------------------------------------------
wine_run cmd /c 'echo %LOCALAPPDATA%;%APPDATA%' || fail "cmd /c echo %LOCALAPPDATA%;%APPDATA%" "exit status 0" "$(wine_output $?)"
folders="$(tr -d '\r' <"$OUT" | tail -n 1)"
LOCALAPPDATA_WIN="${folders%%;*}"
APPDATA_WIN="${folders#*;}"
case "$LOCALAPPDATA_WIN;$APPDATA_WIN" in
[A-Za-z]:\\*\;[A-Za-z]:\\*) ;;
*) fail "%LOCALAPPDATA% and %APPDATA% under Wine" "two Windows paths" "'$folders'" ;;
esac
INST_WIN="$LOCALAPPDATA_WIN\\Programs\\bemx"
INST="$(to_unix "$INST_WIN")"
DATA="$(to_unix "$APPDATA_WIN\\bemx")"
SHORTCUT="$(to_unix "$APPDATA_WIN\\Microsoft\\Windows\\Start Menu\\Programs")/$PRODUCT.lnk"
EXT_KEY='HKCU\Software\Classes\.bemx'
PROGID_KEY='HKCU\Software\Classes\bemx.Bundle'
UNINST_KEY='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\bemx'
SETUP_WIN="$WORK/bemx-setup-$VERSION.exe"

install_silently() {
    local status=0
    wine_run "$SETUP_WIN" /S || status=$?
    [ "$status" -eq 0 ] || fail "bemx-setup-$VERSION.exe /S" "exit status 0" "$(wine_output "$status")"
    wait_for_wine "bemx-setup-$VERSION.exe /S"
    ok "bemx-setup-$VERSION.exe /S: exit status 0"
}

# uninstall_silently [SWITCH...]
uninstall_silently() {
    local status=0
    [ -f "$INST/Uninstall.exe" ] || fail "Uninstall.exe before uninstalling" "$INST/Uninstall.exe" "missing"
    wine_run "$INST_WIN\\Uninstall.exe" /S "$@" || status=$?
    [ "$status" -eq 0 ] || fail "Uninstall.exe /S $*" "exit status 0" "$(wine_output "$status")"
    wait_for_wine "Uninstall.exe /S $*"
    ok "Uninstall.exe /S${*:+ $*}: exit status 0, all its processes ended"
}

check_program_removed() {
    local left
    if [ -d "$INST" ]; then
        left="$(ls -A "$INST")"
        [ -z "$left" ] || fail "program folder after uninstalling" "$INST_WIN gone or empty" "$(printf '%s ' $left)"
    fi
    ok "program folder $INST_WIN removed"
    [ ! -e "$SHORTCUT" ] || fail "Start-menu shortcut after uninstalling" "no $SHORTCUT" "it is still there"
    ok "Start-menu shortcut removed"
    for key in "$EXT_KEY" "$PROGID_KEY" "$UNINST_KEY"; do
        if reg_key_exists "$key"; then
            fail "registry after uninstalling" "no key $key" "$(tr -d '\r' <"$OUT" | head -n 5 | tr '\n' ' ')"
        fi
        ok "registry key $key removed"
    done
}

# --- 1. silent install ------------------------------------------------------------------
step "install: bemx-setup-$VERSION.exe /S (as ${BEMX_WINE_USER:-$(id -un)})"
install_silently
for exe in bemx.exe bemx-app.exe; do
    [ -f "$INST/$exe" ] || fail "$exe installed" "$INST_WIN\\$exe" "missing (folder: $(ls -A "$INST" 2>/dev/null | tr '\n' ' '))"
    cmp -s "$STAGED/$exe" "$INST/$exe" || fail "$exe installed" "the same bytes as the build's $exe" "a different file"
    ok "$INST_WIN\\$exe is the build's $exe"
done
[ -f "$INST/Uninstall.exe" ] || fail "Uninstall.exe installed" "$INST_WIN\\Uninstall.exe" "missing"
ok "$INST_WIN\\Uninstall.exe present"

status=0
wine_run "$INST_WIN\\bemx.exe" --version || status=$?
version_out="$(tr -d '\r' <"$OUT" | head -n 1)"
if [ "$status" -ne 0 ] || ! grep -qF "$VERSION" <<<"$version_out"; then
    fail "installed bemx.exe --version" "exit status 0 and a line naming $VERSION" "$(wine_output "$status")"
fi
ok "installed bemx.exe --version: $version_out"

[ -f "$SHORTCUT" ] || fail "Start-menu shortcut" "$SHORTCUT" "missing (Programs: $(ls -A "$(dirname "$SHORTCUT")" 2>/dev/null | tr '\n' ' '))"
# The .lnk holds the target path in UTF-16; dropping the NULs leaves ASCII.
tr -d '\0' <"$SHORTCUT" | grep -aqi 'bemx-app\.exe' ||
    fail "Start-menu shortcut target" "a link to bemx-app.exe" "no bemx-app.exe in $SHORTCUT"
ok "Start-menu shortcut '$PRODUCT.lnk' points at bemx-app.exe"

got="$(reg_value "$EXT_KEY")" || fail "wine reg query '$EXT_KEY' /ve" "bemx.Bundle" "$(wine_output 1)"
[ "$got" = bemx.Bundle ] || fail "wine reg query '$EXT_KEY' /ve" "bemx.Bundle" "'$got'"
ok "$EXT_KEY = $got"
want="\"$INST_WIN\\bemx-app.exe\" \"%1\""
got="$(reg_value "$PROGID_KEY\\shell\\open\\command")" || fail "open command of bemx.Bundle" "$want" "$(wine_output 1)"
[ "$got" = "$want" ] || fail "open command of bemx.Bundle" "$want" "$got"
ok "$PROGID_KEY\\shell\\open\\command = $got"
got="$(reg_value "$PROGID_KEY\\DefaultIcon")" || fail "DefaultIcon of bemx.Bundle" "bemx-app.exe,0" "$(wine_output 1)"
[ "$got" = "$INST_WIN\\bemx-app.exe,0" ] || fail "DefaultIcon of bemx.Bundle" "$INST_WIN\\bemx-app.exe,0" "$got"
ok "$PROGID_KEY\\DefaultIcon = $got"

check_uninstall_value() {
    local name="$1" want="$2" got
    got="$(reg_value "$UNINST_KEY" "$name")" || fail "uninstall entry $name" "$want" "$(wine_output 1)"
    [ "$got" = "$want" ] || fail "uninstall entry $name" "$want" "'$got'"
    ok "uninstall entry $name = $got"
}
# DisplayName through `reg export`, which writes UTF-16: reg query writes to a
# pipe in the console code page, which has no en dash.
EXPORT="$WORK/export"
mkdir -p "$EXPORT"
if is_root; then chown "$BEMX_WINE_USER": "$EXPORT"; fi
status=0
wine_run reg export "$UNINST_KEY" "Z:${EXPORT//\//\\}\\uninstall.reg" /y || status=$?
[ "$status" -eq 0 ] || fail "wine reg export '$UNINST_KEY'" "exit status 0" "$(wine_output "$status")"
got="$(iconv -f UTF-16 -t UTF-8 "$EXPORT/uninstall.reg" | tr -d '\r' | grep '^"DisplayName"=' || true)"
[ "$got" = "\"DisplayName\"=\"$PRODUCT\"" ] || fail "uninstall entry DisplayName" "\"DisplayName\"=\"$PRODUCT\"" "'$got'"
ok "uninstall entry $got"
check_uninstall_value DisplayVersion "$VERSION"
check_uninstall_value UninstallString "\"$INST_WIN\\Uninstall.exe\""
check_uninstall_value QuietUninstallString "\"$INST_WIN\\Uninstall.exe\" /S"
check_uninstall_value InstallLocation "$INST_WIN"
check_uninstall_value NoModify 0x1
check_uninstall_value NoRepair 0x1
step_done

# --- 2. silent uninstall keeps the data -------------------------------------------------
step "uninstall: Uninstall.exe /S keeps %APPDATA%\\bemx"
# What bemx init would have left: any file in the data folder stands for the
# database, the keys and the backups.
as_user mkdir -p "$DATA"
as_user touch "$DATA/marker"
uninstall_silently
check_program_removed
[ -f "$DATA/marker" ] || fail "data after Uninstall.exe /S" "$APPDATA_WIN\\bemx\\marker kept" "it was deleted"
ok "data folder $APPDATA_WIN\\bemx kept (marker still there)"
step_done

# --- 3. reinstall, uninstall with /DELETEDATA ---------------------------------------------
step "reinstall, then Uninstall.exe /S /DELETEDATA removes %APPDATA%\\bemx"
install_silently
[ -f "$INST/bemx.exe" ] || fail "bemx.exe after reinstalling" "$INST_WIN\\bemx.exe" "missing"
[ -f "$DATA/marker" ] || fail "data after reinstalling" "$APPDATA_WIN\\bemx\\marker kept" "it was deleted"
ok "reinstalled; the data folder survived the reinstall"
uninstall_silently /DELETEDATA
check_program_removed
[ ! -e "$DATA" ] || fail "data after Uninstall.exe /S /DELETEDATA" "no $APPDATA_WIN\\bemx" "still there: $(ls -A "$DATA" | tr '\n' ' ')"
ok "data folder $APPDATA_WIN\\bemx deleted"
step_done

printf '\n--- installer stage: %s checks passed in %ss; installer: %s\n' "$CHECKS" "$(($(now) - STAGE_START))" "$SETUP"

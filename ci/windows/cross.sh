#!/usr/bin/env bash
# A bundle written by the Linux build imports on the Windows build, and the
# other way round, each handover finished with the receiver's receipt.
#
#   cross.sh LINUX_BEMX WINDOWS_BEMX_EXE WINE_RUNNER WORK_DIR
#
# WINE_RUNNER is ci/windows/wine-runner.sh (it drops to BEMX_WINE_USER when
# run as root); WORK_DIR must be writable by that user. The Windows side
# keeps its installation in its default place, %APPDATA%\bemx inside the Wine
# prefix: key files outside the user's profile are refused on Windows.
set -euo pipefail

LIN_BEMX="$1" WIN_BEMX="$2" RUNNER="$3" DIR="$4"
LIN_HOME="$DIR/linux-home"
owner="${BEMX_WINE_USER:-$(id -un)}"

lin() { "$LIN_BEMX" --home "$LIN_HOME" --yes "$@"; }
# The Windows installation lives in its own folder under %APPDATA% (the
# default one may already hold the e2e tests' installation).
APPDATA_WIN="$( (cd "$DIR" && "$RUNNER" cmd /c echo %APPDATA%) | tr -d '\r' | tail -n 1)"
case "$APPDATA_WIN" in
*:\\*) ;;
*) echo "CROSS-PLATFORM FAILED: cannot read %APPDATA% under Wine (got '$APPDATA_WIN')" >&2; exit 1 ;;
esac
WIN_HOME="$APPDATA_WIN\\bemx-cross-$$"
# Relative paths on the Windows side resolve in WORK_DIR.
win() { (cd "$DIR" && "$RUNNER" "$WIN_BEMX" --home "$WIN_HOME" --yes "$@"); }
# Files the Linux side writes for the Windows side must be readable by the Wine user.
hand() { chown "$owner": "$@" 2>/dev/null || true; chmod 644 "$@"; }
uuids() { grep -oE '"uuid": *"[0-9a-f-]{36}"' | grep -oE '[0-9a-f-]{36}' | head -n "$1"; }
count() { grep -c '"uuid"' || true; }
fail() { echo "CROSS-PLATFORM FAILED: $*" >&2; exit 1; }

echo "--- two installations: Linux and Windows (Wine)"
lin init --name "Linux PC" >/dev/null
win init --name "Windows PC" >/dev/null
lin id show --json >"$DIR/linux.card"
win id show --json >"$DIR/windows.card"
hand "$DIR/linux.card"
lin contacts add "$DIR/windows.card" >/dev/null
win contacts add linux.card >/dev/null

echo "--- Linux exports, Windows imports"
lin db seed --clients 6 --max-documents 2 --document-bytes 200-40000 >/dev/null
lin clients list --json | uuids 2 >"$DIR/l2w.clients"
lin export --to "Windows PC" --clients-file "$DIR/l2w.clients" --without-consent "cross-platform test" -o "$DIR/l2w.bemx" >/dev/null
hand "$DIR/l2w.bemx"
win verify l2w.bemx
win import l2w.bemx --receipt l2w.receipt
[ "$(win clients list --json | count)" -eq 2 ] || fail "Windows does not list the 2 imported clients"
lin handover confirm --yes "$DIR/l2w.receipt"
[ "$(lin clients list --all --json | count)" -eq 4 ] || fail "Linux still holds the handed-over clients"

echo "--- Windows exports, Linux imports"
win db seed --clients 4 --seed 9 --max-documents 2 --document-bytes 200-40000 >/dev/null
win clients list --json | uuids 3 >"$DIR/w2l.clients"
hand "$DIR/w2l.clients"
win export --to "Linux PC" --clients-file w2l.clients --without-consent "cross-platform test" -o w2l.bemx >/dev/null
lin verify "$DIR/w2l.bemx"
lin import "$DIR/w2l.bemx" --receipt "$DIR/w2l.receipt"
[ "$(lin clients list --json | count)" -eq 7 ] || fail "Linux does not list 4 + 3 clients"
hand "$DIR/w2l.receipt"
win handover confirm --yes w2l.receipt
[ "$(win clients list --all --json | count)" -eq 3 ] || fail "Windows still holds the handed-over clients"
lin db check >/dev/null
win db check >/dev/null
echo "--- cross-platform handovers: both directions imported and confirmed"

#!/usr/bin/env bash
# Cargo runner for x86_64-pc-windows-gnu: runs a test executable under Wine.
#
#   CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=/path/to/ci/windows/wine-runner.sh
#
# Wine must not run as root: as root it lets read-only files be opened for
# writing, unlike Windows, so tests of read-only handling would lie. When this
# script runs as root it drops to BEMX_WINE_USER with runuser; as any other
# user it runs wine directly. WINEPREFIX must name a prefix owned by that user
# (ci/windows/test.sh makes one). The working folder (the crate's folder, set
# by cargo) and the executable must be readable by that user.
set -euo pipefail

: "${WINEPREFIX:?WINEPREFIX must be set (see ci/windows/test.sh)}"

if [ "$(id -u)" -eq 0 ]; then
    user="${BEMX_WINE_USER:?running as root: set BEMX_WINE_USER to a non-root user}"
    home="$(getent passwd "$user" | cut -d: -f6)"
    # runuser keeps the environment (cargo's CARGO_* variables, RUST_BACKTRACE,
    # the tests' own variables) apart from HOME, SHELL, USER and LOGNAME.
    exec runuser -u "$user" -- env HOME="$home" WINEPREFIX="$WINEPREFIX" WINEDEBUG=-all \
        WINEDLLOVERRIDES="mscoree,mshtml=" wine "$@"
fi
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
exec wine "$@"

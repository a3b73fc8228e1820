#!/usr/bin/env bash
# The Debian packages GroupGuard's tests drive, installed with apt-get when missing: Chromium and
# chromedriver (the console's browser tests), tesseract with its Chinese data (reading text in
# pictures), a Chinese font (pictures drawn for those tests), gcc (the fake WeCom archive SDK),
# PostgreSQL (the storage tests start a throwaway cluster of it) and nginx (deploy/nginx.example.conf
# is run in it, in front of the service). The tests fail, naming the package, when one is missing;
# none is skipped.
#
# Run by `dotnet test` before each test project (Directory.Build.targets) and by .ci/run. Quiet
# and quick when everything is there. Installs only as root or with sudo that needs no password,
# one apt-get for all that is missing, one test project at a time (flock). Never fails the build:
# when it cannot install, it says what is missing and how to install it.
#
#   GROUPGUARD_TEST_PREREQUISITES=skip   check and report only, never install
#   tools/test-prerequisites.sh --check  the same, for one run
set -uo pipefail

# pg_bin_dir: where Debian's initdb and pg_ctl are, as the throwaway cluster looks for them.
source "$(dirname "$0")/throwaway-postgres.sh"

mode=${GROUPGUARD_TEST_PREREQUISITES:-install}
if [ "${1:-}" = "--check" ]; then mode=skip; fi

# The packages whose programs or files are not there, one per line.
missing_packages() {
    [ -x /usr/bin/chromium ] || echo chromium
    [ -x /usr/bin/chromedriver ] || echo chromium-driver
    if [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && [ ! -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] \
        && [ ! -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then
        echo fonts-wqy-microhei
    fi
    if ! command -v tesseract >/dev/null 2>&1; then
        echo tesseract-ocr
        echo tesseract-ocr-chi-sim
    elif ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim; then
        echo tesseract-ocr-chi-sim
    fi
    command -v gcc >/dev/null 2>&1 || echo gcc
    [ -x /usr/sbin/nginx ] || echo nginx
    if [ -z "${GROUPGUARD_TEST_POSTGRES:-}" ] && ! pg_bin_dir >/dev/null; then
        echo postgresql
    fi
}

missing=$(missing_packages | tr '\n' ' ' | sed 's/ $//')
if [ -z "$missing" ]; then
    exit 0
fi

advise() {
    echo "GroupGuard tests: $1; the tests that need them will fail until they are installed: apt-get install $missing" >&2
    exit 0
}

if [ "$mode" = "skip" ]; then
    advise "Debian packages missing ($missing), not installed (GROUPGUARD_TEST_PREREQUISITES=skip or --check)"
fi
if ! command -v apt-get >/dev/null 2>&1; then
    advise "Debian packages missing ($missing) and no apt-get on this machine"
fi
sudo_cmd=()
if [ "$(id -u)" != "0" ]; then
    if ! command -v sudo >/dev/null 2>&1 || ! sudo -n true 2>/dev/null; then
        advise "Debian packages missing ($missing); not root and sudo asks for a password"
    fi
    sudo_cmd=(sudo -n)
fi

# One installer at a time: dotnet test runs the test projects side by side. The one that waited
# finds the packages there and has nothing to do.
exec 9>"${TMPDIR:-/tmp}/groupguard-test-prerequisites.lock"
flock 9
missing=$(missing_packages | tr '\n' ' ' | sed 's/ $//')
if [ -z "$missing" ]; then
    exit 0
fi

echo "GroupGuard tests: apt-get install $missing (set GROUPGUARD_TEST_PREREQUISITES=skip to not)"
log=$(mktemp "${TMPDIR:-/tmp}/groupguard-apt.XXXXXX")
# shellcheck disable=SC2086
if "${sudo_cmd[@]}" apt-get update -qq >"$log" 2>&1 \
    && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq $missing >>"$log" 2>&1; then
    rm -f "$log"
    echo "GroupGuard tests: installed $missing"
else
    tail -n 20 "$log" >&2
    rm -f "$log"
    advise "apt-get could not install $missing (above)"
fi

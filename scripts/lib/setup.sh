# SPDX-License-Identifier: MIT
# Shared set-up for scripts/run and scripts/test: install what is missing (idempotent, a no-op
# when everything is present), then configure and build. Sourced, not executed.

AH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Build and runtime libraries (Debian bookworm package names).
AH_BUILD_PKGS=(meson ninja-build pkg-config gcc libc6-dev libuv1-dev libwslay-dev libmbedtls-dev
    libcurl4-openssl-dev libjsmn-dev libzstd-dev libsnappy-dev libsqlite3-dev libcmocka-dev
    libhttp-parser-dev ca-certificates openssl)
# Test peers and quality gates.
AH_TEST_PKGS=(curl clang clang-format clang-tidy cppcheck python3 python3-statsmodels
    python3-pandas python3-scipy)

ah_log() {
    printf '[setup] %s\n' "$*" >&2
}

ah_sudo() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

# Installs the given Debian packages that are not installed yet.
ah_ensure_pkgs() {
    local missing=()
    local p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    ah_log "installing: ${missing[*]}"
    ah_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    ah_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# Node.js and npm: use the machine's if present (any >= 18), otherwise Debian's.
ah_ensure_node() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        ah_ensure_pkgs nodejs npm
    fi
}

# npm test peers in tests/node (pinned in package.json / package-lock.json).
ah_ensure_npm_peers() {
    local dir="$AH_ROOT/tests/node"
    local stamp="$dir/node_modules/.arbhub-installed"
    local want
    want=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    ah_log "installing npm test peers in tests/node"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" >"$stamp"
}

# ah_build DIR [meson options...]: configure once, then build (ninja is a no-op when current).
ah_build() {
    local dir="$1"
    shift
    if [ ! -f "$AH_ROOT/$dir/build.ninja" ]; then
        ah_log "configuring $dir $*"
        meson setup "$AH_ROOT/$dir" "$AH_ROOT" "$@" >/dev/null
    fi
    ninja -C "$AH_ROOT/$dir" >/dev/null || ninja -C "$AH_ROOT/$dir"
}

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The arbhub CLI through the real binary: exit codes, exact error lines, --help for every
# command, --print-config round trip, conf/arbhub.json equal to the built-in defaults, and
# secrets never printed.  Usage: cli.sh ARBHUB_BINARY SOURCE_ROOT
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

check() { # name expected_rc expected_stderr_line cmd...
    local name="$1" want_rc="$2" want_err="$3"
    shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$want_rc" ]; then
        echo "FAIL $name: exit $rc, want $want_rc"; cat "$tmp/err"; fail=$((fail + 1)); return
    fi
    if [ -n "$want_err" ] && ! grep -qxF -- "$want_err" "$tmp/err"; then
        echo "FAIL $name: stderr lacks: $want_err"; cat "$tmp/err"; fail=$((fail + 1)); return
    fi
    echo "ok   $name"
    pass=$((pass + 1))
}

check "no command" 2 "Usage: arbhub <command> [options]" "$bin"
check "unknown command" 2 "arbhub: unknown command 'frobnicate'" "$bin" frobnicate
check "unknown option" 2 "arbhub analyze: unknown option '--frob'" "$bin" analyze --frob
check "missing argument" 2 "arbhub serve: option needs an argument: '--config'" "$bin" serve --config
check "version" 0 "" "$bin" version
grep -q "^arbhub [0-9]" "$tmp/out" && pass=$((pass + 1)) || { echo "FAIL version text"; fail=$((fail + 1)); }
check "top help" 0 "" "$bin" --help
for cmd in serve trade analyze simulate lake; do
    check "$cmd --help" 0 "" "$bin" "$cmd" --help
    if grep -q -- "--config PATH" "$tmp/out" && grep -q "server.port" "$tmp/out" &&
        grep -q "(default 8181)" "$tmp/out"; then
        pass=$((pass + 1))
    else
        echo "FAIL $cmd --help lacks options or config keys with defaults"; fail=$((fail + 1))
    fi
done

echo '{"exchanges":{"bybit":{"taker_fee_bps":"x"}}}' >"$tmp/bad1.json"
check "bad type" 2 "arbhub: config error: $tmp/bad1.json: exchanges.bybit.taker_fee_bps: expected a number, got \"x\"" \
    "$bin" serve --config "$tmp/bad1.json"
echo '{"lake":{"rolover_s":5}}' >"$tmp/bad2.json"
check "unknown key" 2 "arbhub: config error: $tmp/bad2.json: lake.rolover_s: unknown key" \
    "$bin" analyze --config "$tmp/bad2.json"
echo '{"server":{"port":-1}}' >"$tmp/bad3.json"
check "bad range" 2 "arbhub: config error: $tmp/bad3.json: server.port: -1 is out of range 0..65535" \
    "$bin" trade --config "$tmp/bad3.json"
check "missing file" 2 "arbhub: config error: $tmp/none.json: cannot open: No such file or directory" \
    "$bin" serve --config "$tmp/none.json"
check "bad log level" 2 "arbhub: --log-level: expected error, warn, info or debug, got 'loud'" \
    "$bin" serve --log-level loud

# --print-config round trip, and the shipped conf/arbhub.json is exactly the defaults.
check "print defaults" 0 "" "$bin" serve --print-config
cp "$tmp/out" "$tmp/defaults.json"
check "print shipped conf" 0 "" "$bin" serve --config "$root/conf/arbhub.json" --print-config
if cmp -s "$tmp/out" "$tmp/defaults.json"; then
    pass=$((pass + 1)); echo "ok   conf/arbhub.json equals the built-in defaults"
else
    echo "FAIL conf/arbhub.json differs from the built-in defaults:"; diff "$tmp/defaults.json" "$tmp/out"; fail=$((fail + 1))
fi
echo '{"symbols":["ETH-BTC"],"server":{"port":9999}}' >"$tmp/c.json"
check "print override" 0 "" "$bin" serve --config "$tmp/c.json" --print-config
cp "$tmp/out" "$tmp/printed.json"
check "reload printed" 0 "" "$bin" serve --config "$tmp/printed.json" --print-config
if cmp -s "$tmp/out" "$tmp/printed.json" && grep -q '"port": 9999' "$tmp/out"; then
    pass=$((pass + 1)); echo "ok   printed config reloads identically"
else
    echo "FAIL printed config does not round-trip"; fail=$((fail + 1))
fi

# Secrets never appear in printed config or help.
ARBHUB_BYBIT_API_KEY=SECRETKEY123 ARBHUB_BYBIT_API_SECRET=SECRETVAL456 \
    "$bin" serve --print-config >"$tmp/s.out" 2>&1
ARBHUB_BYBIT_API_KEY=SECRETKEY123 ARBHUB_BYBIT_API_SECRET=SECRETVAL456 \
    "$bin" trade --help >>"$tmp/s.out" 2>&1
if grep -q -e SECRETKEY123 -e SECRETVAL456 "$tmp/s.out"; then
    echo "FAIL a secret was printed"; fail=$((fail + 1))
else
    pass=$((pass + 1)); echo "ok   secrets never printed"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

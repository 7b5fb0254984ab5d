#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The hub's API token: serve refuses to start off loopback without one (it never binds), and
# with a token every REST request and WebSocket upgrade needs "Authorization: Bearer".
# server.require_token applies the rule on 127.0.0.1, so nothing here leaves loopback.
# Usage: auth.sh ARBHUB_BINARY
set -u
bin="$1"
tmp=$(mktemp -d)
pass=0
fail=0
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
noex='"exchanges":{"binance":{"enabled":false},"bybit":{"enabled":false},"gateio":{"enabled":false},"okx":{"enabled":false}}'

echo "{\"server\":{\"listen_addr\":\"0.0.0.0\",\"port\":0},$noex,\"lake\":{\"enabled\":false}}" >"$tmp/open.json"
env -u ARBHUB_API_TOKEN "$bin" serve --config "$tmp/open.json" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "server.listen_addr is 0.0.0.0: set ARBHUB_API_TOKEN" "$tmp/out"; then
    ok "off loopback without a token: refuses to start (exit 2)"
else
    bad "off loopback without a token: rc $rc: $(cat "$tmp/out")"
fi
ARBHUB_API_TOKEN=short "$bin" serve --config "$tmp/open.json" >"$tmp/out" 2>&1
[ $? -eq 2 ] && ok "a short token is refused" || bad "a short token was accepted"

echo "{\"server\":{\"port\":0,\"require_token\":true},$noex,\"lake\":{\"enabled\":false}}" >"$tmp/tok.json"
env -u ARBHUB_API_TOKEN "$bin" serve --config "$tmp/tok.json" >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "server.require_token is true" "$tmp/out" && ok "require_token without a token: exit 2" ||
    bad "require_token without a token: $(cat "$tmp/out")"

token=0123456789abcdef-test
ARBHUB_API_TOKEN=$token "$bin" serve --config "$tmp/tok.json" >"$tmp/log" 2>&1 &
pid=$!
port=
for _ in $(seq 100); do
    port=$(grep -oE 'listening on http://127.0.0.1:[0-9]+' "$tmp/log" | grep -oE '[0-9]+$')
    [ -n "$port" ] && break
    sleep 0.1
done
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "http://127.0.0.1:$port/api/v1/health")" = 401 ] && ok "no token: 401" || bad "no token was let in"
[ "$(code -H "Authorization: Bearer wrong-token-0000000" "http://127.0.0.1:$port/api/v1/health")" = 401 ] &&
    ok "wrong token: 401" || bad "wrong token was let in"
[ "$(code -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/health")" = 200 ] &&
    ok "right token: 200" || bad "right token refused"
[ "$(code -H "Authorization: Bearer $token" "http://127.0.0.1:$port/metrics")" = 200 ] &&
    ok "metrics with token: 200" || bad "metrics with token refused"
ws=(-H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")
[ "$(code --max-time 2 "${ws[@]}" "http://127.0.0.1:$port/ws")" = 401 ] && ok "WebSocket upgrade without token: 401" ||
    bad "WebSocket upgrade without token was let in"
[ "$(code --max-time 2 "${ws[@]}" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/ws")" = 101 ] &&
    ok "WebSocket upgrade with token: 101" || bad "WebSocket upgrade with token refused"
kill -TERM $pid
wait $pid
rc=$?
pid=
[ $rc -eq 0 ] && ok "SIGTERM: exit 0" || bad "SIGTERM: exit $rc"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

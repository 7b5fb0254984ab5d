#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The contract of `arbhub simulate`'s Bybit trading venue, checked from outside with an
independent signer (Python's hmac, not our C code) and a minimal stdlib WebSocket client.

Usage: check_sim_trading.py ARBHUB
Covers: /v5/market/time unsigned; a signed wallet read equal to --bybit-balance; Bybit's codes
for a wrong secret (10004), an unknown key (10003) and a stale timestamp (10002); a body changed
after signing; an order placed and cancelled; a market order filled at the ask that simulate's
public Bybit stream shows (frozen quotes); private WebSocket auth (good and bad signature) and
the order push; the same venue over HTTPS trusting the printed CA file; the secret read from a
0600 _FILE; the venue off without keys. Prints "N passed, N failed".
"""
import base64
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from decimal import Decimal

ARBHUB = os.path.abspath(sys.argv[1])
KEY, SECRET = "simkey-7", "s3cr3t-for-the-sim"
passed = failed = 0


def check(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   ", what)
    else:
        failed += 1
        print("FAIL ", what, detail)


def sign(secret, ts, key, recv, payload):
    msg = (str(ts) + key + str(recv) + payload).encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


class Sim:
    def __init__(self, env, extra=()):
        self.p = subprocess.Popen([ARBHUB, "simulate", "--port", "0", "--symbols", "BTC-USDT",
                                   "--rate", "400", "--bybit-balance", "USDT=2500,BTC=0.25",
                                   *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=env)
        self.out = ""
        for line in self.p.stdout:
            self.out += line
            if line.startswith("CA file"):
                break
        m = re.search(r"bybit trading  (http://\S+)  (https://\S+)", self.out)
        self.http, self.https = m.groups() if m else (None, None)
        m = re.search(r"bybit +(ws://\S+)", self.out)
        self.public = m.group(1) if m else None
        m = re.search(r"CA file \(trust it for wss\): (\S+)", self.out)
        self.ca = m.group(1) if m else None

    def close(self):
        self.p.send_signal(signal.SIGTERM)
        out, err = self.p.communicate(timeout=20)
        return self.p.returncode, err


def call(base, method, path, query="", body=None, key=KEY, secret=SECRET, ts=None,
         recv=5000, signed=True, tamper=None, ctx=None):
    ts = ts if ts is not None else int(time.time() * 1000)
    payload = query if method == "GET" else (body or "")
    headers = {"Content-Type": "application/json"}
    if signed:
        headers.update({"X-BAPI-API-KEY": key, "X-BAPI-TIMESTAMP": str(ts),
                        "X-BAPI-RECV-WINDOW": str(recv),
                        "X-BAPI-SIGN": sign(secret, ts, key, recv, payload)})
    data = (tamper or body or "").encode() if method == "POST" else None
    url = base + path + ("?" + query if query else "")
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5, context=ctx) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"{}")


class WS:
    """Just enough RFC 6455 for the tests: handshake, masked text frames out, frames in."""

    def __init__(self, url):
        m = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        self.s = socket.create_connection((m.group(1), int(m.group(2))), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n"
                        % (m.group(3), m.group(1), m.group(2), key)).encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.s.recv(4096)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        assert b" 101 " in head.split(b"\r\n")[0], head

    def send(self, text):
        data, mask = text.encode(), os.urandom(4)
        n = len(data)
        hdr = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                               bytes([0x80 | 126]) + n.to_bytes(2, "big"))
        self.s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk

    def recv(self):
        """Next text message as JSON (control frames skipped)."""
        while True:
            self._need(2)
            op, n, off = self.buf[0] & 0x0F, self.buf[1] & 0x7F, 2
            if n == 126:
                self._need(4)
                n, off = int.from_bytes(self.buf[2:4], "big"), 4
            elif n == 127:
                self._need(10)
                n, off = int.from_bytes(self.buf[2:10], "big"), 10
            self._need(off + n)
            payload, self.buf = self.buf[off:off + n], self.buf[off + n:]
            if op == 1:
                return json.loads(payload)

    def recv_until(self, pred, timeout=5.0):
        end = time.time() + timeout
        try:
            while time.time() < end:
                msg = self.recv()
                if pred(msg):
                    return msg
        except (OSError, EOFError, ValueError):
            pass
        return None

    def close(self):
        self.s.close()


def base_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("ARBHUB_")}


def test_auth_codes(sim):
    t = call(sim.http, "GET", "/v5/market/time", signed=False)
    check(t.get("retCode") == 0 and abs(int(t["result"]["timeSecond"]) - time.time()) < 5,
          "/v5/market/time: unsigned, retCode 0, server time now", t)
    q = "accountType=UNIFIED"
    w = call(sim.http, "GET", "/v5/account/wallet-balance", q)
    coins = {c["coin"]: Decimal(c["walletBalance"]) for c in
             (w.get("result", {}).get("list") or [{}])[0].get("coin", [])}
    check(w.get("retCode") == 0 and coins.get("USDT") == 2500 and coins.get("BTC") == 0.25,
          "signed wallet-balance: retCode 0, balances from --bybit-balance", w)
    bad = call(sim.http, "GET", "/v5/account/wallet-balance", q, secret="not-the-secret")
    check(bad.get("retCode") == 10004 and bad.get("retMsg", "").startswith("error sign!"),
          "wrong secret: retCode 10004, Bybit's 'error sign!' message", bad)
    check(SECRET not in json.dumps(bad), "the 10004 message does not echo the secret")
    unk = call(sim.http, "GET", "/v5/account/wallet-balance", q, key="no-such-key")
    check(unk.get("retCode") == 10003 and unk.get("retMsg") == "API key is invalid.",
          "unknown key: retCode 10003 'API key is invalid.'", unk)
    old = call(sim.http, "GET", "/v5/account/wallet-balance", q,
               ts=int(time.time() * 1000) - 60000)
    check(old.get("retCode") == 10002 and "recv_window" in old.get("retMsg", ""),
          "timestamp 60 s old (recv_window 5000): retCode 10002 with Bybit's text", old)
    nos = call(sim.http, "GET", "/v5/account/wallet-balance", q, signed=False)
    check(nos.get("retCode") not in (0, None), "private endpoint unsigned: refused", nos)


def order_body(side, otype, qty, price=None, tif=None, link="t-1"):
    b = {"category": "spot", "symbol": "BTCUSDT", "side": side, "orderType": otype,
         "qty": qty, "orderLinkId": link}
    if price:
        b["price"] = price
    if tif:
        b["timeInForce"] = tif
    if otype == "Market":
        b["marketUnit"] = "baseCoin"  # qty in BTC (Bybit's spot market buys default to quote)
    return json.dumps(b, separators=(",", ":"))


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


def test_orders_and_prices(sim):
    priv = WS(sim.http.replace("http", "ws") + "/v5/private")
    expires = int(time.time() * 1000) + 10000
    bad_sig = hmac.new(b"wrong", ("GET/realtime%d" % expires).encode(), hashlib.sha256)
    priv.send(json.dumps({"op": "auth", "args": [KEY, expires, bad_sig.hexdigest()]}))
    r = priv.recv_until(lambda x: x.get("op") == "auth") or {}
    check(r.get("success") is False, "private ws: bad signature refused",
          r)
    sig = hmac.new(SECRET.encode(), ("GET/realtime%d" % expires).encode(), hashlib.sha256)
    priv.send(json.dumps({"op": "auth", "args": [KEY, expires, sig.hexdigest()]}))
    r = priv.recv_until(lambda x: x.get("op") == "auth") or {}
    check(r.get("success") is True, "private ws: auth accepted", r)
    priv.send('{"op":"subscribe","args":["order"]}')
    r = priv.recv_until(lambda x: x.get("op") == "subscribe") or {}
    check(r.get("success") is True, "private ws: order subscription accepted", r)

    frozen = urllib.request.Request(sim.http + "/sim/freeze?on=1", data=b"", method="POST")
    urllib.request.urlopen(frozen, timeout=5).read()
    st = get(sim.http + "/sim/state")["quotes"]["BTCUSDT"]
    # Messages made before the freeze leave within the venue's 5 ms latency; a client that
    # subscribes after that sees only the frozen quote.
    time.sleep(0.2)
    pub = WS(sim.public)
    pub.send('{"op":"subscribe","args":["orderbook.1.BTCUSDT"]}')
    books = []
    for _ in range(5):
        m = pub.recv_until(lambda x: x.get("topic") == "orderbook.1.BTCUSDT")
        books.append((m["data"]["b"][0][0], m["data"]["a"][0][0]) if m else None)
    same = all(b is not None and Decimal(b[0]) == Decimal(st["bid"]) and
               Decimal(b[1]) == Decimal(st["ask"]) for b in books)
    check(same, "public stream shows the venue's (frozen) quote", (st, books))

    body = order_body("Buy", "Limit", "0.001", price=str(Decimal(st["bid"]) - 100),
                      tif="PostOnly", link="rest-1")
    c = call(sim.http, "POST", "/v5/order/create", body=body)
    check(c.get("retCode") == 0 and c["result"].get("orderLinkId") == "rest-1",
          "order create: retCode 0, echoes orderLinkId", c)
    push = priv.recv_until(lambda x: x.get("topic") == "order")
    check(push is not None and push["data"][0]["orderLinkId"] == "rest-1" and
          push["data"][0]["orderStatus"] == "New", "private ws: the order pushed as New", push)
    st2 = get(sim.http + "/sim/state")
    check(st2["open"] == 1 and Decimal(st2["balances"]["USDT"]["locked"]) > 0,
          "the order rests and locks quote", st2)
    tampered = call(sim.http, "POST", "/v5/order/create", body=body,
                    tamper=body.replace("0.001", "0.002"))
    check(tampered.get("retCode") == 10004, "body changed after signing: 10004", tampered)
    x = call(sim.http, "POST", "/v5/order/cancel",
             body='{"category":"spot","symbol":"BTCUSDT","orderLinkId":"rest-1"}')
    check(x.get("retCode") == 0 and get(sim.http + "/sim/state")["open"] == 0,
          "order cancel: retCode 0, nothing open", x)

    mk = call(sim.http, "POST", "/v5/order/create",
              body=order_body("Buy", "Market", "0.002", link="mkt-1"))
    q = call(sim.http, "GET", "/v5/order/realtime", "category=spot&orderLinkId=mkt-1&symbol=BTCUSDT")
    o = (q.get("result", {}).get("list") or [{}])[0]
    check(mk.get("retCode") == 0 and o.get("orderStatus") == "Filled" and
          Decimal(o.get("avgPrice", "0")) == Decimal(st["ask"]),
          "market buy fills at the ask the public stream shows", (mk, o, st))
    big = call(sim.http, "POST", "/v5/order/create",
               body=order_body("Buy", "Limit", "1", price=st["bid"], link="big-1"))
    check(big.get("retCode") == 170131, "a buy above the balance: 170131", big)
    pub.close()
    priv.close()
    bad = urllib.request.Request(sim.http + "/sim/freeze?on=x", data=b"", method="POST")
    try:
        urllib.request.urlopen(bad, timeout=5)
        code = 200
    except urllib.error.HTTPError as e:
        code = e.code
    check(code == 400, "/sim/freeze?on=x: 400", code)


def test_https(sim):
    ctx = ssl.create_default_context(cafile=sim.ca)
    t = call(sim.https, "GET", "/v5/market/time", signed=False, ctx=ctx)
    w = call(sim.https, "GET", "/v5/account/wallet-balance", "accountType=UNIFIED", ctx=ctx)
    check(t.get("retCode") == 0 and w.get("retCode") == 0,
          "https with the printed CA file: time and a signed wallet read", (t, w))
    try:
        call(sim.https, "GET", "/v5/market/time", signed=False,
             ctx=ssl.create_default_context())
        refused = False
    except urllib.error.URLError:
        refused = True
    check(refused, "https without the CA file: certificate refused")


def main():
    with tempfile.TemporaryDirectory() as d:
        secret_file = os.path.join(d, "secret")
        fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, SECRET.encode() + b"\n")
        os.close(fd)
        env = base_env()
        env.update({"ARBHUB_BYBIT_API_KEY": KEY, "ARBHUB_BYBIT_API_SECRET_FILE": secret_file})
        sim = Sim(env)
        try:
            check(sim.http and sim.https and sim.public and sim.ca,
                  "simulate prints the trading URLs and the CA file", sim.out)
            for t in (test_auth_codes, test_orders_and_prices, test_https):
                try:
                    t(sim)
                except Exception as e:  # a broken venue must fail a check, not end the run
                    check(False, t.__name__ + " ran to its end", repr(e))
        finally:
            rc, err = sim.close()
        check(rc == 0 and SECRET not in err and SECRET not in sim.out,
              "simulate exits 0 and never prints the secret", (rc, err[-400:]))

    sim = Sim(base_env())
    try:
        check(sim.http is None and "bybit trading: off" in sim.out,
              "no keys: the trading venue is off, said on stdout", sim.out)
    finally:
        rc, err = sim.close()
    check(err.count("bybit trading venue off") == 1, "no keys: one log line says why", err)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

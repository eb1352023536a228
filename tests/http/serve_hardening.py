#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`moat serve` and `moat import` against hostile clients, on loopback, over a `moat demo` workspace.

Usage: serve_hardening.py MOAT WORKSPACE WORKDIR

Covers: connection limits (idle connections evicted at the global and the per-address limit,
signed-in keep-alive clients served on, a first-byte timeout); one answer and one ledger record
for "not yours" and "not there"; request bodies typed by the route table (wrong types, unknown
fields, duplicate keys, nesting, content types, duplicate query parameters); supplier reads
recorded once per window and per-user rate limits; bounded JSON and files for `moat import`;
sign-in delays per name and address, unknown names in the ledger, hidden files and source maps,
HEAD in the log, stale witness files. Standard library only; every part bounded in time.
"""
import errno
import http.client
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time

MOAT, WORKSPACE, WORKDIR = sys.argv[1], sys.argv[2], sys.argv[3]
PASSWORD = "a long and secret passphrase 42"
FAILURES = []
CHECKS = [0]
TOML = os.path.join(WORKSPACE, "moat.toml")
ORIGINAL_TOML = open(TOML).read()


def check(condition, message):
    CHECKS[0] += 1
    if not condition:
        FAILURES.append(message)
        print("FAIL: " + message, file=sys.stderr)
    return condition


def moat(*args, stdin=None, timeout=120):
    return subprocess.run([MOAT, "-w", WORKSPACE, *args], input=stdin, capture_output=True, timeout=timeout)


def moat_json(*args):
    out = moat(*args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


class Server:
    """`moat serve` on a free loopback port with `settings` in moat.toml's [serve]; SIGTERM stops it."""

    def __init__(self, *extra, **settings):
        with open(TOML, "w") as f:
            f.write(ORIGINAL_TOML)
            if settings:
                f.write("\n[serve]\n" + "".join("%s = %s\n" % (k, json.dumps(v)) for k, v in settings.items()))
        self.log_path = os.path.join(WORKDIR, "serve-%d.log" % time.monotonic_ns())
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([MOAT, "-w", WORKSPACE, "serve", "--listen", "127.0.0.1:0", *extra],
                                        stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        found = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if not found:
            self.process.kill()
            self.log.close()
            raise RuntimeError("moat serve did not start: %r %s" % (line, open(self.log_path).read()[-2000:]))
        self.port = int(found.group(1))

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        with open(TOML, "w") as f:
            f.write(ORIGINAL_TOML)
        return open(self.log_path).read()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Reply:
    def __init__(self, response):
        self.status = response.status
        self.headers = {k.lower(): v for k, v in response.getheaders()}
        self.text = response.read().decode("utf-8", "replace")
        try:
            self.json = json.loads(self.text) if self.text else None
        except ValueError:
            self.json = None


def request(server, method, path, body=None, token=None, headers=None, content_type="application/json", conn=None):
    all_headers = dict(headers or {})
    if token:
        all_headers["Authorization"] = "Bearer " + token
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if body is not None:
        all_headers.setdefault("Content-Type", content_type)
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=all_headers)
        return Reply(conn.getresponse())
    finally:
        if own:
            conn.close()


def add_user(name, role, supplier=None):
    args = ["user", "add", name, "--role", role] + (["--supplier", supplier] if supplier else [])
    out = moat(*args, stdin=(PASSWORD + "\n").encode())
    assert out.returncode == 0, out.stderr


def token_for(name):
    out = moat("token", "create", name)
    assert out.returncode == 0, out.stderr
    return out.stdout.decode().strip()


def ledger():
    return moat_json("audit", "log", "--json")


def where_of(reply):
    errors = (reply.json or {}).get("errors") or []
    return [e.get("where") for e in errors]


# --- 1. connections ------------------------------------------------------------------------------

def idle_sockets(server, count):
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sockets.append(s)
    return sockets


def closed_count(sockets, wait=2.0, enough=None):
    """How many of `sockets` the server has closed (given up to `wait` seconds to do so, or until
    `enough` of them are)."""
    deadline = time.monotonic() + wait
    closed = set()
    target = len(sockets) if enough is None else enough
    while time.monotonic() < deadline and len(closed) < target:
        readable, _, _ = select.select([s for s in sockets if s not in closed], [], [], 0.1)
        closed.update(readable)  # closed, reset, or answered 503 before closing: not served
    return len(closed)


def close_all(sockets):
    for s in sockets:
        s.close()


def test_connection_limits(admin):
    # The global limit: idle connections make room; a signed-in keep-alive client is served on.
    with Server("--quiet", max_connections=64, max_connections_per_address=100000) as server:
        keep = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        check(request(server, "GET", "/api/me", token=admin, conn=keep).status == 200, "a signed-in client")
        idle = idle_sockets(server, 300)
        try:
            started = time.monotonic()
            again = request(server, "GET", "/api/me", token=admin, conn=keep)
            check(again.status == 200, "a signed-in keep-alive client is served on at the limit: %s" % again.status)
            fresh = request(server, "GET", "/api/me", token=admin)
            elapsed = time.monotonic() - started
            check(fresh.status == 200, "a new client is served at the limit: %s" % fresh.status)
            check(elapsed < 3, "served promptly at the limit: %.1f s" % elapsed)
            closed = closed_count(idle)
            check(closed >= 300 - 64, "idle connections are closed at the limit: %d of 300" % closed)
        finally:
            close_all(idle)
            keep.close()

    # The per-address limit.
    with Server("--quiet", max_connections_per_address=32) as server:
        idle = idle_sockets(server, 200)
        try:
            # The server admits connections on several threads, in no fixed order: a client that
            # came while the flood was still being admitted could be the idle one evicted for a
            # later flood connection. The flood is given time to be admitted (and cut to 32) first.
            closed = closed_count(idle, wait=5.0, enough=200 - 32)
            check(closed >= 200 - 32, "an address keeps at most 32 connections: %d of 200 closed" % closed)
            started = time.monotonic()
            reply = request(server, "GET", "/api/me", token=admin)
            check(reply.status == 200 and time.monotonic() - started < 3,
                  "a client is served promptly beyond its address's idle connections: %s" % reply.status)
        finally:
            close_all(idle)

    # The first-byte timeout.
    with Server("--quiet", first_byte_timeout=1) as server:
        silent = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        started = time.monotonic()
        readable, _, _ = select.select([silent], [], [], 4)
        waited = time.monotonic() - started
        check(bool(readable) and silent.recv(10) == b"" and waited < 3.5,
              "a connection that sends nothing is closed after the first-byte timeout (%.1f s)" % waited)
        silent.close()
        slow = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        slow.sendall(b"GET /api/openapi.json HTTP/1.1\r\n")
        time.sleep(1.5)  # the rest of the request after the first byte: the idle timeout's
        slow.sendall(b"Host: x\r\nConnection: close\r\n\r\n")
        answer = slow.recv(64)
        check(answer.startswith(b"HTTP/1.1 200"), "a request whose first byte came in time is served: %r" % answer)
        slow.close()


# --- 2. authorization before existence -----------------------------------------------------------

def same_answer(a, b, what):
    check(a.status == b.status == 404, "%s: %s and %s" % (what, a.status, b.status))
    strip = lambda r: {k: v for k, v in (r.json or {}).items() if k != "instance"}
    check(strip(a) == strip(b), "%s: the answers differ: %s / %s" % (what, a.text[:200], b.text[:200]))
    check(a.headers.get("content-type") == b.headers.get("content-type"), "%s: content types differ" % what)


def test_existence(server, supplier, own, own_visit, foreign_visit, foreign_supplier):
    before = [e for e in ledger() if e["action"] == "denied"]
    pairs = [
        ("/api/products/gadget/packages", "/api/products/nope/packages", "GET", None),
        ("/api/suppliers/%s/people" % foreign_supplier, "/api/suppliers/F999/people", "GET", None),
        ("/api/suppliers/%s" % foreign_supplier, "/api/suppliers/nope", "GET", None),
        ("/api/visits/%s/findings/F1/answer" % foreign_visit, "/api/visits/V99999/findings/F1/answer", "POST",
         {"answer": "x"}),
        ("/api/visits/%s/findings/F1/answer" % foreign_visit, "/api/visits/%s/findings/F999/answer" % own_visit,
         "POST", {"answer": "x"}),
    ]
    for foreign, missing, method, body in pairs:
        same_answer(request(server, method, foreign, body, token=supplier),
                    request(server, method, missing, body, token=supplier), "%s vs %s" % (foreign, missing))
    after = [e for e in ledger() if e["action"] == "denied"][len(before):]
    for foreign, missing, method, _ in pairs:
        records = [e for e in after if e["key"] in ("%s %s" % (method, foreign), "%s %s" % (method, missing))]
        reasons = {e["after"]["reason"] for e in records}
        check(len(records) >= 2 and len(reasons) == 1,
              "%s and %s are recorded alike: %s" % (foreign, missing, [(e["key"], e["after"]) for e in records]))


# --- 3. strict bodies ----------------------------------------------------------------------------

def test_strict_bodies(server, legal, oversight, own_visit):
    count = lambda: request(server, "GET", "/api/waivers?limit=500", token=legal).json["total"]
    waivers = count()
    good = {"check": "owner-visit", "subject": "supplier/F03", "role": "IP counsel", "reason": "strict typing",
            "expires": "2099-12-31"}
    for bad in (["aurora"], 123, {}, True, "", None):
        reply = request(server, "POST", "/api/waivers", dict(good, product=bad), token=legal)
        check(reply.status == 400 and where_of(reply) == ["/product"],
              "waiver product %r: %s %s" % (bad, reply.status, reply.text[:200]))
    reply = request(server, "POST", "/api/waivers", dict(good, granted=5), token=legal)
    check(reply.status == 400 and where_of(reply) == ["/granted"], "granted 5: %s %s" % (reply.status, reply.text[:200]))
    reply = request(server, "POST", "/api/waivers", dict(good, colour="red"), token=legal)
    check(reply.status == 400 and where_of(reply) == ["/colour"], "an unknown field: %s" % reply.text[:200])
    raw = json.dumps(good)[:-1] + ', "check": "gate-passed"}'
    reply = request(server, "POST", "/api/waivers", raw, token=legal)
    check(reply.status == 400 and where_of(reply) == ["/check"], "a duplicate key: %s" % reply.text[:200])
    deep = '{"check": ' + "[" * 100 + "]" * 100 + "}"
    reply = request(server, "POST", "/api/waivers", deep, token=legal)
    check(reply.status == 400 and where_of(reply) and where_of(reply)[0].startswith("body:1:"),
          "nesting too deep is located: %s" % reply.text[:200])
    check(len(reply.text) < 2000, "nothing long is echoed")
    check(count() == waivers, "no refused body made a waiver")

    finding = {"severity": "minor", "description": "strict typing"}
    for field, bad in (("due", 5), ("owner", []), ("item", {}), ("action", True), ("due", "soon")):
        reply = request(server, "POST", "/api/visits/%s/findings" % own_visit, dict(finding, **{field: bad}),
                        token=oversight)
        check(reply.status == 400 and where_of(reply) == ["/" + field],
              "finding %s %r: %s %s" % (field, bad, reply.status, reply.text[:200]))
    visit = {"supplier": "F05", "kind": "visit", "by": ["Strict Engineer"]}
    for field, bad in (("product", 1), ("checklist", []), ("note", 5), ("by", "Someone"), ("capacity_seen", "many")):
        reply = request(server, "POST", "/api/visits", dict(visit, **{field: bad}), token=oversight)
        check(reply.status == 400 and where_of(reply) == ["/" + field],
              "visit %s %r: %s %s" % (field, bad, reply.status, reply.text[:200]))
    reply = request(server, "POST", "/api/visits", dict(visit, items=[{"item": "x", "result": "maybe"}]),
                    token=oversight)
    check(reply.status == 400 and where_of(reply) == ["/items/0/result"], "a nested field: %s" % reply.text[:200])
    reply = request(server, "POST", "/api/visits/%s/findings/F1/close" % own_visit, {"closed_on": 5}, token=oversight)
    check(reply.status == 400 and where_of(reply) == ["/closed_on"], "closed_on 5: %s" % reply.text[:200])

    flag = moat_json("flags", "--json")[0]["id"]
    for content_type, status, state in (("application/JSON", 200, "acknowledged"),
                                        ("Application/Json; charset=UTF-8", 200, "open"),
                                        ("application/jsonx", 415, "acknowledged"), ("text/json", 415, "acknowledged"),
                                        ("application/json; charset=latin1", 415, "acknowledged")):
        reply = request(server, "POST", "/api/flags/" + flag, {"state": state, "reason": "content types"},
                        token=oversight, content_type=content_type)
        check(reply.status == status, "Content-Type %s: %s, expected %s" % (content_type, reply.status, status))
    reply = request(server, "GET", "/api/suppliers?limit=5&limit=500", token=oversight)
    check(reply.status == 400 and "limit" in reply.text, "a duplicate query parameter: %s" % reply.status)


# --- 4. supplier reads and rate limits -----------------------------------------------------------

def test_reads_and_rates(server, supplier, own):
    path = "/api/suppliers/%s/people" % own
    count = lambda: len([e for e in ledger() if e["action"] == "read" and e["entity"] == "people"])
    before = count()
    statuses = [request(server, "GET", path, token=supplier).status for _ in range(40)]
    check(statuses.count(200) == 40, "a supplier user's reads are answered: %s" % sorted(set(statuses)))
    check(count() - before <= 1, "40 reads of one object: %d read events" % (count() - before))
    with Server("--quiet", requests_per_minute=60) as limited:
        replies = [request(limited, "GET", "/api/me", token=supplier) for _ in range(25)]
        statuses = [r.status for r in replies]
        check(statuses[:10] == [200] * 10, "the first requests go through: %s" % statuses[:10])
        refused = [r for r in replies if r.status == 429]
        check(refused, "a user's requests beyond the limit are refused: %s" % statuses)
        check(all(r.headers.get("retry-after", "").isdigit() and int(r.headers["retry-after"]) >= 1 for r in refused),
              "429 says when to try again: %s" % [r.headers.get("retry-after") for r in refused[:3]])
        check(all(r.json and r.json.get("status") == 429 for r in refused), "429 is a problem+json")


# --- 5. bounded input for imports ----------------------------------------------------------------

def test_import_bounds():
    for depth in (100000, 50000):
        path = os.path.join(WORKDIR, "nested-%d.json" % depth)
        with open(path, "w") as f:
            f.write('{"format": "moat-workspace", "version": 1, "suppliers": [{"id": "F1", "name": ' +
                    "[" * depth + "]" * depth + "}]}")
        out = moat("import", path)
        err = out.stderr.decode("utf-8", "replace")
        check(out.returncode == 1, "import of %d nested arrays: exit %d" % (depth, out.returncode))
        check(len(err) < 2000, "import of %d nested arrays: a %d-byte message" % (depth, len(err)))
        check(re.search(r"nested-%d\.json:1:\d+" % depth, err) is not None, "the error is located: %s" % err[:300])
    wide = os.path.join(WORKDIR, "long-value.json")
    with open(wide, "w") as f:
        f.write('{"format": "moat-workspace", "version": 1, "suppliers": [{"id": "F1", "name": [' +
                ",".join(["1"] * 100000) + "]}]}")
    out = moat("import", wide)
    check(out.returncode == 1 and len(out.stderr) < 2000, "a long value is quoted short: %d bytes" % len(out.stderr))
    out = moat("import", "/dev/zero", timeout=20)
    check(out.returncode == 1 and b"not a regular file" in out.stderr, "import /dev/zero: %d %r" % (
        out.returncode, out.stderr[:200]))
    out = moat("import", WORKDIR)
    check(out.returncode == 1 and b"folder" in out.stderr, "import of a folder: %d %r" % (out.returncode, out.stderr[:200]))


# --- 6. sign-in, static files, log, witness ------------------------------------------------------

def sign_in(server, name, password, address):
    return request(server, "POST", "/api/login", {"name": name, "password": password},
                   headers={"X-Forwarded-For": address})


def test_sign_in(admin):
    add_user("victim1", "viewer")
    with Server("--quiet", "--trust-proxy") as server:
        # Eight failures from one address, waiting out each delay (1, 2, 4 s): the next wait is 8 s.
        failures, waits = 0, []
        while failures < 8 and len(waits) < 10:
            reply = sign_in(server, "victim1", "not the password at all", "10.0.0.1")
            if reply.status == 401:
                failures += 1
            elif reply.status == 429:
                waits.append(int(reply.headers.get("retry-after", "1")))
                time.sleep(waits[-1])
        check(failures == 8 and waits == sorted(waits), "the delays grow: %s" % waits)
        waiting = sign_in(server, "victim1", PASSWORD, "10.0.0.1")
        check(waiting.status == 429 and int(waiting.headers.get("retry-after", "0")) >= 2,
              "the failing address waits, told how long: %s %s" % (waiting.status, waiting.headers.get("retry-after")))
        # A proxy that adds a line of its own: the last line is its, the first the client's. The
        # waiting address on the last line still waits, whatever the client wrote before it.
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        body = json.dumps({"name": "victim1", "password": PASSWORD})
        conn.putrequest("POST", "/api/login")
        for value in ("10.0.0.9", "10.0.0.1"):
            conn.putheader("X-Forwarded-For", value)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body.encode())
        two_lines = Reply(conn.getresponse())
        conn.close()
        check(two_lines.status == 429, "X-Forwarded-For on two lines: the proxy's (last) counts: %s" % two_lines.status)
        elsewhere = sign_in(server, "victim1", PASSWORD, "10.0.0.2")
        check(elsewhere.status == 200, "failures from one address do not lock the account out elsewhere: %s" %
              elsewhere.status)
        ghost = "ghost-%d" % os.getpid()
        check(sign_in(server, ghost, "whatever password", "10.0.0.4").status == 401, "an unknown name")
        statuses = [sign_in(server, "name%d" % i, "wrong password", "10.0.0.3").status for i in range(24)]
        check(429 in statuses, "an address failing with many names waits: %s" % statuses)
    events = ledger()
    text = json.dumps(events)
    check(ghost not in text, "an unknown name is not written into the ledger")
    check(any(e["action"] == "sign-in" and e["key"] == "(unknown)" for e in events), "unknown names as (unknown)")


def test_static_and_log(admin):
    web = os.path.join(WORKDIR, "web")
    os.makedirs(os.path.join(web, ".git"), exist_ok=True)
    for name, text in (("index.html", "<title>moat</title>"), ("app.js", "//# sourceMappingURL=app.js.map"),
                       ("app.js.map", '{"sources": []}'), (".env", "SECRET=1"), (".git/config", "[core]")):
        with open(os.path.join(web, name), "w") as f:
            f.write(text)
    server = Server("--static", web)
    try:
        check(request(server, "GET", "/app.js").status == 200, "a script is served")
        for path in ("/.env", "/.git/config", "/app.js.map", "/%2eenv"):
            check(request(server, "GET", path).status == 404, "%s is not served" % path)
        check(request(server, "HEAD", "/api/me", token=admin).status == 200, "HEAD")
    finally:
        log = server.stop()
    check(re.search(r" HEAD /api/me 200 ", log) is not None, "HEAD is logged as HEAD")


def test_nginx(admin):
    """docs/deploy.md's nginx settings, as written there (TLS replaced by a plain loopback port)."""
    nginx = "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    if not nginx:
        print("nginx test skipped: nginx is not installed")
        return
    deploy = open(os.path.join(os.environ["MOAT_SOURCE_DIR"], "docs", "deploy.md")).read()
    example = re.search(r"```nginx\n(.*?)```", deploy, re.S).group(1)
    prefix = os.path.join(WORKDIR, "nginx")
    os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Server("--quiet", "--trust-proxy") as server:
        conf = example.replace("listen 443 ssl;", "listen 127.0.0.1:%d;" % port)
        conf = conf.replace("127.0.0.1:8080", "127.0.0.1:%d" % server.port)
        conf = "\n".join(l for l in conf.split("\n") if not l.strip().startswith("ssl_"))
        user = "user root;\n" if os.geteuid() == 0 else ""
        path = os.path.join(prefix, "nginx.conf")
        with open(path, "w") as f:
            f.write(user + "daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/logs/error.log;\n"
                    "events { worker_connections 512; }\nhttp {\naccess_log off;\nclient_body_temp_path %s/body;\n"
                    "proxy_temp_path %s/proxy;\nfastcgi_temp_path %s/fastcgi;\nuwsgi_temp_path %s/uwsgi;\n"
                    "scgi_temp_path %s/scgi;\n%s\n}\n" % ((prefix,) * 7 + (conf,)))
        tested = subprocess.run([nginx, "-t", "-p", prefix, "-c", path], capture_output=True, text=True)
        check(tested.returncode == 0, "nginx accepts docs/deploy.md's settings: %s" % tested.stderr[-500:])
        if tested.returncode != 0:
            return
        process = subprocess.Popen([nginx, "-p", prefix, "-c", path], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            for _ in range(50):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            through = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            through.request("GET", "/api/me", headers={"Authorization": "Bearer " + admin})
            check(Reply(through.getresponse()).status == 200, "a request through nginx as configured")
            through.close()
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_witness():
    stale = os.path.join(WORKSPACE, "ledger.head.99999999.7.tmp")
    with open(stale, "w") as f:
        f.write("7 " + "0" * 64 + "\n")
    check(moat("list", "suppliers").returncode == 0, "a command runs")
    check(not os.path.exists(stale), "a killed process's temporary witness is cleaned up")
    check(os.path.exists(os.path.join(WORKSPACE, "ledger.head")), "the witness is there")


def main():
    out = moat("exposure", "--product", "aurora", "--json")
    assert out.returncode == 0, out.stderr
    used = sorted({s for party in json.loads(out.stdout)["parties"] for s in party["suppliers"]})
    everyone = moat_json("list", "suppliers", "--json")
    trusted = {s["id"] for s in everyone if s["trusted"]}
    own = [s for s in used if s not in trusted][0]
    foreign = [s["id"] for s in everyone if s["id"] != own][0]
    gadget = os.path.join(WORKDIR, "gadget")
    os.makedirs(gadget, exist_ok=True)
    for name, text in (("products.csv", "id,name,description\ngadget,Gadget,a second product\n"),
                       ("secrets.csv", "product,id,name,weight,strategy\ngadget,G1,Gadget sauce,3,trade-secret\n"),
                       ("packages.csv", "product,id,name,capability,parts,exposes,volume,sources\n"
                                        "gadget,GP1,Gadget shell,injection-molding,,G1,100,1\n")):
        with open(os.path.join(gadget, name), "w") as f:
            f.write(text)
    out = moat("import", *(os.path.join(gadget, n) for n in ("products.csv", "secrets.csv", "packages.csv")))
    assert out.returncode == 0, out.stderr
    for name, role, supplier in (("admin1", "admin", None), ("legal1", "legal", None),
                                 ("oversight1", "oversight", None), ("supplier1", "supplier", own)):
        add_user(name, role, supplier)
    tokens = {name: token_for(name) for name in ("admin1", "legal1", "oversight1", "supplier1")}
    visits = []
    for supplier in (own, foreign):
        out = moat("visit", "add", supplier, "--kind", "visit", "--by", "Test Engineer", "--json")
        assert out.returncode == 0, out.stderr
        visits.append(json.loads(out.stdout)["visit"])
    started = time.monotonic()
    test_connection_limits(tokens["admin1"])
    with Server("--quiet") as server:
        test_existence(server, tokens["supplier1"], own, visits[0], visits[1], foreign)
        test_strict_bodies(server, tokens["legal1"], tokens["oversight1"], visits[0])
        test_reads_and_rates(server, tokens["supplier1"], own)
    test_import_bounds()
    test_sign_in(tokens["admin1"])
    test_static_and_log(tokens["admin1"])
    test_nginx(tokens["admin1"])
    test_witness()
    check(moat("audit", "verify").returncode == 0, "the ledger verifies afterwards")
    print("%.0f s" % (time.monotonic() - started))
    if FAILURES:
        print("%d of %d checks failed" % (len(FAILURES), CHECKS[0]), file=sys.stderr)
        sys.exit(1)
    print("all %d checks passed" % CHECKS[0])


if __name__ == "__main__":
    main()

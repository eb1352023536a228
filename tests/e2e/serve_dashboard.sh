#!/usr/bin/env bash
# `moat serve` with no --static serves the dashboard that ships with the binary: from the build
# tree (build/web beside build/src/cli/moat), from an installed prefix (`cmake --install`:
# PREFIX/share/moat/web beside PREFIX/bin/moat), and says so when a lone binary has none (the
# API still answers). Not run per backend: it is about where the binary looks, not the database.
source "$(dirname "$0")/lib.sh"
: "${MOAT_BUILD_DIR:?set MOAT_BUILD_DIR to the CMake build folder}"

"$MOAT" init "$WORK/ws" --company "Dashboard Inc." >/dev/null || { fail "init"; finish; }

# fetch URL FILE: GETs URL into FILE and prints the HTTP status.
fetch() {
  python3 - "$1" "$2" <<'PY'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as reply:
        status, body = reply.status, reply.read()
except urllib.error.HTTPError as error:
    status, body = error.code, error.read()
open(sys.argv[2], "wb").write(body)
print(status)
PY
}

# serve_root BINARY LABEL: starts BINARY serve on a free loopback port with no --static, fetches /
# and /api/me into $WORK/root and $WORK/health, and leaves its log in $WORK/serve.log.
serve_root() {
  local binary=$1 label=$2 port=""
  "$binary" -w "$WORK/ws" serve --listen 127.0.0.1:0 --quiet >"$WORK/serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$WORK/serve.log")
    [ -n "$port" ] && break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    fail "$label: the server did not start: $(cat "$WORK/serve.log")"
    kill "$pid" 2>/dev/null
    return
  fi
  ROOT_STATUS=$(fetch "http://127.0.0.1:$port/" "$WORK/root")
  MAP_STATUS=$(fetch "http://127.0.0.1:$port/app.js.map" /dev/null)
  HEALTH_STATUS=$(fetch "http://127.0.0.1:$port/api/me" "$WORK/health")
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

expect_dashboard() {  # LABEL
  CHECKS=$((CHECKS + 1))
  [ "$ROOT_STATUS" = 200 ] && grep -q "<title>moat" "$WORK/root" || fail "$1: / answered $ROOT_STATUS, not the dashboard"
  CHECKS=$((CHECKS + 1))
  grep -q "the dashboard from" "$WORK/serve.log" || fail "$1: the log does not say where the dashboard is from"
  CHECKS=$((CHECKS + 1))
  [ "$MAP_STATUS" = 404 ] || fail "$1: a source map is served ($MAP_STATUS)"
}

# 1. The build tree: build/src/cli/moat finds build/web.
serve_root "$MOAT" "build tree"
expect_dashboard "build tree"

# 2. An installed prefix.
cmake --install "$MOAT_BUILD_DIR" --prefix "$WORK/prefix" >"$WORK/install.log" 2>&1 || fail "cmake --install: $(tail -5 "$WORK/install.log")"
CHECKS=$((CHECKS + 1))
[ -f "$WORK/prefix/share/moat/web/index.html" ] || fail "the dashboard is not installed under share/moat/web"
CHECKS=$((CHECKS + 1))
[ -z "$(find "$WORK/prefix/share/moat/web" -name '*.map')" ] || fail "source maps are installed"
serve_root "$WORK/prefix/bin/moat" "installed"
expect_dashboard "installed"
CHECKS=$((CHECKS + 1))
grep -q "$WORK/prefix/share/moat/web" "$WORK/serve.log" || fail "installed: served from elsewhere: $(cat "$WORK/serve.log")"

# 3. A binary installed without its dashboard (its modules beside it, no share/moat/web): no
# dashboard, said so; the API still answers.
mkdir -p "$WORK/lone"
cp -r "$WORK/prefix/bin" "$WORK/prefix"/lib* "$WORK/lone/"
serve_root "$WORK/lone/bin/moat" "lone binary"
CHECKS=$((CHECKS + 1))
[ "$ROOT_STATUS" = 404 ] || fail "lone binary: / answered $ROOT_STATUS"
expect_in_file() { CHECKS=$((CHECKS + 1)); grep -q "$2" "$1" || fail "$3: $(head -c 400 "$1")"; }
expect_in_file "$WORK/serve.log" "no dashboard found" "lone binary: the log does not say there is no dashboard"
CHECKS=$((CHECKS + 1))
case "$HEALTH_STATUS" in 200 | 401) ;; *) fail "lone binary: /api/me answered $HEALTH_STATUS" ;; esac

# 4. The binary copied alone, without the modules installed with it: serve refuses to start, says
# which module is missing and where it was looked for, and exits 2 (an installation's fault).
mkdir -p "$WORK/bare/bin"
cp "$WORK/prefix/bin/moat" "$WORK/bare/bin/moat"
timeout 20 "$WORK/bare/bin/moat" -w "$WORK/ws" serve --listen 127.0.0.1:0 --quiet >"$WORK/bare.log" 2>&1
bare_status=$?
CHECKS=$((CHECKS + 1))
[ "$bare_status" = 2 ] || fail "bare binary: serve exited $bare_status, not 2"
expect_in_file "$WORK/bare.log" "moat-serve.so.*looked for $WORK/bare" "bare binary: the error does not name the module and where it looked"

finish

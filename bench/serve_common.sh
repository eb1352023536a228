# SPDX-License-Identifier: Apache-2.0
# serve_common.sh: what the `moat serve` benches share, sourced by serve_bench.sh and
# serve_write_bench.sh after they set MOAT, SERVER_THREADS and bench_name:
#   - a scratch folder ($work) and the cleanup of the server and PostgreSQL databases on exit;
#   - patch.lua, wrk's script of PATCHes over suppliers;
#   - starting and stopping the server, its CPU time, and the figures of a wrk run.
command -v wrk >/dev/null || { echo "$bench_name: wrk is not installed (scripts/install-deps)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
databases=()
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  for name in "${databases[@]}"; do
    psql "$MOAT_TEST_POSTGRES" -qAtc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# new_database NAME: creates a PostgreSQL database (dropped on exit); sets db to moat's --db flag.
new_database() {
  psql "$MOAT_TEST_POSTGRES" -qAtc "CREATE DATABASE $1" >/dev/null
  databases+=("$1")
  db=(--db "${MOAT_TEST_POSTGRES%/*}/$1")
}

# wrk's script: PATCHes over the suppliers F1..F<count> (as many people editing different records),
# each thread and connection its own stride, each a capacity the supplier has not had, so that
# every one writes and is ledgered. Arguments: the token, the count of suppliers, the width of
# their numbers (F01: 2), and optionally a rate: requests per second for the wrk thread, each sent
# at its slot of a fixed schedule (start + k / rate, whichever connection is free), not after a
# fixed pause, which would lower the rate by each answer's latency.
cat > "$work/patch.lua" <<'LUA'
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } moat_timespec;
int clock_gettime(int clock, moat_timespec* now);
]]
local clock = ffi.new("moat_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local n = 0
local interval, slot = 0, nil
function init(args)
  headers = {["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json", ["If-Match"] = "*"}
  suppliers = tonumber(args[2])
  number = "/api/suppliers/F%0" .. args[3] .. "d"
  local rate = tonumber(args[4] or "0")
  if rate > 0 then interval = 1000 / rate end
end
function request()
  n = n + 1
  local supplier = string.format(number, (n * 7 + id * 131) % suppliers + 1)
  local body = '{"capacity": ' .. (100000 + n * 16 + id) .. '}'
  return wrk.format("PATCH", supplier, headers, body)
end
function delay()
  if interval == 0 then return 0 end
  local now = now_ms()
  slot = slot and slot + interval or now
  return math.max(0, math.floor(slot - now + 0.5))
end
LUA

# start_server WORKSPACE: runs moat serve on a free port; sets server_pid and port.
start_server() {
  "$MOAT" -w "$1" serve --quiet --listen 127.0.0.1:0 --threads "$SERVER_THREADS" > "$work/serve.out" 2> "$work/serve.err" &
  server_pid=$!
  for _ in $(seq 1 300); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.out")
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "$bench_name: moat serve did not start: $(cat "$work/serve.err")" >&2
  exit 2
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}

# The server's CPU time so far, in clock ticks (user + system).
server_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

# wrk_figures WRK-OUTPUT: sets rps, p50, p99, bad (non-2xx answers) and requests from wrk's output.
wrk_figures() {
  rps=$(awk '/^Requests\/sec:/ {printf "%d", $2}' <<<"$1")
  p50=$(awk '$1 == "50.000%" || $1 == "50%" {print $2}' <<<"$1")
  p99=$(awk '$1 == "99.000%" || $1 == "99%" {print $2}' <<<"$1")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$1")
  bad=${bad:-0}
  requests=$(awk '/requests in/ {print $1}' <<<"$1")
}

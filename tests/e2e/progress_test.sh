#!/usr/bin/env bash
# Long commands show their progress (count, rate, time left) on a terminal's stderr, and never in
# --json output or when stderr is not a terminal. The terminal is a real pseudo-terminal (script).
source "$(dirname "$0")/lib.sh"

export MOAT_PROGRESS_DELAY_MS=0  # draw from the first record: the test must not depend on speed

"$SYSTEM_PYTHON" - "$WORK/people.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("id,name,role\n")
    for i in range(1, 6001):
        out.write("P%05d,员工%d,Engineer\n" % (i, i))
PY

for ws in tty piped json; do
  db_flags
  run "$MOAT" init "$WORK/$ws" "${DB_FLAGS[@]}"
  expect_status 0 "init $ws"
done

on_terminal "$WORK/tty.out" "$MOAT" -w "$WORK/tty" import "$WORK/people.csv"
grep -q "Importing .*6,000/6,000 records" "$WORK/tty.out" || fail "import on a terminal shows no progress: $(tail -c 400 "$WORK/tty.out")"
grep -q "records .*/s" "$WORK/tty.out" || fail "the progress line gives no rate"
grep -q "Imported 6000 records" "$WORK/tty.out" || fail "the import's report is missing on the terminal"

"$MOAT" -w "$WORK/piped" import "$WORK/people.csv" > "$WORK/piped.out" 2> "$WORK/piped.err" | cat
grep -q "Importing" "$WORK/piped.out" "$WORK/piped.err" && fail "progress was printed to a pipe"
grep -q "Imported 6000 records" "$WORK/piped.out" || fail "the piped import did not report"

on_terminal "$WORK/json.out" "$MOAT" -w "$WORK/json" import --json "$WORK/people.csv"
grep -q "Importing" "$WORK/json.out" && fail "progress was printed with --json"
grep -q '"read"' "$WORK/json.out" || fail "the --json import printed no report: $(head -c 300 "$WORK/json.out")"

on_terminal "$WORK/verify.out" "$MOAT" -w "$WORK/tty" audit verify
grep -q "Verifying .* events and records" "$WORK/verify.out" || fail "audit verify on a terminal shows no progress"
on_terminal "$WORK/verify-json.out" "$MOAT" -w "$WORK/tty" audit verify --json
grep -q "Verifying" "$WORK/verify-json.out" && fail "audit verify --json printed progress"
"$MOAT" -w "$WORK/tty" audit verify 2> "$WORK/verify.err" > /dev/null
grep -q "Verifying" "$WORK/verify.err" && fail "audit verify printed progress to a file"

on_terminal "$WORK/export.out" "$MOAT" -w "$WORK/tty" export "$WORK/export.json"
grep -q "Exporting .* records" "$WORK/export.out" || fail "export on a terminal shows no progress"
"$SYSTEM_PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$WORK/export.json" || fail "the export is not JSON"
"$MOAT" -w "$WORK/tty" export > "$WORK/stdout.json" 2> "$WORK/export.err"
grep -q "Exporting" "$WORK/export.err" "$WORK/stdout.json" && fail "export to a pipe printed progress"

# Planning, the gate and the flags on a generated workspace whose planning runs to its time limit
# (product p1 of size M is feasible with a gap left after seconds of search; the limit leaves the
# heuristic time to find its plan on a loaded machine).
"$SYSTEM_PYTHON" "$MOAT_SOURCE_DIR/bench/workspace_generator.py" M "$WORK/m-csv" > /dev/null || fail "generator"
db_flags
run "$MOAT" init "$WORK/m" "${DB_FLAGS[@]}"
expect_status 0 "init m"
run "$MOAT" -w "$WORK/m" import "$WORK"/m-csv/*.csv
expect_status 0 "import m"

on_terminal "$WORK/plan.out" "$MOAT" -w "$WORK/m" plan --product p1 --time-limit 4
grep -aq "Planning .*best [0-9,]*" "$WORK/plan.out" || fail "moat plan on a terminal shows no best cost: $(tail -c 400 "$WORK/plan.out")"
grep -aq "Planning .* left" "$WORK/plan.out" || fail "moat plan's progress gives no time left"
grep -aq "Planning .*done in" "$WORK/plan.out" || fail "moat plan's progress line does not end"
grep -aq "^Plan: " "$WORK/plan.out" || fail "moat plan printed no plan on the terminal"
on_terminal "$WORK/plan-json.out" "$MOAT" -w "$WORK/m" plan --product p1 --time-limit 1 --json
grep -aq "Planning" "$WORK/plan-json.out" && fail "moat plan --json printed progress"
"$MOAT" -w "$WORK/m" plan --product p1 --time-limit 1 > "$WORK/plan-piped.out" 2> "$WORK/plan-piped.err" | cat
grep -q "Planning" "$WORK/plan-piped.out" "$WORK/plan-piped.err" && fail "moat plan printed progress to a pipe"
grep -q "^Plan: " "$WORK/plan-piped.out" || fail "the piped plan was not printed"

# The frontier: the points solved so far, within the limit the points share.
on_terminal "$WORK/frontier.out" "$MOAT" -w "$WORK/m" plan --product p1 --frontier --time-limit 3
grep -aq "Planning the frontier [0-9]/[0-9] points" "$WORK/frontier.out" \
  || fail "moat plan --frontier on a terminal shows no progress: $(tail -c 400 "$WORK/frontier.out")"
on_terminal "$WORK/frontier-json.out" "$MOAT" -w "$WORK/m" plan --product p1 --frontier --time-limit 1 --json
grep -aq "Planning" "$WORK/frontier-json.out" && fail "moat plan --frontier --json printed progress"
"$MOAT" -w "$WORK/m" plan --product p1 --frontier --time-limit 1 2> "$WORK/frontier.err" | cat > /dev/null
grep -q "Planning" "$WORK/frontier.err" && fail "moat plan --frontier printed progress to a pipe"

on_terminal "$WORK/gate.out" "$MOAT" -w "$WORK/m" gate --product p1
grep -aq "Deciding the gate 2/2 steps" "$WORK/gate.out" || fail "moat gate on a terminal shows no progress: $(tail -c 300 "$WORK/gate.out")"
on_terminal "$WORK/gate-json.out" "$MOAT" -w "$WORK/m" gate --product p1 --json
grep -aq "Deciding" "$WORK/gate-json.out" && fail "moat gate --json printed progress"
"$MOAT" -w "$WORK/m" gate --product p1 > /dev/null 2> "$WORK/gate.err"
grep -q "Deciding" "$WORK/gate.err" && fail "moat gate printed progress to a file"

on_terminal "$WORK/flags.out" "$MOAT" -w "$WORK/m" flags
grep -aq "Evaluating flags 4/4 steps" "$WORK/flags.out" || fail "moat flags on a terminal shows no progress: $(tail -c 300 "$WORK/flags.out")"
on_terminal "$WORK/flags-json.out" "$MOAT" -w "$WORK/m" flags --json
grep -aq "Evaluating" "$WORK/flags-json.out" && fail "moat flags --json printed progress"
"$MOAT" -w "$WORK/m" flags 2> "$WORK/flags.err" | cat > /dev/null
grep -q "Evaluating" "$WORK/flags.err" && fail "moat flags printed progress to a pipe"

# The server's planning job: its progress while it runs, a cancel that stops it within moments
# and saves nothing, one job per product, and a job that ends saving its draft.
printf 'correct-horse-2026\n' | "$MOAT" -w "$WORK/m" user add ada --role admin > /dev/null || fail "user add"
printf 'correct-horse-2026\n' | "$MOAT" -w "$WORK/m" user add vic --role viewer > /dev/null || fail "user add"
"$MOAT" -w "$WORK/m" token create ada > "$WORK/admin.token" || fail "token create"
"$MOAT" -w "$WORK/m" token create vic > "$WORK/viewer.token" || fail "token create"
run "$SYSTEM_PYTHON" - "$MOAT" "$WORK/m" "$(cat "$WORK/admin.token")" "$(cat "$WORK/viewer.token")" <<'PY'
import json, subprocess, sys, time, urllib.request, urllib.error
moat, ws, admin, viewer = sys.argv[1:5]
server = subprocess.Popen([moat, "-w", ws, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
try:
    line = server.stdout.readline()
    base = line[line.index("http://"):].split()[0].rstrip("/")

    def call(method, path, body=None, token=admin):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method=method,
                                         headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request) as reply:
                return reply.status, json.loads(reply.read() or b"null"), reply.headers
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null"), error.headers

    status, job, headers = call("POST", "/api/products/p1/plan-jobs", {"time_limit": 60})
    assert status == 202 and job["state"] == "running", (status, job)
    assert headers["Location"] == "/api/products/p1/plan-jobs/" + job["id"], headers["Location"]
    path = "/api/products/p1/plan-jobs/" + job["id"]
    status, again, _ = call("POST", "/api/products/p1/plan-jobs", {})
    assert status == 409 and job["id"] in again["detail"], (status, again)
    assert call("POST", path + "/cancel", {}, token=viewer)[0] == 403, "a viewer cancelled a job"
    deadline = time.monotonic() + 20
    while True:  # the heuristic's plan comes first: a best cost while the search goes on
        now = call("GET", path, token=viewer)[1]
        if now["cost"] is not None or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    # elapsed is in tenths of a second: a first plan found within milliseconds shows 0.0
    assert now["state"] == "running" and now["cost"] > 0 and now["elapsed"] >= 0, now
    status, cancelling, _ = call("POST", path + "/cancel", {})
    assert status == 202 and cancelling["state"] in ("cancelling", "cancelled"), (status, cancelling)
    asked = time.monotonic()
    while call("GET", path)[1]["state"] == "cancelling":
        assert time.monotonic() - asked < 2, "the job was still running 2 s after its cancel"
        time.sleep(0.05)
    ended = call("GET", path)[1]
    assert ended["state"] == "cancelled" and ended["plan"] is None and ended["ended_at"], ended
    assert ended["elapsed"] >= now["elapsed"], (now, ended)
    assert call("POST", path + "/cancel", {})[0] == 409, "an ended job was cancelled again"

    status, job, _ = call("POST", "/api/products/p1/plan-jobs", {"time_limit": 2, "collusion": 1})
    assert status == 202, (status, job)
    path = "/api/products/p1/plan-jobs/" + job["id"]
    deadline = time.monotonic() + 15
    while call("GET", path)[1]["state"] == "running":
        assert time.monotonic() < deadline, "a 2 s job still runs after 15 s"
        time.sleep(0.2)
    done = call("GET", path)[1]
    assert done["state"] == "done" and done["plan"] and done["status"] in ("optimal", "feasible"), done
    # A bound is proven when the exact engine got far enough in the time (not on a loaded machine).
    assert done["lower_bound"] is None or (done["lower_bound"] <= done["cost"] and 0 <= done["gap"] < 1), done
    # The workspace had no plan: the cancelled job saved none, so this is the first.
    assert done["plan"] == "plan-1", "a plan was saved before this job's: %s" % done["plan"]
    status, saved, _ = call("GET", "/api/products/p1/plan?plan=" + done["plan"])
    assert status == 200 and saved["state"] == "draft" and saved["cost"] == done["cost"], (status, saved)
    listed = call("GET", "/api/products/p1/plan-jobs", token=viewer)[1]["items"]
    assert [j["id"] for j in listed][:2] == [job["id"], ended["id"]], listed
finally:
    server.terminate()
    server.wait(timeout=20)
PY
expect_status 0 "the planning job over the API: $(tail -c 1500 "$WORK/stderr")"

finish

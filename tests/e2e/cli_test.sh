#!/usr/bin/env bash
# The command line: help for every command, exit codes, workspace discovery, owner-only files,
# tables and JSON output.
source "$(dirname "$0")/lib.sh"

run "$MOAT" --help
expect_status 0 "--help"
cp "$WORK/stdout" "$WORK/help"
for command in init demo status import export list parties audit uscc; do
  CHECKS=$((CHECKS + 1))
  grep -q "^  $command " "$WORK/help" || fail "--help does not list $command"
  run "$MOAT" "$command" --help
  expect_status 0 "$command --help"
done
run "$MOAT" frobnicate
expect_status 1 "unknown command"
run "$MOAT" --version
expect_status 0 "--version"

# init: owner-only files and folders; refusing to overwrite; a bad jurisdiction.
db_flags
run "$MOAT" init "$WORK/ws" --company "Aurora Audio Inc." --home-jurisdiction US "${DB_FLAGS[@]}"
expect_status 0 "init"
owner_only=(moat.toml keys/vault.key)
[ "$BACKEND" = sqlite ] && owner_only+=(moat.db)
for path in "${owner_only[@]}"; do
  CHECKS=$((CHECKS + 1))
  [ "$(stat -c %a "$WORK/ws/$path")" = "600" ] || fail "$path is not owner-only ($(stat -c %a "$WORK/ws/$path"))"
done
for path in . vault keys; do
  CHECKS=$((CHECKS + 1))
  [ "$(stat -c %a "$WORK/ws/$path")" = "700" ] || fail "$path/ is not owner-only"
done
CHECKS=$((CHECKS + 1))
grep -Eq "company = [\"']Aurora Audio Inc.[\"']" "$WORK/ws/moat.toml" || fail "moat.toml lacks the company"
run "$MOAT" init "$WORK/ws" "${DB_FLAGS[@]}"
expect_status 1 "init twice"
expect_stderr "already a moat workspace"
run "$MOAT" init "$WORK/ws2" --home-jurisdiction usa
expect_status 1 "bad jurisdiction"
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/ws2" ] || fail "a failed init left a folder behind"
# The folder by -w, as every command's help lists it, when DIR is not given; two folders refused.
run "$MOAT" init -w "$WORK/ws-by-w"
expect_status 0 "init -w DIR"
CHECKS=$((CHECKS + 1))
[ -f "$WORK/ws-by-w/moat.toml" ] || fail "init -w DIR made no workspace there"
run "$MOAT" init "$WORK/ws-a" -w "$WORK/ws-b"
expect_status 1 "init naming two folders"
expect_stderr "name two folders"
run "$MOAT" init
expect_status 1 "init naming no folder"

# A folder holding a workspace's files without moat.toml is refused, and its key kept.
key_before=$(sha256sum "$WORK/ws/keys/vault.key")
mv "$WORK/ws/moat.toml" "$WORK/moat.toml.saved"
run "$MOAT" init "$WORK/ws"
expect_status 1 "init over a workspace without moat.toml"
expect_stderr "no moat.toml"
CHECKS=$((CHECKS + 1))
[ "$(sha256sum "$WORK/ws/keys/vault.key")" = "$key_before" ] || fail "init replaced an existing vault key"
mv "$WORK/moat.toml.saved" "$WORK/ws/moat.toml"

# A password in a database URL never shows in messages.
run "$MOAT" init "$WORK/pw" --db "postgresql://127.0.0.1:1/db?user=moat&password=s3cr3t&connect_timeout=2"
expect_status 1 "init on an unreachable server"
CHECKS=$((CHECKS + 1))
! grep -q s3cr3t "$WORK/stderr" || fail "a password appeared in an error message"
expect_stderr "password=***"

# Workspace discovery: -w, then MOAT_WORKSPACE, then the current folder.
run "$MOAT" -w "$WORK/ws" status
expect_status 0 "status -w"
expect_stdout "Aurora Audio Inc."
MOAT_WORKSPACE="$WORK/ws" run "$MOAT" status --json
expect_status 0 "status via MOAT_WORKSPACE"
expect_stdout '"company": "Aurora Audio Inc."'
(cd "$WORK/ws" && run "$MOAT" status && expect_status 0 "status in the folder")

# A malformed moat.toml is named by line and column.
db_flags
run "$MOAT" init "$WORK/broken" "${DB_FLAGS[@]}"
printf 'company = "x"\n[policy]\ncollusion = \n' > "$WORK/broken/moat.toml"
run "$MOAT" -w "$WORK/broken" status
expect_status 1 "broken moat.toml"
expect_stderr "moat.toml:3:"

# A demo that fails (here: the binary without the modules installed with it) leaves nothing that
# looks like a finished workspace, and says so: a folder it made is gone, and in a folder that was
# there only what was there before is left.
mkdir -p "$WORK/alone" && cp "$MOAT" "$WORK/alone/moat"
db_flags
run "$WORK/alone/moat" demo "$WORK/half" "${DB_FLAGS[@]}"
expect_status 2 "a demo without its modules"
# (which module is missed first depends on the files beside the project the demo finds)
expect_stderr "installed with it, is not there" "a demo without its modules"
expect_stderr "the demo did not finish: what it had written here was removed" "a demo without its modules"
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/half" ] || fail "a failed demo left $(ls "$WORK/half" | tr '\n' ' ')"
mkdir "$WORK/mine" && echo "mine" >"$WORK/mine/notes.txt"
run "$WORK/alone/moat" demo "$WORK/mine"
expect_status 2 "a demo without its modules, in a folder that was there"
CHECKS=$((CHECKS + 1))
[ "$(ls -A "$WORK/mine")" = notes.txt ] || fail "a failed demo left $(ls -A "$WORK/mine" | tr '\n' ' ')"

# Tables and JSON over the demo.
db_flags
"$MOAT" demo "$WORK/demo" "${DB_FLAGS[@]}" >/dev/null
run "$MOAT" -w "$WORK/demo" list suppliers
expect_status 0 "list suppliers"
expect_stdout "有限公司"
run "$MOAT" -w "$WORK/demo" list bom --product aurora --json
expect_status 0 "list bom --json"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d) >= 40, len(d)' "$WORK/stdout" || fail "list bom --json is not a JSON array of 40+ parts"
run "$MOAT" -w "$WORK/demo" list widgets
expect_status 1 "list an unknown kind"
run "$MOAT" -w "$WORK/demo" parties --json
expect_status 0 "parties --json"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(len(p["members"]) >= 3 for p in d)' "$WORK/stdout" || fail "no party of three in the demo"
run "$MOAT" -w "$WORK/demo" audit log --json --limit 3
expect_status 0 "audit log --json"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [e["seq"] for e in d] == [1,2,3] and d[0]["actor"] == "e2e-test"' "$WORK/stdout" || fail "audit log --json is wrong"
run "$MOAT" -w "$WORK/demo" audit log
expect_status 0 "audit log"
expect_stdout "seq"
expect_stdout "changed"
# One record's history: its events only, each with the fields it changed.
run "$MOAT" -w "$WORK/demo" audit log --entity suppliers --key F03 --json
expect_status 0 "audit log --entity --key"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d and all(e["entity"] == "suppliers" and e["key"] == "F03" for e in d)' "$WORK/stdout" || fail "audit log --entity --key lists other events: $(head -c 300 "$WORK/stdout")"
# A supplier's history with what hangs on it: its assessments, quotes and affiliations too, and
# the flags raised on it (their key is the flag's id, their subject the supplier).
run "$MOAT" -w "$WORK/demo" audit log --about F03 --json
expect_status 0 "audit log --about"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "audit log --about F03 is not the supplier's history: $(head -c 300 "$WORK/stdout")"
import json, sys
events = json.load(open(sys.argv[1]))
def names(e):
    for r in (e.get("before"), e.get("after")):
        if not isinstance(r, dict):
            continue
        if "F03" in str(r.get("subject", "")).split("/"):
            return True
        if any(v == "F03" or (isinstance(v, list) and "F03" in v) for v in r.values()):
            return True  # a field of ids: an agreement's, a person's supplier
    return "F03" in e["key"].split("/")
for e in events:
    assert names(e), e
assert {"suppliers", "quotes", "agreements", "people"} <= {e["entity"] for e in events}, sorted({e["entity"] for e in events})
PY
run "$MOAT" -w "$WORK/demo" flags --json
CHECKS=$((CHECKS + 1))
flags_on_f03=$(python3 -c 'import json,sys; print(sum(f["subject"] == "supplier/F03" for f in json.load(open(sys.argv[1]))))' "$WORK/stdout")
run "$MOAT" -w "$WORK/demo" audit log --about F03 --entity flags --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); n=int(sys.argv[2]); assert (len(d) > 0) == (n > 0), (len(d), n)' "$WORK/stdout" "$flags_on_f03" || fail "audit log --about F03 --entity flags does not follow the flags on supplier/F03 ($flags_on_f03 of them)"
run "$MOAT" -w "$WORK/demo" audit log --actor nobody-at-all
expect_status 0 "audit log --actor with no event"
expect_stdout "No event matches."
expect_stdout "No event has the actor 'nobody-at-all'; the ledger's are: " "an actor no event has"
expect_stdout "e2e-test" "an actor no event has"
run "$MOAT" -w "$WORK/demo" audit log --actor E2E-TEST --limit 1
expect_status 0 "audit log --actor in other capitals"
CHECKS=$((CHECKS + 1))
grep -q "No event" "$WORK/stdout" && fail "an actor's name in other capitals matched nothing: $(cat "$WORK/stdout")"
run "$MOAT" -w "$WORK/demo" audit log --entity supplier
expect_status 0 "audit log --entity of no event"
expect_stdout "No event has the entity 'supplier'; the ledger's are: " "an entity misspelt"
expect_stdout "suppliers" "an entity misspelt"
run "$MOAT" -w "$WORK/demo" audit log --action puts
expect_status 0 "audit log --action of no event"
expect_stdout "No event has the action 'puts'; the ledger's are: " "an action misspelt"
CHECKS=$((CHECKS + 1))
python3 -c 'import sys; listed = open(sys.argv[1]).read().split("are: ")[1].rstrip(".\n").split(", "); assert "put" in listed, listed' "$WORK/stdout" || fail "an action misspelt is not answered with the ledger's actions: $(cat "$WORK/stdout")"
run "$MOAT" -w "$WORK/demo" audit log --from 999999
expect_status 0 "audit log --from past the end"
expect_stdout "No events. The ledger's last event is seq " "--from past the end"
# Investigating a tampered ledger still works: an image that is not JSON is shown as text.
sql "$WORK/demo" "UPDATE ledger SET after_json = '{broken' WHERE seq = 2"
run "$MOAT" -w "$WORK/demo" audit log --json --limit 3
expect_status 0 "audit log --json on a tampered ledger"
expect_stdout '"after": "{broken"'
run "$MOAT" -w "$WORK/demo" audit verify
expect_status 1 "verify the tampered ledger"

# A written file: a link followed (the file it names replaced, the link kept), a pipe or device
# written to and never replaced (a temporary file renamed over /dev/null once replaced the device),
# a folder refused.
echo '{}' >"$WORK/named.json"
ln -s named.json "$WORK/link.json"
run "$MOAT" -w "$WORK/demo" export "$WORK/link.json"
expect_status 0 "export through a link"
CHECKS=$((CHECKS + 1))
[ -L "$WORK/link.json" ] && grep -q '"suppliers"' "$WORK/named.json" || fail "export replaced the link, not the file it names"
mkfifo "$WORK/pipe"
cat "$WORK/pipe" >"$WORK/from-pipe" &
reader=$!
run "$MOAT" -w "$WORK/demo" export "$WORK/pipe"
expect_status 0 "export into a pipe"
wait "$reader"
CHECKS=$((CHECKS + 1))
[ -p "$WORK/pipe" ] && grep -q '"suppliers"' "$WORK/from-pipe" || fail "export replaced the pipe, or wrote nothing through it"
mkdir "$WORK/folder"
run "$MOAT" -w "$WORK/demo" export "$WORK/folder"
expect_status 1 "export onto a folder"
expect_stderr "is a folder"
CHECKS=$((CHECKS + 1))
! ls -a "$WORK" | grep -q 'moat-' || fail "a temporary file was left: $(ls -a "$WORK" | grep moat-)"

run "$MOAT" uscc 91110000600037341L
expect_status 0 "a valid credit code"
run "$MOAT" uscc 91110000600037341K
expect_status 1 "an invalid credit code"
expect_stdout "check character"

# A supplier list as Excel's "CSV" on Chinese Windows writes it (GBK): refused unasked, quoting
# how it would read; read when named.
mkdir -p "$WORK/gbk"
python3 -c 'import sys; open(sys.argv[1], "wb").write("id,legal_name,uscc,city\nF97,深圳极光模具,91440300MA5F0000X1,深圳\n".encode("gbk"))' "$WORK/gbk/suppliers.csv"
run "$MOAT" -w "$WORK/ws" import "$WORK/gbk/suppliers.csv"
expect_status 1 "a GBK file, unasked"
expect_stderr '"F97,深圳极光模具,91440300MA5F0000X1,深圳": if that is right, import it with --encoding gb18030'
run "$MOAT" -w "$WORK/ws" import "$WORK/gbk/suppliers.csv" --encoding gbk
expect_status 0 "a GBK file, named"
expect_stdout "read as GB18030"
run "$MOAT" -w "$WORK/ws" show suppliers F97
expect_stdout "深圳极光模具"
finish

#!/usr/bin/env bash
# What a person at the terminal reads: lists that fit (or --wide, --columns), money with its
# currency and the rates quotes were converted at, checklists listed, audits that say which
# critical item failed, findings answered and closed out loud, an on-site person in two places at
# once, and credit codes checked beyond their check character.
source "$(dirname "$0")/lib.sh"

db_flags
run "$MOAT" demo "$WORK/ws" "${DB_FLAGS[@]}"
expect_status 0 "demo"
W=(-w "$WORK/ws")

# ---- Lists: --columns, --wide, and what fits a terminal ---------------------------------------
run "$MOAT" "${W[@]}" list suppliers --columns id,city
expect_status 0 "list --columns"
[ "$(head -1 "$WORK/stdout" | tr -s ' ')" = "id city" ] || fail "list --columns: $(head -1 "$WORK/stdout")"
run "$MOAT" "${W[@]}" list suppliers --columns id,town
expect_status 1 "list --columns with a field that does not exist"
expect_stderr "'town' is not a field of suppliers"
if command -v script >/dev/null; then
  COLUMNS=100 script -qec "$MOAT -w $WORK/ws list suppliers" /dev/null > "$WORK/tty.out" 2>&1
  CHECKS=$((CHECKS + 1))
  widest=$(tr -d '\r' < "$WORK/tty.out" | grep -v 'more fields' | awk '{ print length($0) }' | sort -n | tail -1)
  [ "$widest" -le 130 ] || fail "list on a 100-column terminal prints lines of $widest characters"
  grep -q "more fields: --wide" "$WORK/tty.out" || fail "list on a terminal does not say how to see the rest"
  COLUMNS=100 script -qec "$MOAT -w $WORK/ws list suppliers --wide" /dev/null > "$WORK/wide.out" 2>&1
  grep -q "subcontractors" "$WORK/wide.out" || fail "list --wide leaves fields out"
fi

# ---- Checklists, audits, findings, people on site -------------------------------------------
run "$MOAT" "${W[@]}" visit checklist --json
expect_status 0 "visit checklist"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "visit checklist does not list the checklists and their items"
import json, sys
lists = {c["id"]: c for c in json.load(open(sys.argv[1]))}
assert {"ip-protection", "own-facility"} <= set(lists), lists.keys()
access = [i for i in lists["own-facility"]["items"] if i["id"] == "access-control"]
assert access and access[0]["critical"], lists["own-facility"]
PY
run "$MOAT" "${W[@]}" visit add F08 --item document-control=pass,scrap-destructon=fail
expect_status 1 "an item the checklist does not have"
expect_stderr "its items: document-control, sample-control"
run "$MOAT" "${W[@]}" visit add F08 --item document-control=pass,sample-control=pass,scrap-destruction=fail \
  --item mold-storage=pass,overrun-controls=pass,visitor-logs=pass,camera-policy=pass,subcontractors-on-site=pass
expect_status 0 "an audit with several items per --item"
expect_stdout "FAILED, critical item scrap-destruction failed (88% of applicable items passed)"
visit=$(sed -n 's/^Recorded visit \([A-Z0-9-]*\):.*/\1/p' "$WORK/stdout")
finding=$(sed -n 's|^  finding [A-Z0-9-]*/\([A-Z0-9-]*\) raised|\1|p' "$WORK/stdout" | head -1)
run "$MOAT" "${W[@]}" finding answer "$visit" "$finding" --answer "shredder installed"
expect_status 0 "finding answer"
expect_stdout "Recorded the answer to finding $visit/$finding"
run "$MOAT" "${W[@]}" finding close "$visit" "$finding"
expect_status 0 "finding close"
expect_stdout "Closed finding $visit/$finding on "
person=$("$MOAT" "${W[@]}" list assignments --json | python3 -c 'import json,sys; a=json.load(sys.stdin); print(a[0]["person"], a[0]["supplier"])')
run "$MOAT" "${W[@]}" assign F09 ${person%% *} --role engineer
expect_status 0 "assign someone already on site elsewhere"
expect_stderr "is also assigned on site at ${person##* }"

# ---- Credit codes: the province and the embedded organisation code ----------------------------
run "$MOAT" uscc 91440300MA53U1DB8E 91990300MA53U1DB8L 91440300MA53U1DB7B
expect_status 1 "credit codes python-stdnum accepts"
expect_stdout "91440300MA53U1DB8E: well formed"
expect_stdout "names no province"
expect_stdout "GB 11714 gives '8'"

# ---- Money carries its currency; quotes in another currency plan at a dated rate ---------------
run "$MOAT" "${W[@]}" plan --product aurora --time-limit 20
expect_status 0 "plan"
expect_stdout " CNY" "the plan's cost"
run "$MOAT" "${W[@]}" set quotes aurora/WP01/F04 currency=USD unit_cost=2.25 fixed_cost=59000
expect_status 0 "a quote in USD"
run "$MOAT" "${W[@]}" plan --product aurora --time-limit 20
expect_status 1 "a USD quote without a rate"
expect_stderr "no rate from USD to CNY"
cat >> "$WORK/ws/moat.toml" <<'TOML'

[currency]
base = "CNY"
rates = [
  { currency = "USD", rate = 7.05, date = "2026-01-31" },
  { currency = "USD", rate = 7.12, date = "2026-06-30" },
  { currency = "USD", rate = 9.99, date = "2099-01-01" },
]
TOML
run "$MOAT" "${W[@]}" plan --product aurora --time-limit 20
expect_status 0 "plan with a dated rate"
expect_stdout "quotes converted at 1 USD = 7.12 CNY (rate of 2026-06-30)"
run "$MOAT" "${W[@]}" gate --product aurora --json
[ "$STATUS" -ne 1 ] && [ "$STATUS" -ne 2 ] || fail "the gate stops at a quote in USD: $(head -c 300 "$WORK/stderr")"
printf '\n[currency]\nbase = "CNY"\n' >> "$WORK/ws/moat.toml"
run "$MOAT" "${W[@]}" status
expect_status 1 "a second [currency] table"

finish

#!/usr/bin/env bash
# Supplier qualification, oversight, tooling, reconciliation and red flags through the real
# binary: the demo's flags and overrun, `moat flags --json`'s contract, an assessment that its
# assessor cannot approve, visits with findings, tooling passports, and bad input located. A
# look ahead at flags records nothing.
source "$(dirname "$0")/lib.sh"

db_flags
run "$MOAT" demo "$WORK/aurora" "${DB_FLAGS[@]}"
expect_status 0 "demo"
expect_stdout "Red flags" "demo output"
expect_stdout "unaccounted-units" "demo output"
cp "$WORK/stdout" "$WORK/demo.out"
W=(-w "$WORK/aurora")

# moat flags --json: an array of objects with rule, severity, subject, evidence and state.
run "$MOAT" "${W[@]}" flags --json
expect_status 0 "flags --json"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "moat flags --json does not follow its contract"
import json, sys
flags = json.load(open(sys.argv[1]))
assert isinstance(flags, list) and flags, flags
for f in flags:
    assert {"rule", "severity", "subject", "evidence", "state"} <= set(f), f
    assert f["state"] in ("open", "acknowledged", "resolved"), f
    assert isinstance(f["evidence"], list) and f["evidence"], f
rules = {f["rule"] for f in flags}
expected = {"unaccounted-units", "requalification-overdue", "certificate-expired", "critical-finding-overdue",
            "unapproved-subcontractor", "unknown-site", "capacity-swing", "tooling-shots-unexplained",
            "tooling-change-unapproved", "owner-visit-missing"}
assert expected <= rules, expected - rules
overrun = [f for f in flags if f["rule"] == "unaccounted-units"]
assert [f["subject"] for f in overrun] == ["supplier/F04"], overrun
text = json.dumps(overrun[0]["evidence"], ensure_ascii=False)
assert "31000" in text and "10800" in text, text
PY

# Evaluating again raises nothing new; a resolved flag stays resolved.
run "$MOAT" "${W[@]}" flags --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); assert not any(x["new"] for x in f), f' "$WORK/stdout" \
  || fail "flags raised twice"
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$WORK/stdout")
run "$MOAT" "${W[@]}" flags resolve "$first" --reason "Checked on site"
expect_status 0 "resolve a flag"
run "$MOAT" "${W[@]}" flags resolve "$first"
expect_status 1 "resolve without a reason"
run "$MOAT" "${W[@]}" flags --all --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" "$first" <<'PY' || fail "the resolved flag lost its state or its reason"
import json, sys
flag = next(f for f in json.load(open(sys.argv[1])) if f["id"] == sys.argv[2])
assert flag["state"] == "resolved" and flag["reason"] == "Checked on site" and flag["updated_by"] == "e2e-test", flag
PY

# A flag whose cause was fixed resolved itself, naming the fact that fixed it: the demo evaluates
# the flags before F04's owner's visit, then today.
CHECKS=$((CHECKS + 1))
grep -q "resolved itself" "$WORK/demo.out" || fail "the demo does not show a flag resolving itself"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "no flag resolved itself with the fact that cleared it"
import json, sys
cleared = [f for f in json.load(open(sys.argv[1])) if f["resolution"] == "automatic"]
visit = [f for f in cleared if f["rule"] == "owner-visit-missing" and f["subject"] == "supplier/F04"]
assert visit and visit[0]["state"] == "resolved" and "V4" in visit[0]["reason"], cleared
PY

# A look ahead (--as-of a day after today) records nothing: it shows, marked as a preview, what an
# evaluation then would raise and clear, and the flags and the ledger stay as they were, so that
# the next plain evaluation has nothing to undo.
run "$MOAT" "${W[@]}" flags --all --json
cp "$WORK/stdout" "$WORK/flags-before.json"
events_before=$(sql "$WORK/aurora" "SELECT COUNT(*) FROM ledger")
AHEAD=$(date -u -d '+600 days' +%F)
run "$MOAT" "${W[@]}" flags --as-of "$AHEAD"
expect_status 0 "a look ahead"
expect_stdout "Preview as of $AHEAD" "a look ahead"
expect_stdout "(would be new)" "a look ahead"
expect_stdout "would resolve itself: cleared on $AHEAD" "a look ahead"
run "$MOAT" "${W[@]}" flags --as-of "$AHEAD" --json
expect_status 0 "a look ahead, JSON"
expect_stderr "Nothing is recorded" "a look ahead, JSON"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" "$WORK/flags-before.json" <<'PY' || fail "a look ahead's JSON is not marked as a preview"
import json, sys
flags = json.load(open(sys.argv[1]))
assert flags and all(f["preview"] is True for f in flags), flags[:1]
assert any(f["new"] and f["id"] is None for f in flags), [f for f in flags if f["new"]][:1]
# What the text says would resolve itself is in the JSON too, as it would then stand.
assert any(f["changed"] == "cleared" and f["state"] == "resolved" for f in flags), [f["changed"] for f in flags]
# Who changed a flag and when stay as recorded: a preview changes nothing.
before = {f["id"]: f for f in json.load(open(sys.argv[2]))}
compared = 0
for f in flags:
    if f["changed"] and f["id"] in before:
        assert (f["updated_by"], f["updated_at"]) == (before[f["id"]]["updated_by"], before[f["id"]]["updated_at"]), f
        compared += 1
assert compared, "no flag the preview would change was on record to compare"
PY
CHECKS=$((CHECKS + 1))
[ "$(sql "$WORK/aurora" "SELECT COUNT(*) FROM ledger")" = "$events_before" ] || fail "a look ahead wrote to the ledger"
# A look back records nothing either: flags raised now from the facts of a past day would be undone
# by the next evaluation of today.
run "$MOAT" "${W[@]}" flags --as-of 2020-01-01
expect_status 0 "a look back"
expect_stdout "Preview as of 2020-01-01, a date before today" "a look back"
CHECKS=$((CHECKS + 1))
[ "$(sql "$WORK/aurora" "SELECT COUNT(*) FROM ledger")" = "$events_before" ] || fail "a look back wrote to the ledger"
run "$MOAT" "${W[@]}" flags
expect_status 0 "today, after a look ahead"
CHECKS=$((CHECKS + 1))
grep -Eq "\((new|reopened|cleared)\)|resolved itself" "$WORK/stdout" &&
  fail "today's evaluation undid a look ahead: $(cat "$WORK/stdout")"
run "$MOAT" "${W[@]}" flags --all --json
CHECKS=$((CHECKS + 1))
cmp -s "$WORK/stdout" "$WORK/flags-before.json" || fail "the flags on record changed after a look ahead"

# Several flags at once, all or none.
run "$MOAT" "${W[@]}" flags --json
read -r one two three < <(python3 -c 'import json,sys; print(*[f["id"] for f in json.load(open(sys.argv[1])) if f["state"] == "open"][:3])' "$WORK/stdout")
run "$MOAT" "${W[@]}" flags ack "$one" "$two" --reason "Looking into both"
expect_status 0 "acknowledge two flags at once"
expect_stdout "$one is acknowledged"
expect_stdout "$two is acknowledged"
run "$MOAT" "${W[@]}" flags resolve "$three" FL9999 --reason "x"
expect_status 1 "resolve with an unknown flag among them"
expect_stderr "FL9999"
run "$MOAT" "${W[@]}" flags --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" "$one" "$three" <<'PY' || fail "bulk: a state was lost or half-written"
import json, sys
by = {f["id"]: f for f in json.load(open(sys.argv[1]))}
assert by[sys.argv[2]]["state"] == "acknowledged" and by[sys.argv[3]]["state"] == "open", by
PY

# flags show keeps the whole arithmetic of the evidence, wrapped, never cut.
run "$MOAT" "${W[@]}" flags --json
shots=$(python3 -c 'import json,sys; print(next(f["id"] for f in json.load(open(sys.argv[1])) if f["rule"] == "tooling-shots-unexplained"))' "$WORK/stdout")
run "$MOAT" "${W[@]}" flags show "$shots"
expect_status 0 "flags show"
expect_stdout "unexplained"
CHECKS=$((CHECKS + 1))
grep -q "…" "$WORK/stdout" && fail "flags show cut its evidence: $(cat "$WORK/stdout")"

# The reconciliation shows its arithmetic.
run "$MOAT" "${W[@]}" reconcile --supplier F04 --product aurora --json
expect_status 0 "reconcile F04"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "F04's reconciliation is wrong"
import json, sys
[r] = json.load(open(sys.argv[1]))
assert r["unaccounted_units"] == 10800, r
assert any(l["check"] == "shots" and l["item"] == "T-01" and "31000" in l["arithmetic"] for l in r["lines"]), r["lines"]
PY

# Options that narrow the reconciliation to one supplier are refused without --supplier (they would
# be ignored), and a supplier that does not exist is named as such.
for narrow in "--from 2026-11-01" "--product aurora"; do
  run "$MOAT" "${W[@]}" reconcile $narrow
  expect_status 1 "reconcile $narrow without --supplier"
  expect_stderr "${narrow%% *}: needs --supplier and --product"
done
for given in "--supplier F99" "--supplier F99 --product aurora"; do
  run "$MOAT" "${W[@]}" reconcile $given
  expect_status 1 "reconcile $given"
  expect_stderr "--supplier: no supplier 'F99'"
done

# An assessment: the assessor cannot approve it, someone else can; the planner then sees it.
scores=()
for c in $("$MOAT" "${W[@]}" supplier criteria --json | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)["criteria"]))'); do
  scores+=(--score "$c=4")
done
echo "site photo" > "$WORK/photo.jpg"
run env MOAT_ACTOR=alice "$MOAT" "${W[@]}" supplier assess F18 "${scores[@]}" --evidence "document_control=$WORK/photo.jpg" --json
expect_status 0 "assess F18"
assessment=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["assessment"])' "$WORK/stdout")
run env MOAT_ACTOR=alice "$MOAT" "${W[@]}" supplier approve F18 "$assessment"
expect_status 1 "the assessor approves their own assessment"
expect_stderr "cannot approve their own assessment"
run env MOAT_ACTOR=bob "$MOAT" "${W[@]}" supplier approve F18 "$assessment"
expect_status 0 "another person approves"
run "$MOAT" "${W[@]}" supplier status --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "qualification overview"
import json, sys
rows = {r["supplier"]: r for r in json.load(open(sys.argv[1]))}
assert rows["F18"]["status"] == "qualified", rows["F18"]
assert rows["F16"]["status"] == "rejected" and rows["F07"]["status"] == "expired", (rows["F16"], rows["F07"])
assert rows["F02"]["status"] == "conditional" and rows["F02"]["max_exposure_share"] == 0.2, rows["F02"]
PY
run "$MOAT" "${W[@]}" supplier assess F18 --score "litigation=9"
expect_status 1 "a score out of range"
expect_stderr "litigation"
run "$MOAT" "${W[@]}" supplier assess F99 "${scores[@]}"
expect_status 1 "an unknown supplier"
run "$MOAT" "${W[@]}" supplier assess F18 "${scores[@]}" --score "litigation=0x3"
expect_status 1 "a score written in hexadecimal"
expect_stderr "'0x3' is not a number"

# An assessors' sheet: checked whole before anything is recorded.
{
  printf 'supplier,date,assessor'; for c in "${scores[@]}"; do [ "$c" = --score ] || printf ',%s' "${c%=*}"; done; printf '\n'
  printf 'F18,2026-11-02,carol'; for c in "${scores[@]}"; do [ "$c" = --score ] || printf ',3'; done; printf '\n'
  printf 'F99,2026-11-02,carol'; for c in "${scores[@]}"; do [ "$c" = --score ] || printf ',4'; done; printf '\n'
} > "$WORK/sheet.csv"
before=$("$MOAT" "${W[@]}" list assessments --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
run env MOAT_ACTOR=carol "$MOAT" "${W[@]}" supplier assess --sheet "$WORK/sheet.csv"
expect_status 1 "a sheet naming an unknown supplier"
expect_stderr "sheet.csv:3"
run env MOAT_ACTOR=dave "$MOAT" "${W[@]}" supplier assess --sheet "$WORK/sheet.csv"
expect_status 1 "a sheet recorded by someone else"
expect_stderr "each assessor records their own"
sed -i '/^F99/d' "$WORK/sheet.csv"
after=$("$MOAT" "${W[@]}" list assessments --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
CHECKS=$((CHECKS + 1))
[ "$before" = "$after" ] || fail "a refused sheet recorded assessments ($before -> $after)"
run env MOAT_ACTOR=carol "$MOAT" "${W[@]}" supplier assess --sheet "$WORK/sheet.csv" --json
expect_status 0 "a good sheet"
expect_stdout '"result": "conditional"'

# Its headers as every import's: in another case, with spaces for '_' (a criterion's id too); a
# column that is neither a sheet's nor a criterion is named at the header, with one given twice.
python3 - "$WORK/sheet.csv" "$WORK/headers.csv" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
header = [h.replace("_", " ").title() + " " for h in lines[0].split(",")]
open(sys.argv[2], "w").write(",".join(header) + "\n" + "\n".join(lines[1:]) + "\n")
bad = lines[0].split(",")
bad[3] = "Hygiene"
bad[4] = bad[0].upper()
open(sys.argv[2] + ".bad", "w").write(",".join(bad) + "\n" + "\n".join(lines[1:]) + "\n")
PY
run env MOAT_ACTOR=carol "$MOAT" "${W[@]}" supplier assess --sheet "$WORK/headers.csv" --json
expect_status 0 "a sheet whose headers are written as people write them"
expect_stdout '"result": "conditional"'
run env MOAT_ACTOR=carol "$MOAT" "${W[@]}" supplier assess --sheet "$WORK/headers.csv.bad"
expect_status 1 "a sheet with an unknown column and one given twice"
expect_stderr "headers.csv.bad:1:"
expect_stderr "'Hygiene' is neither a column of the sheet"
expect_stderr "'SUPPLIER' gives supplier again (already column 1)"

# An assessment dated after today is refused, alone or in a sheet: approved, a year's typo would
# qualify the supplier from today until a year after that date.
future=$(date -u -d '+1 year' +%F)
run "$MOAT" "${W[@]}" supplier assess F18 "${scores[@]}" --date "$future"
expect_status 1 "an assessment dated after today"
expect_stderr "after today"
sed -i "s/^F18,2026-11-02,/F18,$future,/" "$WORK/sheet.csv"
run env MOAT_ACTOR=carol "$MOAT" "${W[@]}" supplier assess --sheet "$WORK/sheet.csv"
expect_status 1 "a sheet row dated after today"
expect_stderr "sheet.csv:2"

# A visit with a failed critical item raises a critical finding.
run "$MOAT" "${W[@]}" visit add F08 --item document-control=fail --item sample-control=pass --site "Pingdi plant, 9 Pingqiao Road" --json
expect_status 0 "audit F08"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert not v["passed"] and v["findings"], v' "$WORK/stdout" \
  || fail "a failed critical item raised no finding"
visit=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["visit"])' "$WORK/stdout")
run "$MOAT" "${W[@]}" finding close "$visit" F2 --on 2001-01-01
expect_status 1 "a finding closed before the visit that raised it"
expect_stderr "before visit $visit"
run "$MOAT" "${W[@]}" finding close "$visit" F1
expect_status 0 "close a finding"
run "$MOAT" "${W[@]}" supplier certificate F08 --standard "ISO 9001:2015" --issued 2026-01-01 --expires 2025-01-01
expect_status 1 "a certificate that expires before it was issued"
expect_stderr "before it was issued"
run "$MOAT" "${W[@]}" visit add F08 --item no-such-item=pass
expect_status 1 "an unknown checklist item"
expect_stderr "no-such-item"

# On site for us: our people or our own facility's staff, never a supplier's employee (P03 works
# at F02, P01 at F01, the company's own plant).
run "$MOAT" "${W[@]}" assign F04 P03 --role agent --from 2099-01-01
expect_status 1 "a supplier's employee assigned as our agent"
expect_stderr "P03 works at F02"
run "$MOAT" "${W[@]}" assign F04 P01 --role engineer --from 2099-01-01
expect_status 0 "our own plant's engineer assigned on site"

# Tooling passport: counters never go back; an unapproved move is flagged.
run "$MOAT" "${W[@]}" tooling event T-01 --kind reading --shots 10
expect_status 1 "a shot counter going back"
# Nor through a reading entered late: T-01 read 31000 on its last reading day, so a reading dated
# before it may not be higher; and a scrapping may not be dated before the passport's last event.
last_reading=$("$MOAT" "${W[@]}" list tool_events --json |
  python3 -c 'import json,sys; print(max(e["date"] for e in json.load(sys.stdin) if e["tool"]=="T-01" and e["kind"]=="reading"))')
before_last=$(date -u -d "$last_reading -1 day" +%F)
run "$MOAT" "${W[@]}" tooling event T-01 --kind reading --shots 90000 --date "$before_last"
expect_status 1 "a late reading above a later one"
expect_stderr "shot counters do not go back"
echo "destroyed" > "$WORK/destruction.jpg"
run "$MOAT" "${W[@]}" tooling event T-01 --kind scrap --evidence "$WORK/destruction.jpg" --date "$before_last"
expect_status 1 "a scrapping dated before the passport's last event"
expect_stderr "passport runs in order of days"
run "$MOAT" "${W[@]}" tooling event T-03 --kind relocation --to F18
expect_status 0 "move a mold without approval"

# Cavities and parts per unit are counts: below 1 the reconciliation would divide by zero or count
# negative units, so they are refused at the terminal and in tooling.csv.
run "$MOAT" "${W[@]}" tooling add T-90 --kind mold --name x --owner "Aurora Audio Inc." --location F04 \
  --parts-per-unit 0
expect_status 1 "a tool with 0 parts per unit"
expect_stderr "parts_per_unit must be at least 1"
printf 'id,kind,name,owner,location,cavities\nT-91,mold,y,Aurora Audio Inc.,F04,-2\n' > "$WORK/tooling.csv"
run "$MOAT" "${W[@]}" import "$WORK/tooling.csv"
expect_status 1 "tooling.csv with negative cavities"
expect_stderr "tooling.csv:2:"
run "$MOAT" "${W[@]}" flags --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); assert any(x["rule"]=="tooling-unapproved-location" and x["subject"]=="tooling/T-03" for x in f), [x["rule"] for x in f]' "$WORK/stdout" \
  || fail "the unapproved move raised no flag"

# An affiliation found after the plan was approved opens a collusion path: the packaging printer
# and the Yongtai group together hold the look-alike recipe.
printf 'a,b,kind,note\nF11,F17,owner,Same beneficial owner found in the registry\n' > "$WORK/affiliations.csv"
run "$MOAT" "${W[@]}" import "$WORK/affiliations.csv"
expect_status 0 "import a new affiliation"
run "$MOAT" "${W[@]}" flags --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the new collusion path raised no flag"
import json, sys
flags = [f for f in json.load(open(sys.argv[1])) if f["rule"] == "affiliated-collusion"]
assert flags and flags[0]["severity"] == "critical", flags
assert "F11" in json.dumps(flags[0]["evidence"]) and "F17" in json.dumps(flags[0]["evidence"]), flags[0]
PY

# A suppliers.csv without the approval's columns changes the other fields of an assessed supplier
# and leaves its status, tier, cap and validity as approved; giving a different status is refused.
"$MOAT" "${W[@]}" show suppliers F04 | grep -E '^(status|tier|qualified_until) ' > "$WORK/f04-before"
printf 'id,legal_name,uscc,city,capacity\nF04,深圳市晟达塑胶制品有限公司,91440300749121031D,Shenzhen,170000\n' \
  > "$WORK/suppliers.csv"
run "$MOAT" "${W[@]}" import "$WORK/suppliers.csv"
expect_status 0 "suppliers.csv changes F04's capacity"
"$MOAT" "${W[@]}" show suppliers F04 > "$WORK/f04-after"
CHECKS=$((CHECKS + 1))
grep -q '^capacity  *170000' "$WORK/f04-after" && grep -E '^(status|tier|qualified_until) ' "$WORK/f04-after" |
  cmp -s - "$WORK/f04-before" || fail "F04's approval changed with its capacity: $(cat "$WORK/f04-after")"
printf 'id,legal_name,uscc,status\nF04,深圳市晟达塑胶制品有限公司,91440300749121031D,pending\n' > "$WORK/suppliers.csv"
run "$MOAT" "${W[@]}" import "$WORK/suppliers.csv"
expect_status 1 "suppliers.csv sets F04's status"
expect_stderr "suppliers.csv:2:"

# Spreadsheets import with every problem located.
printf 'id,supplier,kind,date\nV90,F99,audit,2026-13-01\n' > "$WORK/visits.csv"
run "$MOAT" "${W[@]}" import "$WORK/visits.csv"
expect_status 1 "a bad visits.csv"
expect_stderr "visits.csv:2:"

# Every change is in the ledger, and the ledger verifies.
run "$MOAT" "${W[@]}" audit verify
expect_status 0 "audit verify"

finish

# SPDX-License-Identifier: Apache-2.0
# Agreements, purchase-order terms, IP rights with their deadlines (JSON and iCalendar, the latter
# read back by Debian's python3-icalendar), the go / no-go gate and its waivers, through the real
# binary: the demo's no-go launch and go release, a waiver that turns a fail into waived and back
# once it has expired, the new red flags, and bad input located.
source "$(dirname "$0")/lib.sh"
A="$MOAT_SOURCE_DIR/examples/aurora"

# ---- A fresh workspace: IP rights and their deadlines --------------------------------------------

db_flags
run "$MOAT" init "$WORK/w" --company "Aurora Audio Inc." "${DB_FLAGS[@]}"
expect_status 0 "init"
W=(-w "$WORK/w")
run "$MOAT" "${W[@]}" import "$A/products.csv" "$A/bom.csv" "$A/secrets.csv" "$A/suppliers.csv"
expect_status 0 "import the product and the suppliers"

# A US design filed 2025-08-15: its CN priority ends 2026-02-15, a Sunday in the Spring Festival
# closure (02-15..02-23), so the last day to act is Tuesday 2026-02-24.
run "$MOAT" "${W[@]}" ip add --kind design --jurisdiction US --title "Speaker enclosure" --filed 2025-08-15 --product aurora
expect_status 0 "ip add design"
# Filed on 2025-08-29: six months end on 2026-02-28, a Saturday China made a working day (调休).
run "$MOAT" "${W[@]}" ip add --kind design --jurisdiction US --title "Light guide" --filed 2025-08-29 --product aurora
expect_status 0 "ip add design (month end)"
# A US invention filed 2025-04-01: file in CN by 2026-04-01 (a Wednesday).
run "$MOAT" "${W[@]}" ip add --kind invention --jurisdiction US --title "Acoustic chamber" --filed 2025-04-01 --owner "Aurora Audio Inc." --product aurora
expect_status 0 "ip add invention"
run "$MOAT" "${W[@]}" ip add --kind trademark --jurisdiction CN --title 极光 --filed 2026-01-20 --registered 2026-10-20 --product aurora --pct
expect_status 0 "ip add trademark with every optional flag"
run "$MOAT" "${W[@]}" ip list --json
expect_status 0 "ip list"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "ip list --json"
import json, sys
rights = {r["id"]: r for r in json.load(open(sys.argv[1]))}
assert set(rights) == {"IP1", "IP2", "IP3", "IP4"}, rights
assert rights["IP1"]["kind"] == "design" and rights["IP1"]["filed"] == "2025-08-15", rights["IP1"]
assert rights["IP4"]["mark"] == "极光" and rights["IP4"]["script"] == "chinese", rights["IP4"]
assert rights["IP1"]["owner"] == "Aurora Audio Inc." and rights["IP1"]["products"] == ["aurora"], rights["IP1"]
PY

run "$MOAT" "${W[@]}" ip deadlines --as-of 2026-01-15 --json
expect_status 0 "ip deadlines --json"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "ip deadlines --json before the due dates"
import json, sys
deadlines = json.load(open(sys.argv[1]))
assert isinstance(deadlines, list) and deadlines, deadlines
for d in deadlines:
    assert {"right", "rule", "due", "action", "source"} <= set(d), d
    assert d["action"] and d["source"], d
by = {(d["right"], d["rule"]): d for d in deadlines}
assert by[("IP1", "paris-priority-cn-design")]["due"] == "2026-02-24", by[("IP1", "paris-priority-cn-design")]
assert by[("IP2", "paris-priority-cn-design")]["due"] == "2026-02-28", by[("IP2", "paris-priority-cn-design")]
assert by[("IP3", "paris-priority-cn-patent")]["due"] == "2026-04-01", by[("IP3", "paris-priority-cn-patent")]
assert not any(d.get("missed") for d in deadlines), deadlines
PY
run "$MOAT" "${W[@]}" ip deadlines --as-of 2026-05-01 --json
expect_status 0 "ip deadlines after the due dates"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "missed deadlines are not listed as missed"
import json, sys
by = {(d["right"], d["rule"]): d for d in json.load(open(sys.argv[1]))}
for key in [("IP1", "paris-priority-cn-design"), ("IP3", "paris-priority-cn-patent")]:
    assert key in by and by[key]["missed"] is True, (key, by.get(key))
PY
run "$MOAT" "${W[@]}" ip deadlines --as-of 2026-05-01
expect_status 0 "ip deadlines as text"
expect_stdout "MISSED"
run "$MOAT" "${W[@]}" ip deadlines --as-of 2026-01-15 --within 45 --json
expect_status 0 "ip deadlines --within"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "--within keeps only what is due within the window"
import json, sys
rights = sorted({d["right"] for d in json.load(open(sys.argv[1]))})
assert rights == ["IP1", "IP2"], rights   # 02-24 and 02-28 are within 45 days; 04-01 is not
PY

# The same deadlines as iCalendar, read back by a real parser.
run "$MOAT" "${W[@]}" ip deadlines --as-of 2026-01-15 --json
cp "$WORK/stdout" "$WORK/deadlines.json"
run "$MOAT" "${W[@]}" ip calendar "$WORK/deadlines.ics" --as-of 2026-01-15
expect_status 0 "ip calendar"
CHECKS=$((CHECKS + 1))
"$SYSTEM_PYTHON" - "$WORK/deadlines.ics" "$WORK/deadlines.json" <<'PY' || fail "the .ics file does not import"
import json, sys
import icalendar
raw = open(sys.argv[1], "rb").read()
calendar = icalendar.Calendar.from_ical(raw)
events = [c for c in calendar.walk() if c.name == "VEVENT"]
deadlines = json.load(open(sys.argv[2]))
assert len(events) == len(deadlines) > 0, (len(events), len(deadlines))
due = sorted(str(e.decoded("DTSTART")) for e in events)
assert due == sorted(d["due"] for d in deadlines), due
assert all(str(e.get("UID")) for e in events)
assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines are not folded"
PY

# Bad input is located and exits 1.
run "$MOAT" "${W[@]}" ip add --kind patent --jurisdiction US --title X --filed 2025-01-01
expect_status 1 "an unknown kind of right"
expect_stderr "--kind"
run "$MOAT" "${W[@]}" ip add --kind design --jurisdiction US --title X --filed 2025-02-30
expect_status 1 "a date that does not exist"
expect_stderr "--filed"
run "$MOAT" "${W[@]}" ip add --kind design --jurisdiction usa --title X --filed 2025-02-03
expect_status 1 "a bad office code"
expect_stderr "--jurisdiction"
run "$MOAT" "${W[@]}" ip add --kind design --jurisdiction US --title X
expect_status 1 "ip add without --filed"
run "$MOAT" "${W[@]}" ip add --kind design --jurisdiction CN --title X --filed 2025-02-03 --product nope
expect_status 1 "an unknown product"
expect_stderr "nope"
run "$MOAT" "${W[@]}" ip deadlines --as-of 2026-13-01
expect_status 1 "a bad --as-of"
expect_stderr "--as-of"
run "$MOAT" "${W[@]}" ip deadlines --within soon
expect_status 1 "a bad --within"
expect_stderr "--within"

# A disclosure before any filing covering the secret raises a red flag.
run "$MOAT" "${W[@]}" ip disclose --kind trade-show --product aurora --date 2025-01-08 --secret S11 --note "CES booth"
expect_status 0 "ip disclose"
run "$MOAT" "${W[@]}" ip disclose --kind show --product aurora --date 2025-01-08
expect_status 1 "an unknown kind of disclosure"
run "$MOAT" "${W[@]}" flags --json
expect_status 0 "flags"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); assert any(x["rule"]=="disclosure-before-filing" and x["subject"]=="disclosure/D1" for x in f), [x["rule"] for x in f]' "$WORK/stdout" \
  || fail "the disclosure before filing raised no flag"

# ---- Agreements and purchase orders ------------------------------------------------------------

run "$MOAT" "${W[@]}" agreement add --kind nnn --supplier F04 --law HK --language en --language zh --controlling en \
  --court "High Court of Hong Kong" --court-country HK --damages 1000000 --currency CNY --clause non-use \
  --clause non-circumvention --signed-by 陈志明 --legal-rep --chop --effective 2026-01-01 --expires 2028-12-31 --product aurora
expect_status 0 "agreement add (Hong Kong law)"
run "$MOAT" "${W[@]}" agreement add --kind nnn --supplier F06 --law CN --language zh --controlling zh \
  --court 深圳市中级人民法院 --court-division 440300 --damages 1000000 --currency CNY --clause non-use \
  --clause non-circumvention --clause subcontractor-flow-down --clause related-companies-liability \
  --clause improvements-ownership --legal-rep --chop --effective 2026-01-01 --expires 2028-12-31 --product aurora --json
expect_status 0 "agreement add (for a Chinese court)"
run "$MOAT" "${W[@]}" agreement check --as-of 2026-06-01 --json
expect_status 3 "agreement check with a failing agreement (F04's Hong Kong NNN)"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "agreement check --json"
import json, sys
by = {a["supplier"]: a for a in json.load(open(sys.argv[1]))}
hk, cn = by["F04"], by["F06"]
failed = {c["id"] for c in hk["checks"] if not c["passed"]}
assert not hk["passes"] and {"prc-governing-law", "chinese-text-controls", "prc-court-jurisdiction"} <= failed, failed
assert all(c["fix"] for c in hk["checks"] if not c["passed"]), hk
assert cn["passes"], [c for c in cn["checks"] if not c["passed"]]
PY
passing=$(python3 -c 'import json,sys; print(next(a["id"] for a in json.load(open(sys.argv[1])) if a["passes"]))' "$WORK/stdout")
run "$MOAT" "${W[@]}" agreement check "$passing" --as-of 2026-06-01
expect_status 0 "agreement check of an agreement that passes"
run "$MOAT" "${W[@]}" agreement list
expect_status 0 "agreement list"
expect_stdout "prc-governing-law"
run "$MOAT" "${W[@]}" agreement add --kind contract --supplier F04
expect_status 1 "an unknown kind of agreement"
expect_stderr "--kind"
run "$MOAT" "${W[@]}" agreement add --kind nnn --supplier F99
expect_status 1 "an unknown supplier"
expect_stderr "F99"
run "$MOAT" "${W[@]}" agreement add --kind nnn --supplier F04 --clause non-compete
expect_status 1 "an unknown clause"
expect_stderr "--clause"
run "$MOAT" "${W[@]}" agreement add --kind nnn --supplier F04 --effective 2026-05-01 --expires 2026-04-01
expect_status 1 "an expiry before the start"
expect_stderr "--expires"

run "$MOAT" "${W[@]}" po add PO-1 --supplier F06 --product aurora --quantity 1000 --issued 2026-02-01
expect_status 0 "po add"
run "$MOAT" "${W[@]}" po check --json
expect_status 0 "po check"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; [p]=json.load(open(sys.argv[1])); assert not p["ok"] and p["problems"], p' "$WORK/stdout" \
  || fail "a PO without an IP clause passes its check"
run "$MOAT" "${W[@]}" po terms PO-1 --ip-clause "Art. 12: designs stay Aurora's" --penalty 500000 --currency CNY
expect_status 0 "po terms"
run "$MOAT" "${W[@]}" po list --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; [p]=json.load(open(sys.argv[1])); assert p["ok"] and p["penalty"] == 500000 and p["currency"] == "CNY", p' "$WORK/stdout" \
  || fail "the PO's terms were not recorded"
# An amount without its currency is no sum a court can award; cents are shown, not rounded away.
run "$MOAT" "${W[@]}" po add PO-2 --supplier F06 --product aurora --quantity 5 --issued 2026-02-01 \
  --ip-clause "Art. 12" --penalty 600000
expect_status 0 "po add without a currency"
run "$MOAT" "${W[@]}" po add PO-3 --supplier F06 --product aurora --quantity 5 --issued 2026-02-01 \
  --ip-clause "Art. 12" --penalty 0.4 --currency CNY
expect_status 0 "po add of 0.4 CNY"
run "$MOAT" "${W[@]}" po list
CHECKS=$((CHECKS + 1))
grep -E '^PO-2 .*600000 .*liquidated damages without a currency' "$WORK/stdout" >/dev/null &&
  grep -E '^PO-3 .*0\.4 CNY +ok' "$WORK/stdout" >/dev/null || fail "po list: $(cat "$WORK/stdout")"
run "$MOAT" "${W[@]}" remove orders PO-2
expect_status 0 "remove PO-2"
run "$MOAT" "${W[@]}" remove orders PO-3
expect_status 0 "remove PO-3"
run "$MOAT" "${W[@]}" po terms PO-9 --penalty 1
expect_status 1 "terms of an unknown PO"
expect_stderr "PO-9"
run "$MOAT" "${W[@]}" po terms PO-1 --penalty lots
expect_status 1 "a penalty that is not a number"
expect_stderr "--penalty"
run "$MOAT" "${W[@]}" audit verify
expect_status 0 "every change is in the ledger"

# ---- Edge cases of the deadline rules and the agreement checks -----------------------------------

db_flags
run "$MOAT" init "$WORK/e" --company "Aurora Audio Inc." "${DB_FLAGS[@]}"
expect_status 0 "init"
E=(-w "$WORK/e")
run "$MOAT" "${E[@]}" import "$A/products.csv" "$A/suppliers.csv"
expect_status 0 "import the product and the suppliers"
# A priority date on the filing date claims nothing (PCT Art. 2(xi)): the Paris deadline stands.
run "$MOAT" "${E[@]}" ip add --kind design --jurisdiction US --title Grille --filed 2025-09-10 --priority 2025-09-10 --id IPP
expect_status 0 "ip add with the priority on the filing date"
# A WO application is a PCT application, --pct or not: 30 and 32 months, no Paris year.
run "$MOAT" "${E[@]}" ip add --kind invention --jurisdiction WO --title Waveguide --filed 2025-03-15 --id IPW
expect_status 0 "ip add a PCT application without --pct"
# A renewal can be filed only within the 12 months before the term ends or the 6-month grace
# after it: one recorded nine years early discharges neither.
run "$MOAT" "${E[@]}" ip add --kind trademark --jurisdiction CN --title AURORA --filed 2010-05-01 --registered 2012-03-15 --id IPT
expect_status 0 "ip add a registered trademark"
run "$MOAT" "${E[@]}" ip event IPT renewed --date 2012-04-01
expect_status 0 "a renewal before its window"
run "$MOAT" "${E[@]}" ip deadlines --as-of 2023-06-01 --json
expect_status 0 "ip deadlines of the edge cases"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the deadlines of the edge cases"
import json, sys
by = {(d["right"], d["rule"]): d for d in json.load(open(sys.argv[1]))}
assert by[("IPP", "paris-priority-cn-design")]["due"] == "2026-03-10", sorted(by)
assert by[("IPW", "pct-cn-national-phase")]["nominal"] == "2027-09-15", sorted(by)
assert ("IPW", "pct-cn-national-phase-late") in by and ("IPW", "paris-priority-cn-patent") not in by, sorted(by)
renewal, grace = by[("IPT", "cn-trademark-renewal")], by[("IPT", "cn-trademark-renewal-grace")]
assert renewal["missed"] and renewal["nominal"] == "2022-03-14" and grace["missed"], (renewal, grace)
PY
# A renewal inside the window still discharges it.
run "$MOAT" "${E[@]}" ip event IPT renewed --date 2021-06-01
expect_status 0 "a renewal inside its window"
run "$MOAT" "${E[@]}" ip deadlines --as-of 2023-06-01 --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; d=[x for x in json.load(open(sys.argv[1])) if x["right"]=="IPT"]; assert not any(x["missed"] for x in d) and d[0]["nominal"]=="2032-03-14", d' \
  "$WORK/stdout" || fail "a renewal inside its window"

nnn=(agreement add --kind nnn --supplier F06 --law CN --language zh --controlling zh --court 深圳市中级人民法院
     --court-division 440300 --currency CNY --clause non-use --clause non-circumvention
     --clause subcontractor-flow-down --clause related-companies-liability --legal-rep --chop
     --effective 2026-01-01 --product aurora)
# Damages just below the minimum are below it, however they round.
run "$MOAT" "${E[@]}" "${nnn[@]}" --damages 499999.50 --id AGL
expect_status 0 "agreement add with damages just below the minimum"
run "$MOAT" "${E[@]}" agreement check AGL --as-of 2026-06-01 --json
expect_status 3 "damages just below the minimum fail"
expect_stdout "499999 CNY is below the policy minimum of 500000 CNY"
for amount in inf nan 1e6 0x7A120 " 500000" -1; do
  run "$MOAT" "${E[@]}" "${nnn[@]}" --damages "$amount"
  expect_status 1 "damages of '$amount'"
  expect_stderr "--damages"
  run "$MOAT" "${E[@]}" po add "PO-X" --supplier F06 --product aurora --quantity 5 --ip-clause x --penalty "$amount" --currency CNY
  expect_status 1 "a penalty of '$amount'"
  expect_stderr "--penalty"
done
# Chinese is Chinese in any language tag; the law is a country code.
run "$MOAT" "${E[@]}" "${nnn[@]:0:8}" --language zh-CN --controlling ZH "${nnn[@]:12}" --damages 600000 --id AGZ
expect_status 0 "agreement add with zh-CN and ZH"
run "$MOAT" "${E[@]}" agreement check AGZ --as-of 2026-06-01
expect_status 0 "a Chinese text controlling, tagged zh-CN"
for law in cn PRC 中国; do
  run "$MOAT" "${E[@]}" agreement add --kind nnn --supplier F06 --law "$law"
  expect_status 1 "a governing law of '$law'"
  expect_stderr "--law"
done
run "$MOAT" "${E[@]}" agreement add --kind nnn --supplier F06 --language en --controlling zh
expect_status 1 "a controlling language that is not one of the texts"
expect_stderr "--controlling"
# agreements.csv is held to what the command line refuses.
printf 'id,kind,supplier,governing_law,languages,controlling_language,effective,expires\nAGI,nnn,F06,cn,zh,en,2026-05-01,2026-04-01\n' \
  >"$WORK/agreements.csv"
run "$MOAT" "${E[@]}" import "$WORK/agreements.csv"
expect_status 1 "an agreements.csv row the command line refuses"
expect_stderr "agreements.csv:2:"
expect_stderr "before it takes effect"
expect_stderr "not a two-letter country code"
expect_stderr "not one of the agreement's languages"

# --json prints JSON on every recording command.
run "$MOAT" "${E[@]}" ip event IPP filed-in-cn --date 2026-03-01 --json
expect_status 0 "ip event --json"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == {"right": "IPP", "event": "filed-in-cn", "date": "2026-03-01"}' \
  "$WORK/stdout" || fail "ip event --json"
run "$MOAT" "${E[@]}" po add PO-J --supplier F06 --product aurora --quantity 5 --issued 2026-02-01 --json
expect_status 0 "po add --json"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == {"order": "PO-J"}' "$WORK/stdout" || fail "po add --json"
run "$MOAT" "${E[@]}" po terms PO-J --ip-clause "Art. 12" --penalty 500000 --currency CNY --json
expect_status 0 "po terms --json"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == {"order": "PO-J"}' "$WORK/stdout" || fail "po terms --json"
run "$MOAT" "${E[@]}" ip calendar "$WORK/e.ics" --json
expect_status 0 "ip calendar --json"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["file"].endswith("e.ics")' "$WORK/stdout" || fail "ip calendar --json"

# ---- The demo: a no-go launch and a go release -------------------------------------------------

db_flags
run "$MOAT" demo "$WORK/aurora" "${DB_FLAGS[@]}"
expect_status 0 "demo"
expect_stdout "Production launch of aurora: NO-GO"
expect_stdout "prc-governing-law"
expect_stdout "Release of WP07 to F06: GO"
D=(-w "$WORK/aurora")
TODAY=$(date -u +%F)

run "$MOAT" "${D[@]}" gate --product aurora --json
expect_status 3 "gate (launch) exits 3 for a no-go"
cp "$WORK/stdout" "$WORK/launch.json"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/launch.json" <<'PY' || fail "the launch verdict"
import json, sys
v = json.load(open(sys.argv[1]))
assert set(v) == {"verdict", "checks"} and v["verdict"] == "no-go", v.keys()
for c in v["checks"]:
    keys = {"id", "subject", "status", "reason", "fix"}
    if c["id"] == "nnn" and c["status"] != "pass" and "missing_clauses" in c:
        keys.add("missing_clauses")  # the required clauses the fix asks to add, per agreement
        for m in c["missing_clauses"]:
            assert set(m) == {"agreement", "supplier", "clauses"} and m["clauses"], m
            assert all(clause in c["fix"] for clause in m["clauses"]), c
    assert set(c) == keys, c
    assert c["status"] in ("pass", "fail", "waived"), c
    assert (c["fix"] == "") == (c["status"] == "pass"), c
fails = {(c["id"], c["subject"]): c for c in v["checks"] if c["status"] == "fail"}
nnn = fails[("nnn", "supplier/F04")]
assert "prc-governing-law" in nnn["reason"] and "chinese-text-controls" in nnn["reason"], nnn
assert "critical" in fails[("recent-audit", "supplier/F04")]["reason"], fails[("recent-audit", "supplier/F04")]
assert "unaccounted-units" in fails[("red-flags", "supplier/F04")]["reason"], fails[("red-flags", "supplier/F04")]
assert ("ip-filed", "secret/S11") in fails and ("priority-deadline", "secret/S11") in fails, sorted(fails)
assert "深圳市声韵电声科技有限公司" in fails[("ip-filed", "secret/S02")]["reason"], fails[("ip-filed", "secret/S02")]
PY

# The supplier the approved plan gives the ring PCBA (WP07): its paperwork is complete.
run "$MOAT" "${D[@]}" list plans --json
supplier=$(python3 - "$WORK/stdout" <<'PY'
import json, sys
for plan in json.load(open(sys.argv[1])):
    if plan["state"] == "approved":
        body = plan["plan"] if isinstance(plan["plan"], dict) else json.loads(plan["plan"])
        print(next(a["supplier"] for a in body["assignments"] if a["package"] == "WP07"))
PY
)
run "$MOAT" "${D[@]}" gate --product aurora --supplier "$supplier" --package WP07 --json
expect_status 0 "gate (release) exits 0 for a go"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the release of WP07 is not a go"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["verdict"] == "go", [c for c in v["checks"] if c["status"] != "pass"]
ids = {c["id"] for c in v["checks"]}
assert {"supplier-qualified", "nnn", "po-ip-clause", "plan-assignment", "red-flags"} <= ids, ids
PY

# A waiver turns a fail into waived; once expired, the check fails again and says why.
UNTIL=$(date -u -d "+30 days" +%F)
AFTER=$(date -u -d "+31 days" +%F)
run "$MOAT" "${D[@]}" waive nnn supplier/F04 --role "IP counsel" --reason "PRC-law amendment signed, awaiting the chop" --expires "$UNTIL"
expect_status 0 "waive"
run "$MOAT" "${D[@]}" gate --product aurora --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the waiver did not apply"
import json, sys
c = next(c for c in json.load(open(sys.argv[1]))["checks"] if c["id"] == "nnn" and c["subject"] == "supplier/F04")
assert c["status"] == "waived" and "IP counsel" in c["reason"], c
PY
run "$MOAT" "${D[@]}" gate --product aurora --json --as-of "$AFTER"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the expired waiver still applies"
import json, sys
c = next(c for c in json.load(open(sys.argv[1]))["checks"] if c["id"] == "nnn" and c["subject"] == "supplier/F04")
assert c["status"] == "fail" and "expired on" in c["reason"], c
PY
run "$MOAT" "${D[@]}" waive --check nnn --subject supplier/F04 --role "IP counsel" --reason "   " --expires "$UNTIL"
expect_status 1 "a waiver without a reason"
expect_stderr "--reason"
run "$MOAT" "${D[@]}" waive no-such-check supplier/F04 --role "IP counsel" --reason "x" --expires "$UNTIL"
expect_status 1 "a waiver of an unknown check"
expect_stderr "--check"
run "$MOAT" "${D[@]}" waive nnn supplier/F04 --role "IP counsel" --reason "x"
expect_status 1 "a waiver without an expiry"
run "$MOAT" "${D[@]}" waive nnn supplier/F04 --role "IP counsel" --reason "x" --granted "$TODAY" --expires 2020-01-01
expect_status 1 "a waiver expiring before it is granted"
expect_stderr "--expires"
# A subject the gate never names would be a waiver that never applies.
for subject in supplier/F99 "supplier/F04 " secret/S99 supplier/F04/package/WP99 vendor/F04; do
  run "$MOAT" "${D[@]}" waive nnn "$subject" --role "IP counsel" --reason "x" --expires "$UNTIL"
  expect_status 1 "a waiver for the subject '$subject'"
  expect_stderr "--subject"
done
run "$MOAT" "${D[@]}" waive plan-assignment supplier/F06/package/WP07 --role "IP counsel" --reason "x" --expires "$UNTIL" --product aurora
expect_status 0 "a waiver for a supplier and a package"
run "$MOAT" "${D[@]}" list waivers --json
expect_status 0 "waivers are records"
expect_stdout "PRC-law amendment"

# A supplier's name that turns text (a right-to-left override) is quoted by the gate's reasons
# escaped, as tables show it: the rest of the line is not reversed on the terminal.
run "$MOAT" "${D[@]}" set suppliers F06 name="$(printf 'Xinkeda \u202eCN deifilauq')"
expect_status 0 "a supplier's name holding a right-to-left override"
run "$MOAT" "${D[@]}" gate --product aurora --supplier F06 --package WP07
expect_stdout 'Xinkeda \u{202E}CN deifilauq (F06)' "the gate quotes the name escaped"
CHECKS=$((CHECKS + 1))
! grep -q "$(printf '\u202e')" "$WORK/stdout" || fail "the gate printed a raw right-to-left override"

# Bad gate input is located.
run "$MOAT" "${D[@]}" gate --product nope
expect_status 1 "an unknown product"
expect_stderr "--product"
run "$MOAT" "${D[@]}" gate --product aurora --supplier F06
expect_status 1 "a release without a package"
expect_stderr "--package"
run "$MOAT" "${D[@]}" gate --product aurora --supplier F06 --package WP99
expect_status 1 "an unknown package"
expect_stderr "WP99"
run "$MOAT" "${D[@]}" gate --product aurora --as-of yesterday
expect_status 1 "a bad --as-of"
expect_stderr "--as-of"

# The demo's paperwork gaps are red flags too.
run "$MOAT" "${D[@]}" flags --json
expect_status 0 "flags"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the demo's legal red flags"
import json, sys
flags = json.load(open(sys.argv[1]))
seen = {(f["rule"], f["subject"]) for f in flags}
for expected in [("agreement-quality", "agreement/AG01"), ("agreement-expiring", "agreement/AG04"),
                 ("ip-owned-by-other", "ip/IP04"), ("disclosure-before-filing", "disclosure/D1")]:
    assert expected in seen, (expected, sorted(seen))
assert any(r == "agreement-missing" for r, _ in seen), sorted(seen)
PY
# An invention made in China and filed abroad without CNIPA's confidentiality examination gets no
# Chinese patent: the Paris deadline still open says so, and the gate fails for what it covers.
run "$MOAT" "${D[@]}" ip add --kind invention --jurisdiction US --title "chamber v2" --filed 2026-03-10 \
  --made-in-china --product aurora --secret S02 --id IPX
expect_status 0 "ip add, made in China"
run "$MOAT" "${D[@]}" ip deadlines --as-of 2026-03-20 --json
expect_status 0 "deadlines after a filing abroad without the examination"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the Paris deadline does not say the examination was missed"
import json, sys
mine = {d["rule"]: d for d in json.load(open(sys.argv[1])) if d["right"] == "IPX"}
assert mine["cn-confidentiality-exam"]["missed"], mine
paris = mine["paris-priority-cn-patent"]
assert not paris["missed"] and "China grants no patent for this invention" in paris["note"], paris
PY
run "$MOAT" "${D[@]}" gate --product aurora --as-of 2026-03-20 --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the gate passes a secret whose Chinese patent is lost"
import json, sys
checks = [c for c in json.load(open(sys.argv[1]))["checks"] if c["id"] == "priority-deadline" and c["subject"] == "secret/S02"]
assert checks and checks[0]["status"] == "fail", checks
assert "without CNIPA's confidentiality examination" in checks[0]["reason"], checks[0]
PY

run "$MOAT" "${D[@]}" audit verify
expect_status 0 "audit verify"

finish

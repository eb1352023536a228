#!/usr/bin/env bash
# Who acts at the terminal. Without accounts, $MOAT_ACTOR names the actor. Once the workspace has
# accounts, the command line acts as a signed-in user (an API token, or the login mapped to an
# account; else the workspace's owner, as its administrator), the roles apply as in the API, the
# four-eyes rule reads the authenticated identity, and the ledger says how each actor was known.
# User names are ASCII; a name in Chinese characters is the display name beside one.
source "$(dirname "$0")/lib.sh"

db_flags
run "$MOAT" demo "$WORK/ws" "${DB_FLAGS[@]}"
expect_status 0 "demo"
W=(-w "$WORK/ws")
waive=(waive --check owner-visit --subject supplier/F04 --product aurora --role "Head of sourcing"
       --reason "visit booked for next week" --expires 2099-01-31)

# ---- A workspace without accounts: the actor is whoever MOAT_ACTOR names ----------------------
run env MOAT_ACTOR=alice "$MOAT" "${W[@]}" "${waive[@]}"
expect_status 0 "a waiver without accounts"

# ---- Accounts: tokens, roles, and the ledger ---------------------------------------------------
for user in ada:admin sam:sourcing lee:legal vic:viewer; do
  printf 'correct-horse-battery\n' | "$MOAT" "${W[@]}" user add "${user%%:*}" --role "${user##*:}" >/dev/null ||
    fail "user add $user"
done
sam=$("$MOAT" "${W[@]}" token create sam 2>/dev/null)
lee=$("$MOAT" "${W[@]}" token create lee 2>/dev/null)
ada=$("$MOAT" "${W[@]}" token create ada 2>/dev/null)
vic=$("$MOAT" "${W[@]}" token create vic 2>/dev/null)
[ -n "$sam" ] && [ -n "$lee" ] && [ -n "$ada" ] && [ -n "$vic" ] || fail "tokens were not made"
# Names that differ only in case would pass for each other in the ledger: one of them is refused.
run sh -c "printf 'correct-horse-battery\n' | \"\$0\" \"\$@\"" "$MOAT" "${W[@]}" user add ADA --role viewer
expect_status 1 "a user named as another but for case"
expect_stderr "a user named 'ada' exists already"
# A user name is ASCII, what is typed to sign in and what the ledger names; a name in Chinese
# characters is the display name beside it (`user list`, the dashboard's header), never signed in
# with. The refusal of a Chinese user name says where such a name goes; a display name that turns
# text around (a bidi override) is refused.
run sh -c "printf 'correct-horse-battery\n' | \"\$0\" \"\$@\"" "$MOAT" "${W[@]}" user add 王小明 --role viewer
expect_status 1 "a user name in Chinese characters"
expect_stderr "ASCII letters" "a user name in Chinese characters"
expect_stderr "--display-name" "a user name in Chinese characters"
run sh -c "printf 'correct-horse-battery\n' | \"\$0\" \"\$@\"" "$MOAT" "${W[@]}" user add wang.xm --role viewer \
  --display-name "$(printf 'ada\u202e')"
expect_status 1 "a display name with a bidi override"
expect_stderr "--display-name: holds a control or invisible character (U+202E)" "a display name with a bidi override"
run sh -c "printf 'correct-horse-battery\n' | \"\$0\" \"\$@\"" "$MOAT" "${W[@]}" user add wang.xm --role viewer \
  --display-name 王小明
expect_status 0 "a user with a display name in Chinese characters"
expect_stdout "Added user wang.xm (王小明, viewer)" "a user with a display name in Chinese characters"
run "$MOAT" "${W[@]}" user list
expect_stdout "王小明" "user list shows the display name"
run "$MOAT" "${W[@]}" user list --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json, sys; u = {x["name"]: x for x in json.load(open(sys.argv[1]))}; assert u["wang.xm"]["display_name"] == "王小明" and u["ada"]["display_name"] is None, u' \
  "$WORK/stdout" || fail "user list --json lacks the display name"

run "$MOAT" "${W[@]}" "${waive[@]}" --token "$sam"
expect_status 1 "a sourcing user waives a gate check"
expect_stderr "admin, legal" "the refusal names who may"
run env MOAT_TOKEN="$lee" "$MOAT" "${W[@]}" "${waive[@]}"
expect_status 0 "legal waives a gate check"
run "$MOAT" "${W[@]}" "${waive[@]}" --token moat_not-a-token
expect_status 1 "a token that is not one"
expect_stderr "not valid"
run "$MOAT" "${W[@]}" list suppliers --token "$vic"
expect_status 0 "a viewer reads"
run "$MOAT" "${W[@]}" flags resolve FL1 --reason "seen" --token "$vic"
expect_status 1 "a viewer resolves a flag"
# The ledger's events are for admin, legal and oversight, as GET /api/audit/log; its verification
# for every staff role, as GET /api/audit/verify.
for token in "$vic" "$sam"; do
  run "$MOAT" "${W[@]}" --token "$token" audit log --limit 3
  expect_status 1 "a viewer or sourcing user lists the ledger's events"
  expect_stderr "read the ledger's events (admin, legal, oversight)"
  run "$MOAT" "${W[@]}" --token "$token" audit export "$WORK/bundle-refused"
  expect_status 1 "a viewer or sourcing user exports the ledger's events"
  CHECKS=$((CHECKS + 1))
  [ ! -e "$WORK/bundle-refused" ] || fail "a refused export wrote $WORK/bundle-refused"
done
run "$MOAT" "${W[@]}" --token "$vic" audit verify
expect_status 0 "a viewer verifies the ledger"

# A supplier user answers the findings of visits to its own supplier only, as the API's own-visit
# scope: another supplier's finding is answered as one that does not exist, and recorded.
printf 'correct-horse-battery\n' | "$MOAT" "${W[@]}" user add xinkeda --role supplier --supplier F06 >/dev/null ||
  fail "user add xinkeda"
printf 'correct-horse-battery\n' | "$MOAT" "${W[@]}" user add shengda --role supplier --supplier F04 >/dev/null ||
  fail "user add shengda"
xinkeda=$("$MOAT" "${W[@]}" token create xinkeda 2>/dev/null)
shengda=$("$MOAT" "${W[@]}" token create shengda 2>/dev/null)
run "$MOAT" "${W[@]}" --token "$xinkeda" finding answer V6 F1 --answer "not ours to answer"
expect_status 1 "a supplier user answers another supplier's finding"
expect_stderr "findings/V6/F1: no such finding"
run "$MOAT" "${W[@]}" --token "$xinkeda" finding answer V99 F1 --answer "not there"
expect_status 1 "a supplier user answers a finding that does not exist"
expect_stderr "findings/V99/F1: no such finding"
run "$MOAT" "${W[@]}" show findings V6/F1
CHECKS=$((CHECKS + 1))
grep -q "not ours to answer" "$WORK/stdout" && fail "another supplier's user answered F04's finding"
run "$MOAT" "${W[@]}" --token "$shengda" finding answer V6 F1 --answer "   "
expect_status 1 "a blank answer"
expect_stderr "the answer is empty"
run "$MOAT" "${W[@]}" --token "$shengda" finding answer V6 F1 --answer "Shot counter logged every shift"
expect_status 0 "a supplier user answers its own supplier's finding"
run "$MOAT" "${W[@]}" audit log --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the refused answers are not in the ledger"
import json, sys
denied = [e for e in json.load(open(sys.argv[1])) if e["action"] == "denied" and e["actor"].startswith("xinkeda (token ")]
assert [e["key"] for e in denied] == ["moat finding answer V6 F1", "moat finding answer V99 F1"], denied
assert all(e["after"]["reason"] == "not the supplier's visit" for e in denied), denied
PY
run "$MOAT" "${W[@]}" --token "$lee" audit log --limit 3 --json
expect_status 0 "legal lists the ledger's events"
# MOAT_ACTOR names nobody once there are accounts: the owner of the workspace's files acts.
run env MOAT_ACTOR=mallory "$MOAT" "${W[@]}" "${waive[@]}"
expect_status 0 "the workspace's owner waives"
expect_stderr "MOAT_ACTOR is ignored"

# The four-eyes rule on assessments reads the signed-in user, not a name anyone can set.
scores=()
for c in $("$MOAT" "${W[@]}" supplier criteria --json | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)["criteria"]))'); do
  scores+=(--score "$c=4")
done
run "$MOAT" "${W[@]}" supplier assess F18 "${scores[@]}" --json --token "$sam"
expect_status 0 "sam assesses F18"
assessment=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["assessment"])' "$WORK/stdout")
run env MOAT_ACTOR=bob "$MOAT" "${W[@]}" supplier approve F18 "$assessment" --token "$sam"
expect_status 1 "sam approves his own assessment, whatever MOAT_ACTOR says"
expect_stderr "cannot approve their own assessment"
run "$MOAT" "${W[@]}" supplier approve F18 "$assessment" --token "$ada"
expect_status 0 "another user approves"

# Nor does an edit write what only an approval writes: F16's approved assessment rejected it.
run "$MOAT" "${W[@]}" --token "$sam" set suppliers F16 status=qualified qualified_until=2030-01-01 \
  tier="low risk" max_exposure_share=0.5
expect_status 1 "sam qualifies F16 by hand"
expect_stderr "status is written by the approval of an assessment"
expect_stderr "moat supplier approve"
run "$MOAT" "${W[@]}" --token "$sam" supplier status
expect_status 0 "supplier status"
CHECKS=$((CHECKS + 1))
grep -E '^F16 .*rejected' "$WORK/stdout" >/dev/null || fail "F16 is no longer rejected: $(grep F16 "$WORK/stdout")"

run "$MOAT" "${W[@]}" audit log --json
expect_status 0 "audit log"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" "$(id -un)" <<'PY' || fail "the ledger does not say how each actor was established"
import json, re, sys
events, login = json.load(open(sys.argv[1])), sys.argv[2]
waivers = [e["actor"] for e in events if e["entity"] == "waivers" and e["action"] == "put"][-3:]  # after the demo's
assert waivers[0] == "alice", waivers
assert re.fullmatch(r"lee \(token [0-9a-f]{12}\)", waivers[1]), waivers
assert waivers[2] == login + " (workspace owner)", waivers
assert not any("mallory" in e["actor"] or e["actor"].startswith("sam") for e in events if e["entity"] == "waivers"), waivers
approvals = [e for e in events if e["entity"] == "assessments" and (e["after"] or {}).get("approver") == "ada"]
assert approvals and approvals[-1]["actor"].startswith("ada (token "), approvals
PY

# Only admin and legal waive, through the generic commands too: a waiver imported, edited or
# removed is a waiver granted.
# The demo dates its waivers from today, so W1 is compared with itself before the attempts.
run "$MOAT" "${W[@]}" list waivers --json
expect_status 0 "list waivers"
cp "$WORK/stdout" "$WORK/waivers-before.json"
printf 'id,check,subject,product,role,reason,by,granted,expires\nWX,nnn,supplier/F04,aurora,IP counsel,forged,someone-else,2026-12-01,2099-12-31\n' \
  >"$WORK/waivers.csv"
run "$MOAT" "${W[@]}" import "$WORK/waivers.csv" --token "$sam"
expect_status 1 "a sourcing user imports a waiver"
expect_stderr "needs the right to waive gate checks (admin, legal)"
run "$MOAT" "${W[@]}" set waivers W1 expires=2099-12-31 --token "$sam"
expect_status 1 "a sourcing user extends a waiver"
expect_stderr "admin, legal"
run "$MOAT" "${W[@]}" remove waivers W1 --token "$sam"
expect_status 1 "a sourcing user removes a waiver"
run "$MOAT" "${W[@]}" list waivers --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; w, before = ({x["id"]: x for x in json.load(open(f))} for f in sys.argv[1:3]); assert "WX" not in w and w["W1"] == before["W1"], w' \
  "$WORK/stdout" "$WORK/waivers-before.json" || fail "a refused import, set or remove changed the waivers"

# The watch's evidence is its own commands' to write: a hit's decider, a photo's capture, a
# complaint's dates are not a generic edit's.
run "$MOAT" "${W[@]}" set hits H1 status=dismissed decided_by=boss "decision_reason=boss says no" --token "$sam"
expect_status 1 "a sourcing user rewrites a hit's decision"
expect_stderr "needs the right to administer"
run "$MOAT" "${W[@]}" set complaints C1 status=removed removed_on=2020-01-01 --token "$sam"
expect_status 1 "a sourcing user rewrites a complaint's dates"
run "$MOAT" "${W[@]}" watch hits --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; h=[x for x in json.load(open(sys.argv[1])) if x["id"] == "H1"][0]; assert h.get("decided_by") != "boss", h' \
  "$WORK/stdout" || fail "a refused set changed hit H1"
run "$MOAT" "${W[@]}" set waivers W1 reason="line-setup data only" --token "$ada"
expect_status 0 "an admin edits a waiver"
# With accounts the grantor is who signs in, as POST /api/waivers records the caller.
run "$MOAT" "${W[@]}" "${waive[@]}" --by "The CEO" --token "$lee"
expect_status 1 "legal records a waiver as granted by someone else"
expect_stderr "--by"
run "$MOAT" "${W[@]}" "${waive[@]}" --by lee --token "$lee"
expect_status 0 "legal names itself as the grantor"

# The generic edits (import, set, remove) write records of any kind, so each kind they change needs
# the right of the command that writes it: a sourcing user, refused by moat waive and moat finding
# close, imports no waiver and closes no finding with them. What only its own command writes (an
# assessment, a flag's decision, a release and its copies) needs an administrator. An import that
# changes nothing passes.
run "$MOAT" "${W[@]}" --token "$sam" export "$WORK/all.json"
expect_status 0 "sam exports the workspace"
run "$MOAT" "${W[@]}" --token "$sam" import "$WORK/all.json"
expect_status 0 "sam imports the workspace unchanged"
mkdir -p "$WORK/forged"
python3 - "$WORK/all.json" "$WORK/forged" <<'PY'
import copy, json, sys
d, out = json.load(open(sys.argv[1])), sys.argv[2]
def doc(name, **sections):
    json.dump({"format": "moat-workspace", "version": 1, **sections}, open(f"{out}/{name}", "w"))
waiver = dict(d["waivers"][0], id="W90", by="ada", subject="supplier/F05", check="recent-audit")
doc("waiver.json", waivers=[waiver])
scores = [dict(s, supplier="F18", assessment="A90") for s in d["scores"] if (s["supplier"], s["assessment"]) == ("F01", "A1")]
assessment = dict(d["assessments"][0], supplier="F18", id="A90", assessor="ada", approver=None, approved_at=None)
doc("assessment.json", assessments=[assessment], scores=scores)
flag = dict(next(f for f in d["flags"] if f["state"] == "open"), state="resolved", resolution="manual",
            reason="fine", updated_by="ada", updated_at="2026-12-01T10:00:00.000Z")
doc("flag.json", flags=[flag])
master = d["files"][0]
release = dict(d["releases"][0], id="R90", supplier="F04", files=[master["id"]], recipients=["P06"])
copy_ = dict(d["copies"][0], id="C90", release="R90", file=master["id"], recipient="P06", blob=master["blob"],
             copy_hash=master["sha256"], name=master["name"], revision=master["revision"])
doc("release.json", releases=[release], copies=[copy_])
open(f"{out}/waivers.csv", "w").write(
    "id,check,subject,product,role,reason,by,granted,expires\n"
    "W91,recent-audit,supplier/F05,aurora,Head,csv,ada,2026-12-01,2099-06-01\n")
finding = next(f for f in d["findings"] if f["state"] == "open")
open(f"{out}/findings.csv", "w").write(
    f"visit,id,severity,description,state,closed_on,closed_by\n"
    f"{finding['visit']},{finding['id']},{finding['severity']},x,closed,2099-01-01,ada\n")
open(f"{out}/finding-key", "w").write(f"{finding['visit']}/{finding['id']}")
PY
for file in waiver.json assessment.json flag.json release.json waivers.csv findings.csv; do
  run "$MOAT" "${W[@]}" --token "$sam" import "$WORK/forged/$file"
  expect_status 1 "sam imports $file"
  expect_stderr "needs the right to"
done
run "$MOAT" "${W[@]}" --token "$sam" set findings "$(cat "$WORK/forged/finding-key")" state=closed
expect_status 1 "sam closes a finding with moat set"
expect_stderr "editing findings needs the right to record what is seen on site (admin, oversight)"
run "$MOAT" "${W[@]}" --token "$sam" remove waivers W1
expect_status 1 "sam removes a waiver"
expect_stderr "removing waivers needs the right to waive gate checks (admin, legal): sam is sourcing"
run "$MOAT" "${W[@]}" --token "$ada" import "$WORK/forged/waiver.json"
expect_status 0 "an administrator imports a waiver"
run "$MOAT" "${W[@]}" --token "$ada" audit log --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); assert any(x["action"]=="denied" and x["actor"].startswith("sam") and "waivers" in json.dumps(x) for x in e), "no denial"' \
  "$WORK/stdout" || fail "a refused import or removal is not in the ledger"

# A supplier's `trusted` makes it an own facility, left out of the planner's collusion and exposure
# rules and gated as the company's own: changing it is the administrator's, by moat set and import
# alike (a new supplier given as trusted too), and each refusal is recorded. A value given
# unchanged passes, and a suppliers.csv without the column leaves it as it is.
run "$MOAT" "${W[@]}" --token "$sam" set suppliers F05 trusted=true
expect_status 1 "sam makes F05 trusted with moat set"
expect_stderr "trusted: editing the field trusted of suppliers needs the right to administer the workspace (admin): sam is sourcing"
python3 - "$WORK/all.json" "$WORK/forged" <<'PY'
import json, sys
d, out = json.load(open(sys.argv[1])), sys.argv[2]
f05 = dict(next(s for s in d["suppliers"] if s["id"] == "F05"), trusted=True)
json.dump({"format": "moat-workspace", "version": 1, "suppliers": [f05]}, open(f"{out}/trusted.json", "w"))
PY
mkdir -p "$WORK/trusted" "$WORK/untrusted" "$WORK/nocolumn"
printf 'id,legal_name,uscc,trusted\nF90,深圳市自有工厂有限公司,91440300MA5F0000X1,true\n' >"$WORK/trusted/suppliers.csv"
printf 'id,legal_name,uscc,trusted\nF90,深圳市自有工厂有限公司,91440300MA5F0000X1,false\n' >"$WORK/untrusted/suppliers.csv"
printf 'id,legal_name,uscc,capacity\nF90,深圳市自有工厂有限公司,91440300MA5F0000X1,5000\n' >"$WORK/nocolumn/suppliers.csv"
run "$MOAT" "${W[@]}" --token "$sam" import "$WORK/forged/trusted.json"
expect_status 1 "sam imports F05 as trusted"
expect_stderr "trusted.json#/suppliers/0/trusted: importing the field trusted of suppliers needs the right to administer"
run "$MOAT" "${W[@]}" --token "$sam" import "$WORK/trusted/suppliers.csv"
expect_status 1 "sam imports a new supplier as trusted"
expect_stderr "suppliers.csv:2:"
expect_stderr "(admin): sam is sourcing"
run "$MOAT" "${W[@]}" --token "$sam" import "$WORK/untrusted/suppliers.csv"
expect_status 0 "sam imports a new supplier, not trusted"
run "$MOAT" "${W[@]}" --token "$ada" set suppliers F90 trusted=true
expect_status 0 "an administrator makes F90 trusted"
run "$MOAT" "${W[@]}" --token "$sam" import "$WORK/nocolumn/suppliers.csv"
expect_status 0 "sam imports a suppliers.csv without the trusted column"
run "$MOAT" "${W[@]}" --token "$sam" set suppliers F90 trusted=true capacity=6000
expect_status 0 "sam gives trusted unchanged"
run "$MOAT" "${W[@]}" --token "$ada" audit log --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the refused changes of trusted are not in the ledger, or one went through"
import json, sys
events = json.load(open(sys.argv[1]))
denied = [e for e in events if e["action"] == "denied" and e["actor"].startswith("sam") and
          "field trusted" in e["after"]["reason"]]
assert [e["key"] for e in denied] == ["edit suppliers/F05", "import", "import"], denied
PY
run "$MOAT" "${W[@]}" list suppliers --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; t={s["id"]: s["trusted"] for s in json.load(open(sys.argv[1]))}; assert (t["F05"], t["F90"]) == (False, True), t' \
  "$WORK/stdout" || fail "trusted is not what the administrator set"

# A supplier's user answers the findings of visits to its own supplier, not another's: a finding
# of F06's audit does not exist for F04's user (as GET and POST /api/visits/... answer 404).
printf 'correct-horse-battery\n' | "$MOAT" "${W[@]}" user add hk --role supplier --supplier F04 >/dev/null ||
  fail "user add hk"
hk=$("$MOAT" "${W[@]}" token create hk 2>/dev/null)
other_visit=$("$MOAT" "${W[@]}" list visits --json | python3 -c 'import json,sys; print(next(v["id"] for v in json.load(sys.stdin) if v["supplier"] != "F04"))')
run "$MOAT" "${W[@]}" --token "$ada" finding add "$other_visit" --severity major --description "not F04's"
expect_status 0 "a finding on another supplier's visit"
run "$MOAT" "${W[@]}" --token "$hk" finding answer "$other_visit" F1 --answer "answered by F04"
expect_status 1 "F04's user answers another supplier's finding"
expect_stderr "no such finding"
own_visit=$("$MOAT" "${W[@]}" list visits --json | python3 -c 'import json,sys; print(next(v["id"] for v in json.load(sys.stdin) if v["supplier"] == "F04"))')
run "$MOAT" "${W[@]}" --token "$ada" finding add "$own_visit" --severity minor --description "F04's to answer" --json
own_finding=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["finding"])' "$WORK/stdout")
run "$MOAT" "${W[@]}" --token "$hk" finding answer "$own_visit" "$own_finding" --answer "fixed"
expect_status 0 "F04's user answers its own finding"

# A login mapped to an account acts as that account, with its role.
printf 'correct-horse-battery\n' | "$MOAT" "${W[@]}" user add me --role viewer --os-user "$(id -un)" >/dev/null ||
  fail "user add --os-user"
run "$MOAT" "${W[@]}" "${waive[@]}"
expect_status 1 "a login mapped to a viewer waives"
expect_stderr "me is viewer"
run "$MOAT" "${W[@]}" status
expect_status 0 "the mapped viewer reads"

# A disabled user's token is refused at the terminal as in the API; only an administrator disables.
printf 'correct-horse-battery\n' | "$MOAT" "${W[@]}" --token "$ada" user add leaver --role sourcing >/dev/null ||
  fail "user add leaver"
leaver=$("$MOAT" "${W[@]}" --token "$ada" token create leaver 2>/dev/null)
run "$MOAT" "${W[@]}" --token "$leaver" user disable vic
expect_status 1 "a sourcing user disables a user"
expect_stderr "administer the workspace (admin)"
# A display name is set on the same account by an administrator only, and "" removes it.
run "$MOAT" "${W[@]}" --token "$leaver" user set vic --display-name 魏维克
expect_status 1 "a sourcing user sets a display name"
expect_stderr "administer the workspace (admin)"
run "$MOAT" "${W[@]}" --token "$ada" user set vic --display-name 魏维克
expect_status 0 "an administrator sets a display name"
run "$MOAT" "${W[@]}" --token "$ada" user list --json
expect_stdout '"display_name": "魏维克"' "the display name set"
run "$MOAT" "${W[@]}" --token "$ada" user set vic --display-name ""
expect_status 0 "an administrator removes a display name"
run "$MOAT" "${W[@]}" --token "$ada" user list --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; u = next(u for u in json.load(open(sys.argv[1])) if u["name"] == "vic"); sys.exit(u["display_name"] is not None)' \
  "$WORK/stdout" || fail "the display name was not removed"
run "$MOAT" "${W[@]}" --token "$ada" user disable leaver
expect_status 0 "an administrator disables a user"
run "$MOAT" "${W[@]}" --token "$leaver" list suppliers
expect_status 1 "a disabled user's token"
expect_stderr "not valid"
run "$MOAT" "${W[@]}" --token "$ada" user disable leaver
expect_status 1 "a user disabled already"
expect_stderr "user 'leaver' is disabled already"
# A disabled user leaves the list of users; --all lists it, marked, since its name stays taken.
run "$MOAT" "${W[@]}" --token "$ada" user list
expect_status 0 "the users listed"
CHECKS=$((CHECKS + 1))
! grep -q "leaver" "$WORK/stdout" || fail "a disabled user is listed among the users"
run "$MOAT" "${W[@]}" --token "$ada" user list --all
expect_status 0 "every user listed"
CHECKS=$((CHECKS + 1))
grep -E "^leaver .* disabled *$" "$WORK/stdout" >/dev/null || fail "user list --all does not mark the disabled user: $(cat "$WORK/stdout")"
run "$MOAT" "${W[@]}" --token "$ada" user list --all --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; u = {u["name"]: u["disabled"] for u in json.load(open(sys.argv[1]))}; sys.exit(not (u["leaver"] is True and u["vic"] is False))' \
  "$WORK/stdout" || fail "user list --all --json does not mark the disabled user"
# A disable undone: only an administrator enables; the user is listed again, its old token stays
# revoked.
run "$MOAT" "${W[@]}" --token "$vic" user enable leaver
expect_status 1 "a sourcing user enables a user"
run "$MOAT" "${W[@]}" --token "$ada" user enable leaver
expect_status 0 "an administrator enables a user again"
expect_stdout "tokens made before stay revoked"
run "$MOAT" "${W[@]}" --token "$leaver" list suppliers
expect_status 1 "a token from before the disable"
run "$MOAT" "${W[@]}" --token "$ada" user list
expect_stdout "leaver" "the user enabled again is listed"
run "$MOAT" "${W[@]}" --token "$ada" user enable leaver
expect_status 1 "a user not disabled enabled"
expect_stderr "user 'leaver' is not disabled"
run "$MOAT" "${W[@]}" --token "$ada" user disable leaver
expect_status 0 "disabled again"
run "$MOAT" "${W[@]}" --token "$ada" user disable nobody
expect_status 1 "disable a user that does not exist"
expect_stderr "no user 'nobody' to disable"

run "$MOAT" "${W[@]}" audit verify
expect_status 0 "audit verify"

# The owner mapping its own login to a viewer, with no administrator account to sign in as, would
# leave nobody able to administer the accounts: refused, nothing added.
db_flags
run "$MOAT" init "$WORK/fresh" "${DB_FLAGS[@]}"
expect_status 0 "init"
run sh -c "printf 'correct-horse-battery\n' | \"\$0\" \"\$@\"" "$MOAT" -w "$WORK/fresh" user add reader --role viewer \
  --os-user "$(id -un)"
expect_status 1 "the owner maps its own login to a viewer with no administrator account"
expect_stderr "is your own login"
run "$MOAT" -w "$WORK/fresh" user list
expect_status 0 "the owner still administers"
finish

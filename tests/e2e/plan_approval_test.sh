#!/usr/bin/env bash
# Saving and approving a plan, and what the gate reads of the approved plan: it holds against
# the workspace's policy and its product as they are today, imported plan records are plans, and
# the flags of `moat plan` that have nothing to act on are refused.
source "$(dirname "$0")/lib.sh"

# gizmo: three secrets of weight 10, recipe R1 = S1 + S2, one package per secret, two untrusted
# suppliers that can make all three (F1 the cheaper). moat.toml's cap is 0.5, so every plan puts two
# secrets (66.67%) with one party: plans are made at --max-exposure-share 1 where a plan must exist.
db_flags
W=(-w "$WORK/ws")
"$MOAT" init "$WORK/ws" "${DB_FLAGS[@]}" >/dev/null || { fail "init"; finish; }
mkdir -p "$WORK/csv"
cat > "$WORK/csv/products.csv" <<'CSV'
id,name,description
gizmo,小工具 智能音箱,
CSV
cat > "$WORK/csv/secrets.csv" <<'CSV'
product,id,name,weight,strategy
gizmo,S1,外壳几何,10,design
gizmo,S2,固件,10,trade-secret
gizmo,S3,原理图,10,trade-secret
CSV
cat > "$WORK/csv/recipes.csv" <<'CSV'
product,id,name,secrets
gizmo,R1,功能克隆,S1;S2
CSV
cat > "$WORK/csv/packages.csv" <<'CSV'
product,id,name,capability,exposes,volume,sources
gizmo,P1,外壳,injection-molding,S1,1000,1
gizmo,P2,固件烧录,firmware-programming,S2,1000,1
gizmo,P3,电路板,pcba-smt,S3,1000,1
CSV
cat > "$WORK/csv/suppliers.csv" <<'CSV'
id,legal_name,uscc,capabilities,capacity,status,trusted
F1,深圳市华晟精密模具有限公司,91440300MA53U1DB8E,injection-molding;firmware-programming;pcba-smt,5000,qualified,false
F2,深圳市晟达塑胶制品有限公司,91440300749121031D,injection-molding;firmware-programming;pcba-smt,5000,qualified,false
CSV
cat > "$WORK/csv/quotes.csv" <<'CSV'
product,package,supplier,unit_cost,fixed_cost
gizmo,P1,F1,1,0
gizmo,P2,F1,1,0
gizmo,P3,F1,1,0
gizmo,P1,F2,2,0
gizmo,P2,F2,2,0
gizmo,P3,F2,2,0
CSV
(cd "$WORK/csv" && "$MOAT" "${W[@]}" import products.csv secrets.csv recipes.csv packages.csv suppliers.csv \
  quotes.csv >/dev/null) || { fail "import gizmo"; finish; }

# check_of WORKSPACE ID: "status: reason" of the first gate check of a launch with that id.
check_of() {
  "$MOAT" -w "$1" gate --product gizmo --json | python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["checks"] if c["id"] == sys.argv[1]][0]
print(c["status"] + ": " + c["reason"])' "$2"
}

run "$MOAT" "${W[@]}" plan --product gizmo --max-exposure-share 1 --time-limit 5 --save
expect_status 0 "save a plan past the policy's cap"
expect_stdout "Saved as plan-1 (draft); approve it with: moat plan approve --product gizmo --plan plan-1"
clone_workspace "$WORK/ws" "$WORK/drafted"

# A plan made past the policy's cap cannot be approved, and the gate holds an approved one to
# today's policy (as collusion-margin and the release check do), not to the cap it was made under.
run "$MOAT" "${W[@]}" plan approve --product gizmo --plan plan-1
expect_status 1 "approve a plan above the policy's cap"
expect_stderr "party G1 holds 66% of the secret weight, above its cap of 50%"
sed -i 's/^max_exposure_share = 0.5/max_exposure_share = 1/' "$WORK/ws/moat.toml"
run "$MOAT" "${W[@]}" plan approve --product gizmo --plan plan-1
expect_status 0 "approve it under a policy that allows it"
clone_workspace "$WORK/ws" "$WORK/approved"
sed -i 's/^max_exposure_share = 1/max_exposure_share = 0.5/' "$WORK/ws/moat.toml"
run check_of "$WORK/ws" plan-valid
expect_stdout "fail: Approved plan plan-1 no longer holds: party G1 holds 66% of the secret weight, above its cap of 50%." \
  "plan-valid under the tightened policy"
run "$MOAT" "${W[@]}" exposure --product gizmo --json
CHECKS=$((CHECKS + 1))
python3 -c '
import json, sys
g1 = [p for p in json.load(open(sys.argv[1]))["parties"] if p["party"] == "G1"][0]
assert g1["cap"] == 0.5 and g1["over_cap"], g1' "$WORK/stdout" || fail "exposure is not against today's policy: $(head -c 400 "$WORK/stdout")"

# The approved plan against today's packages: one added since, one that now needs two sources,
# one whose volume now takes its supplier past its capacity.
for change in "gizmo,P4,新件,pcba-smt,S3,1000,1|P4 is made by no supplier of the plan (it needs 1 source)" \
  "gizmo,P1,外壳,injection-molding,S1,1000,2|P1 needs 2 sources now; the plan gives it 1" \
  "gizmo,P3,电路板,pcba-smt,S3,4500,1|F1 is assigned 5500 units; its capacity is now 5000"; do
  clone_workspace "$WORK/approved" "$WORK/changed"
  printf 'product,id,name,capability,exposes,volume,sources\n%s\n' "${change%%|*}" > "$WORK/packages.csv"
  "$MOAT" -w "$WORK/changed" import "$WORK/packages.csv" >/dev/null || fail "import ${change%%|*}"
  run check_of "$WORK/changed" plan-valid
  expect_stdout "fail: Approved plan plan-1 no longer holds: ${change##*|}" "plan-valid after ${change%%,1*}"
done

# Plan records imported from a workspace document are plans moat could have saved.
"$MOAT" -w "$WORK/approved" export "$WORK/export.json" >/dev/null || fail "export"
forge() {  # forge NAME PYTHON: the export's plans, changed by PYTHON (p: the plan record, b: its body)
  python3 - "$WORK/export.json" "$WORK/$1.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = dict(d["plans"][0], id="plan-9", state="draft", approved_by=None, approved_at=None)
b = json.loads(p["plan"])
exec(sys.argv[3])
p["plan"] = b if isinstance(b, str) else json.dumps(b)
json.dump({"format": d["format"], "version": d["version"], "plans": [d["plans"][0], p]}, open(sys.argv[2], "w"))
PY
}
forge garbage 'b = "not json {"'
run "$MOAT" -w "$WORK/approved" import "$WORK/garbage.json"
expect_status 1 "import a plan that is not JSON"
expect_stderr "garbage.json#/plans/1/plan: not a plan"
forge approved-infeasible 'p.update(state="approved", status="infeasible", approved_by="nobody"); b["status"] = "infeasible"'
run "$MOAT" -w "$WORK/approved" import "$WORK/approved-infeasible.json"
expect_status 1 "import an approved infeasible plan next to the approved plan-1"
expect_stderr "a plan that is infeasible cannot be approved"
expect_stderr "product 'gizmo' would have 2 approved plans"
forge mismatched 'b["status"] = "infeasible"'
run "$MOAT" -w "$WORK/approved" import "$WORK/mismatched.json"
expect_status 1 "import a plan whose record and body disagree"
expect_stderr "the record says 'optimal' but its plan is 'infeasible'"
run "$MOAT" -w "$WORK/approved" list plans --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; assert [p["id"] for p in json.load(open(sys.argv[1]))] == ["plan-1"]' "$WORK/stdout" ||
  fail "a refused import left plans behind: $(head -c 300 "$WORK/stdout")"

# A draft that no longer holds (a supplier removed from the plan's inputs) cannot be approved.
clone_workspace "$WORK/drafted" "$WORK/stale"
sed -i 's/^max_exposure_share = 0.5/max_exposure_share = 1/' "$WORK/stale/moat.toml"
"$MOAT" -w "$WORK/stale" set suppliers F2 status=rejected >/dev/null || fail "reject F2"
run "$MOAT" -w "$WORK/stale" plan approve --product gizmo --plan plan-1
expect_status 1 "approve a plan whose supplier was rejected since"
expect_stderr "the plan no longer holds, so it cannot be approved: F2 is not qualified"

# A plan made at a lower collusion level than the policy's cannot be approved: the gate's
# collusion-margin would fail it from the start.
clone_workspace "$WORK/drafted" "$WORK/collusion"
sed -i 's/^max_exposure_share = 0.5/max_exposure_share = 1/' "$WORK/collusion/moat.toml"
"$MOAT" -w "$WORK/collusion" plan --product gizmo --collusion 0 --time-limit 5 --save >/dev/null ||
  fail "save a plan at collusion 0"
run "$MOAT" -w "$WORK/collusion" plan approve --product gizmo --plan plan-2
expect_status 1 "approve a plan made at collusion 0 under a policy of 1"
expect_stderr "it was made at collusion 0, below the policy's collusion level 1, so it cannot be approved: a single party (G1) can complete recipe R1"
run "$MOAT" -w "$WORK/collusion" plan approve --product gizmo --plan plan-1
expect_status 0 "approve the plan made at the policy's level"

# Only the approval writes a plan's approval: never an edit, and no import where there are accounts.
run "$MOAT" -w "$WORK/collusion" set plans gizmo/plan-2 state=approved
expect_status 1 "approve a plan by editing its state"
expect_stderr "state: plan plan-2 is draft: a saved plan is written by moat plan --save and approved by moat plan approve, not changed by hand; approve it (moat plan approve --product gizmo --plan plan-2)"
run "$MOAT" -w "$WORK/collusion" set plans gizmo/plan-1 approved_by=someone-else
expect_status 1 "rewrite who approved a plan"
expect_stderr "approved_by: plan plan-1 is approved: a saved plan is written by moat plan --save"
run "$MOAT" -w "$WORK/collusion" set plans gizmo/plan-1 cost=1
expect_status 1 "change what an approved plan says"
expect_stderr "cost: plan plan-1 is approved: a saved plan is written by moat plan --save"
run "$MOAT" -w "$WORK/collusion" remove plans gizmo/plan-1
expect_status 1 "remove the approved plan"
expect_stderr "plans/gizmo/plan-1: plan plan-1 is approved: a plan once approved is the record of what was approved and is kept"
run "$MOAT" -w "$WORK/collusion" remove plans gizmo/plan-2
expect_status 0 "remove a draft"
# The removed draft keeps its number: the ledger's events of plan-2 stay those of one plan.
"$MOAT" -w "$WORK/collusion" plan --product gizmo --time-limit 5 --save >/dev/null || fail "save after a removal"
run "$MOAT" -w "$WORK/collusion" list plans --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; ids = [p["id"] for p in json.load(open(sys.argv[1]))]; assert ids == ["plan-1", "plan-3"], ids' "$WORK/stdout" ||
  fail "a removed draft's number was given again: $(head -c 300 "$WORK/stdout")"
run "$MOAT" -w "$WORK/collusion" show plans gizmo/plan-1 --json
approved_at=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["record"]["approved_at"])' "$WORK/stdout")
run "$MOAT" -w "$WORK/collusion" plan approve --product gizmo --plan plan-1
expect_status 0 "approve the approved plan again"
run "$MOAT" -w "$WORK/collusion" show plans gizmo/plan-1 --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["record"]["approved_at"] == sys.argv[2]' "$WORK/stdout" "$approved_at" ||
  fail "approving an approved plan again rewrote when it was approved"
clone_workspace "$WORK/collusion" "$WORK/reapprove"
"$MOAT" -w "$WORK/reapprove" set suppliers F2 status=rejected >/dev/null || fail "reject F2"
run "$MOAT" -w "$WORK/reapprove" plan approve --product gizmo --plan plan-1
expect_status 1 "approve again an approved plan that no longer holds"
expect_stderr "the plan no longer holds, so it cannot be approved"
run "$MOAT" -w "$WORK/collusion" plan approve --product nothing
expect_status 1 "approve a plan of an unknown product"
expect_stderr "no product 'nothing'"
clone_workspace "$WORK/approved" "$WORK/forged"
printf 'correct-horse-battery\n' | "$MOAT" -w "$WORK/forged" user add ada --role sourcing >/dev/null || fail "user add"
ada=$("$MOAT" -w "$WORK/forged" token create ada 2>/dev/null)
forge forged-approval 'p.update(state="approved", approved_by="the-ceo", approved_at="2026-01-01T00:00:00Z")'
python3 - "$WORK/forged-approval.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["plans"][0]["state"] = "superseded"
json.dump(d, open(sys.argv[1], "w"))
PY
run "$MOAT" -w "$WORK/forged" --token "$ada" import "$WORK/forged-approval.json"
expect_status 1 "import an approval written by hand into a workspace with accounts"
expect_stderr "forged-approval.json#/plans/1/approved_by: a plan comes in as a draft"
expect_stderr 'forged-approval.json#/plans/0/state: differs from the saved approved plan plan-1 ("superseded", saved "approved"): where there are accounts an import changes no saved plan'

run "$MOAT" -w "$WORK/forged" --token "$ada" export "$WORK/forged-export.json"
expect_status 0 "export the workspace with accounts"
run "$MOAT" -w "$WORK/forged" --token "$ada" import "$WORK/forged-export.json"
expect_status 0 "import its own export again: its approvals unchanged"

# Saving a plan writes: the right to edit, as POST /api/products/{id}/plans.
clone_workspace "$WORK/drafted" "$WORK/accounts"
printf 'correct-horse-battery\n' | "$MOAT" -w "$WORK/accounts" user add vic --role viewer >/dev/null || fail "user add"
vic=$("$MOAT" -w "$WORK/accounts" token create vic 2>/dev/null)
run "$MOAT" -w "$WORK/accounts" --token "$vic" plan --product gizmo --max-exposure-share 1 --time-limit 2 --save
expect_status 1 "a viewer saves a plan"
expect_stderr "moat plan --save needs the right to edit"
run "$MOAT" -w "$WORK/accounts" --token "$vic" plan --product gizmo --max-exposure-share 1 --time-limit 2
expect_status 0 "a viewer plans without saving"

# A recipe one party completes, said in words.
clone_workspace "$WORK/approved" "$WORK/one-party"
printf 'product,id,name,capability,exposes,volume,sources\ngizmo,P3,电路板,pcba-smt,S2,1000,1\n' > "$WORK/packages.csv"
"$MOAT" -w "$WORK/one-party" import "$WORK/packages.csv" >/dev/null || fail "import P3 exposing S2"
run "$MOAT" -w "$WORK/one-party" exposure --product gizmo
expect_stdout "R1: one party can complete it alone (G1)  ← BREAKS THE POLICY"

# Flags that have nothing to act on are refused, not dropped.
"$MOAT" "${W[@]}" plan --product gizmo --time-limit 2 --emit-instance "$WORK/gizmo.json" >/dev/null ||
  fail "emit the instance"
run "$MOAT" plan --instance "$WORK/gizmo.json" --save
expect_status 1 "--save with --instance"
expect_stderr "--save: saves a plan of a --product"
run "$MOAT" plan --instance "$WORK/gizmo.json" --emit-instance "$WORK/again.json"
expect_status 1 "--emit-instance with --instance"
run "$MOAT" "${W[@]}" plan --product gizmo --frontier --save --time-limit 2
expect_status 1 "--save with --frontier"
run "$MOAT" plan --instance "$WORK/gizmo.json" --max-exposure-share nan
expect_status 1 "a cap of nan"
expect_stderr "--max-exposure-share: must be a number from 0 to 1, not 'nan'"
clone_workspace "$WORK/drafted" "$WORK/nan"
sed -i 's/^max_exposure_share = 0.5/max_exposure_share = nan/' "$WORK/nan/moat.toml"
run "$MOAT" -w "$WORK/nan" plan --product gizmo --time-limit 2
expect_status 1 "a cap of nan in moat.toml"
expect_stderr "policy.max_exposure_share must be between 0 and 1"

# --save with --json: the plan on standard output, where it was saved on standard error.
run "$MOAT" -w "$WORK/drafted" plan --product gizmo --max-exposure-share 1 --time-limit 5 --save --json
expect_status 0 "save a plan with --json"
expect_stdout '"status": "optimal"'
expect_stderr "Saved as plan-2 (draft); approve it with: moat plan approve --product gizmo --plan plan-2"

# A product with nothing to protect yet is not planned: its instance would not read back.
printf 'id,name,description\nempty,空产品,\n' > "$WORK/products.csv"
"$MOAT" "${W[@]}" import "$WORK/products.csv" >/dev/null || fail "import the empty product"
run "$MOAT" "${W[@]}" plan --product empty --emit-instance "$WORK/empty.json"
expect_status 1 "plan a product without secrets"
expect_stderr "product 'empty' has no secrets to protect yet"
finish

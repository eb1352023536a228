#!/usr/bin/env bash
# export → import → export is byte-identical; re-importing changes nothing; the demo's CSVs
# imported by hand give the same workspace as `moat demo`.
source "$(dirname "$0")/lib.sh"

db_flags
run "$MOAT" demo "$WORK/demo" "${DB_FLAGS[@]}"
expect_status 0 "moat demo"
expect_stdout "Aurora smart speaker"
expect_stdout "verified"

run "$MOAT" -w "$WORK/demo" export "$WORK/a.json"
expect_status 0 "export to a file"
run "$MOAT" -w "$WORK/demo" export
expect_status 0 "export to stdout"
cp "$WORK/stdout" "$WORK/a-stdout.json"
same_files "$WORK/a.json" "$WORK/a-stdout.json" "export to a file and to stdout"

db_flags
run "$MOAT" init "$WORK/copy" --company "Aurora Audio Inc." "${DB_FLAGS[@]}"
expect_status 0 "init copy"
run "$MOAT" -w "$WORK/copy" import "$WORK/a.json"
expect_status 0 "import the export"
run "$MOAT" -w "$WORK/copy" export "$WORK/b.json"
expect_status 0 "export the copy"
same_files "$WORK/a.json" "$WORK/b.json" "export → import → export"

events_before=$("$MOAT" -w "$WORK/copy" audit log --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
run "$MOAT" -w "$WORK/copy" import "$WORK/a.json" --json
expect_status 0 "re-import"
expect_stdout '"changed": 0'
events_after=$("$MOAT" -w "$WORK/copy" audit log --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
CHECKS=$((CHECKS + 1))
[ "$events_before" = "$events_after" ] || fail "re-importing identical records wrote events ($events_before → $events_after)"

# The CSV files by hand, in another order, through MOAT_WORKSPACE.
db_flags
run "$MOAT" init "$WORK/csv" "${DB_FLAGS[@]}"
expect_status 0 "init csv"
aurora="$MOAT_SOURCE_DIR/examples/aurora"
MOAT_WORKSPACE="$WORK/csv" run "$MOAT" import "$aurora/quotes.csv" "$aurora/suppliers.csv" "$aurora/people.csv" \
  "$aurora/affiliations.csv" "$aurora/packages.csv" "$aurora/recipes.csv" "$aurora/derives.csv" \
  "$aurora/secrets.csv" "$aurora/bom.csv" "$aurora/products.csv"
expect_status 0 "import the CSV files"
(cd "$WORK/csv" && "$MOAT" export "$WORK/c.json")
# The demo goes on after importing these files: it qualifies the suppliers (status, tier, cap,
# validity), moves the data's dates to today's, records oversight and plans. The records of the
# files imported here are otherwise the same.
cat > "$WORK/records.py" <<'PY'
import json, sys
kept = ["products", "parts", "secrets", "derives", "recipes", "packages", "suppliers", "affiliations", "quotes", "people"]
moved = {"suppliers": ["status", "tier", "max_exposure_share", "qualified_until"], "quotes": ["valid_until"]}
d = json.load(open(sys.argv[1]))
out = {}
for table in kept:
    out[table] = [{k: v for k, v in r.items() if k not in moved.get(table, [])} for r in d.get(table, [])]
open(sys.argv[2], "w").write(json.dumps(out, indent=2, ensure_ascii=False))
PY
python3 "$WORK/records.py" "$WORK/a.json" "$WORK/a-records.json"
python3 "$WORK/records.py" "$WORK/c.json" "$WORK/c-records.json"
same_files "$WORK/a-records.json" "$WORK/c-records.json" "demo and CSV import"

# Chinese text survives as UTF-8, not escaped.
CHECKS=$((CHECKS + 1))
grep -q "有限公司" "$WORK/a.json" || fail "export lost or escaped Chinese legal names"

run "$MOAT" -w "$WORK/copy" audit verify
expect_status 0 "verify the copy"
finish

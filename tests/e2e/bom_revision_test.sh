#!/usr/bin/env bash
# A BOM's revisions (tests/data/bom/revision: add, change, remove, DNP toggled) imported with
# --replace: the dry run shows the difference, the apply is all or nothing and one revision in the
# ledger; a removal that others refer to is refused naming them, or cascades when asked.
# `moat remove` deletes records the same way.
source "$(dirname "$0")/lib.sh"

data="$MOAT_SOURCE_DIR/tests/data/bom/revision"
ws="$WORK/ws"
db_flags
"$MOAT" init "$ws" "${DB_FLAGS[@]}" >/dev/null || { fail "init"; finish; }

events() { sql "$ws" 'SELECT COUNT(*) FROM ledger'; }
revisions() { sql "$ws" "SELECT COUNT(*) FROM ledger WHERE action = 'bom-revision'"; }
part() { "$MOAT" -w "$ws" show parts "board/$1" --json 2>/dev/null | tr -d ' \n'; }

run "$MOAT" -w "$ws" import "$data/1-first-bom.csv" --product board --replace
expect_status 0 "first BOM"
run "$MOAT" -w "$ws" import "$data/packages.csv" --product board
expect_status 0 "the package that makes C1, R2 and U1"

# Add D1, C3 joins C1's line: the dry run shows both, and writes nothing.
before=$(events)
run "$MOAT" -w "$ws" import "$data/2-add-and-change-bom.csv" --product board --replace --dry-run
expect_status 0 "revision 2, dry run"
expect_stdout "Changes: 1 added, 1 changed, 0 removed" "revision 2, dry run: summary"
expect_stdout "+ parts/board/D1" "revision 2, dry run: added"
expect_stdout "~ parts/board/C1: designators" "revision 2, dry run: changed"
expect_stdout "quantity 2.0 → 3.0" "revision 2, dry run: before → after"
CHECKS=$((CHECKS + 1))
[ "$(events)" = "$before" ] || fail "revision 2: the dry run wrote to the ledger"
run "$MOAT" -w "$ws" import "$data/2-add-and-change-bom.csv" --product board --replace
expect_status 0 "revision 2"
CHECKS=$((CHECKS + 1))
[ "$(revisions)" = 2 ] || fail "revision 2: $(revisions) revisions in the ledger, expected 2"

# R2 leaves the BOM, but the package still makes it: refused, naming the package; nothing changes.
before=$(events)
run "$MOAT" -w "$ws" import "$data/3-remove-bom.csv" --product board --replace
expect_status 1 "revision 3 without --cascade"
expect_stderr "packages/board/PCBA/parts" "revision 3: the record that refers to R2"
CHECKS=$((CHECKS + 1))
[ "$(events)" = "$before" ] || fail "revision 3: a refused revision wrote to the ledger"
part R2 | grep -q '"R2"' || fail "revision 3: R2 is gone after a refused revision"
run "$MOAT" -w "$ws" import "$data/3-remove-bom.csv" --product board --replace --cascade --dry-run
expect_status 0 "revision 3, dry run with --cascade"
expect_stdout "- parts/board/R2 (not in the BOM)" "revision 3, dry run: removed"
expect_stdout "~ packages/board/PCBA: parts" "revision 3, dry run: the package loses R2"
run "$MOAT" -w "$ws" import "$data/3-remove-bom.csv" --product board --replace --cascade --json
expect_status 0 "revision 3 with --cascade"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["difference"]; sys.exit(0 if [r["key"] for r in d["removed"]]==["board/R2"] and d["unlinked"][0]["fields"][0]["after"]==["C1","U1"] else 1)' "$WORK/stdout" \
  || fail "revision 3: $(head -c 400 "$WORK/stdout")"
CHECKS=$((CHECKS + 1))
[ -z "$(part R2)" ] || fail "revision 3: R2 is still there"
CHECKS=$((CHECKS + 1))
[ "$(revisions)" = 3 ] || fail "revision 3: $(revisions) revisions in the ledger, expected 3"

# R1 becomes DNP: kept, not fitted, out of the product's counts.
run "$MOAT" -w "$ws" import "$data/4-dnp-toggled-bom.csv" --product board --replace
expect_status 0 "revision 4"
part R1 | grep -q '"fitted":false' || fail "revision 4: R1 is not marked not fitted: $(part R1)"
run "$MOAT" -w "$ws" status --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["products"][0]; sys.exit(0 if (p["parts"], p["parts_not_fitted"])==(3,1) else 1)' "$WORK/stdout" \
  || fail "revision 4: status $(head -c 400 "$WORK/stdout")"

# moat remove: refused while the package refers to U1; the dry run lists the cascade.
before=$(events)
run "$MOAT" -w "$ws" remove parts board/U1
expect_status 1 "remove a part a package makes"
expect_stderr "packages/board/PCBA/parts" "remove: names the package"
run "$MOAT" -w "$ws" remove parts board/U1 --cascade --dry-run
expect_status 0 "remove --cascade --dry-run"
expect_stdout "- parts/board/U1 (removed)" "remove dry run: the part"
expect_stdout "~ packages/board/PCBA: parts" "remove dry run: the package"
CHECKS=$((CHECKS + 1))
[ "$(events)" = "$before" ] || fail "remove: a refusal or dry run wrote to the ledger"
run "$MOAT" -w "$ws" remove parts board/D1 --if-version 7
expect_status 1 "remove with a stale --if-version"
expect_stderr "--if-version" "remove: stale version named"
run "$MOAT" -w "$ws" remove parts board/D1 --if-version 1
expect_status 0 "remove with the version read"
run "$MOAT" -w "$ws" remove products board --cascade --json
expect_status 0 "remove a product with everything of it"
CHECKS=$((CHECKS + 1))
[ "$("$MOAT" -w "$ws" list parts --json)" = "[]" ] || fail "remove --cascade: parts remain"
run "$MOAT" -w "$ws" remove parts board/C1
expect_status 1 "remove what is not there"
run "$MOAT" -w "$ws" audit verify
expect_status 0 "the ledger accounts for every removal"

finish

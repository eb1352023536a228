#!/usr/bin/env bash
# Every malformed input fails with exit code 1, names its place (file:line:col or a JSON
# pointer) and what is wrong, and leaves the records and the ledger exactly as they were.
source "$(dirname "$0")/lib.sh"

ws="$WORK/ws"
db_flags
"$MOAT" demo "$ws" "${DB_FLAGS[@]}" >/dev/null || { fail "demo"; finish; }
"$MOAT" -w "$ws" export "$WORK/before.json"
events_before=$(sql "$ws" 'SELECT COUNT(*) FROM ledger')
head_before=$(cat "$ws/ledger.head")

# rejects NAME FILE EXPECTED-PLACE EXPECTED-MESSAGE [import flags...]
rejects() {
  local name=$1 file=$2 place=$3 message=$4
  shift 4
  run "$MOAT" -w "$ws" import "$file" "$@"
  expect_status 1 "$name"
  expect_stderr "$place" "$name (place)"
  expect_stderr "$message" "$name (message)"
  "$MOAT" -w "$ws" export "$WORK/after.json"
  same_files "$WORK/before.json" "$WORK/after.json" "$name: records unchanged"
  CHECKS=$((CHECKS + 1))
  [ "$(sql "$ws" 'SELECT COUNT(*) FROM ledger')" = "$events_before" ] || fail "$name: the ledger changed"
  CHECKS=$((CHECKS + 1))
  [ "$(cat "$ws/ledger.head")" = "$head_before" ] || fail "$name: the witness changed"
}

d="$WORK/in"
mkdir -p "$d"
# A valid row first in each file, so that nothing is imported although part of the file is good.
printf 'id,legal_name,uscc,capabilities\nF50,深圳市甲有限公司,91440300MA5F0000X1,pcba-smt\nF51,深圳市乙有限公司,91440300MA5F000181,pcba-smt,extra\n' > "$d/suppliers.csv"
rejects "wrong column count" "$d/suppliers.csv" "suppliers.csv:3:1" "row has 5 fields but the header has 4"

uscc_ok=$(python3 - <<'PY'
A="0123456789ABCDEFGHJKLMNPQRTUWXY"; W=[pow(3,i,31) for i in range(17)]
b="91440300MA5F0000X"; s=sum(A.index(c)*w for c,w in zip(b,W)); print(b+A[(31-s%31)%31])
PY
)
printf 'id,legal_name,uscc,capabilities\nF50,深圳市甲有限公司,%s,pcba-smt;laser-etching\n' "$uscc_ok" > "$d/suppliers.csv"
rejects "unknown capability" "$d/suppliers.csv" "suppliers.csv:2:" "unknown capability 'laser-etching'"

bad_check=$(python3 -c "import sys; c='$uscc_ok'; print(c[:-1] + ('0' if c[-1] != '0' else '1'))")
printf 'id,legal_name,uscc\nF50,深圳市甲有限公司,%s\n' "$bad_check" > "$d/suppliers.csv"
rejects "bad check character" "$d/suppliers.csv" "suppliers.csv:2:14" "check character"

printf 'product,id,name,qty,capability\naurora,X1,Bracket,-3,sheet-metal\n' > "$d/bom.csv"
rejects "negative quantity" "$d/bom.csv" "bom.csv:2:19" "quantity must be greater than 0"

printf 'product,id,name,qty\naurora,X1,Bracket,three\n' > "$d/bom.csv"
rejects "non-numeric quantity" "$d/bom.csv" "bom.csv:2:19" "quantity must be a number, not 'three'"

printf 'product,id,parent,name,qty\naurora,X1,X3,A,1\naurora,X2,X1,B,1\naurora,X3,X2,C,1\n' > "$d/bom.csv"
rejects "BOM cycle" "$d/bom.csv" "bom.csv:2:11" "the BOM has a cycle: X1 → X3 → X2 → X1"

printf 'product,id,name,weight,strategy\naurora,S90,A,1,patent\naurora,S90,B,2,design\n' > "$d/secrets.csv"
rejects "duplicate id" "$d/secrets.csv" "secrets.csv:3:8" "duplicate secret 'aurora/S90' (first at"

printf 'product,id,name,secrets\naurora,R9,Clone,S01;S77\n' > "$d/recipes.csv"
rejects "recipe naming an unknown secret" "$d/recipes.csv" "recipes.csv:2:17" "unknown secret 'S77'"

printf 'a,b,kind\nF01,F05,owner\n' > "$d/affiliations.csv"
rejects "mixed trusted party" "$d/affiliations.csv" "affiliations.csv:2:1" "a party must be all trusted or all untrusted"

printf 'id,name\nok,Fine\nbad,Caf\xe9 Aurora\n' > "$d/products.csv"
rejects "invalid UTF-8" "$d/products.csv" "products.csv:3:8" "invalid UTF-8"

printf 'Reference,Value,Qty\n"C1,C2",100nF,2\n"C3,10nF,1\n' > "$d/kicad.csv"
rejects "unclosed quote" "$d/kicad.csv" "kicad.csv:3:1" "quoted field is never closed" --kind bom --product aurora

printf 'id,nmae\nx,y\n' > "$d/products.csv"
rejects "unknown column" "$d/products.csv" "products.csv:1:4" "unknown column 'nmae'"

printf 'id,name\n' > "$d/unknown.csv"
rejects "unknown file kind" "$d/unknown.csv" "unknown.csv" "cannot tell what this file holds"

# Workspace documents: syntax errors by line and column, the rest by JSON pointer.
printf '{\n  "format": "moat-workspace",\n  "version": 1,\n  "products": [\n    {"id": "p1" "name": "x"}\n  ]\n}\n' > "$d/syntax.json"
rejects "JSON syntax error" "$d/syntax.json" "syntax.json:5:" "JSON syntax error"

python3 - "$WORK/before.json" "$d" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1])); d = sys.argv[2]
def write(name, change):
    copy = json.loads(json.dumps(doc)); change(copy)
    open(f"{d}/{name}", "w").write(json.dumps(copy, ensure_ascii=False, indent=1))
write("uscc.json", lambda c: c["suppliers"][3].__setitem__("uscc", c["suppliers"][3]["uscc"][:-1] + ("0" if c["suppliers"][3]["uscc"][-1] != "0" else "1")))
write("field.json", lambda c: c["secrets"][2].__setitem__("wieght", 3))
write("type.json", lambda c: c["packages"][1].__setitem__("volume", "lots"))
write("ref.json", lambda c: c["quotes"][0].__setitem__("supplier", "F404"))
write("version.json", lambda c: c.__setitem__("version", 2))
write("huge.json", lambda c: c["packages"][1].__setitem__("volume", 18446744073709551615))
write("slash.json", lambda c: c["products"][0].__setitem__("a/b~c", 1))
PY
rejects "JSON bad credit code" "$d/uscc.json" "uscc.json#/suppliers/3/uscc" "check character"
rejects "JSON unknown field" "$d/field.json" "field.json#/secrets/2/wieght" "unknown field 'wieght'"
rejects "JSON wrong type" "$d/type.json" "type.json#/packages/1/volume" "volume must be a whole number"
rejects "JSON unknown reference" "$d/ref.json" "ref.json#/quotes/0/supplier" "unknown supplier 'F404'"
rejects "JSON wrong version" "$d/version.json" "version.json#/version" "version 1"
rejects "JSON integer beyond 64 bits" "$d/huge.json" "huge.json#/packages/1/volume" "whole number"
rejects "JSON pointer escaping" "$d/slash.json" "slash.json#/products/0/a~1b~0c" "unknown field 'a/b~c'"

printf 'Designator,Comment,Footprint\n"R1/x",10k,0402\n' > "$d/board.csv"
rejects "designator that cannot be an id" "$d/board.csv" "board.csv:2:1" "designator 'R1/x' cannot name the part" --kind bom --product aurora
printf 'Designator,Comment\nR1,10k\n' > "$d/board.csv"
rejects "a --product that is no id" "$d/board.csv" "--product" "is not a valid product id" --kind bom --product "bad id/x"
printf 'id,name\np0,"a\x00b"\n' > "$d/products.csv"
rejects "NUL in a name" "$d/products.csv" "products.csv:2:4" "control character U+0000"
printf 'id,name\np0,"\x1b[31mred"\n' > "$d/products.csv"
rejects "terminal escape in a name" "$d/products.csv" "products.csv:2:4" "control character U+001B"
printf '{"format": "moat-workspace", "version": 1,\n "secrets": [{"product": "aurora", "id": "S99", "name": "x",\n   "weight": -1e400, "strategy": "patent"}]}\n' > "$d/overflow.json"
rejects "a number too large" "$d/overflow.json" "overflow.json:3:" "JSON syntax error"
printf '{"format": "moat-workspace", "version": 1, "products": [{"id": "p9", "name": "x"}], "products": []}\n' > "$d/twice.json"
rejects "a key given twice" "$d/twice.json" "twice.json#/products" "given twice"
printf '{"format": "moat-workspace", "version": 1, "products": [{"id": "p9", "name": "x", "id": "p10"}]}\n' > "$d/twice.json"
rejects "a field given twice" "$d/twice.json" "twice.json#/products/0/id" "given twice"

# Several files in one import: one bad file keeps the good one out too.
printf 'id,name\nnewprod,New product\n' > "$d/products.csv"
printf 'product,id,name,weight,strategy\nnewprod,S1,A,0,patent\n' > "$d/secrets.csv"
run "$MOAT" -w "$ws" import "$d/products.csv" "$d/secrets.csv"
expect_status 1 "two files, one bad"
expect_stderr "secrets.csv:2:14: weight must be greater than 0"
"$MOAT" -w "$ws" export "$WORK/after.json"
same_files "$WORK/before.json" "$WORK/after.json" "two files, one bad: nothing imported"

# A flag error and a missing workspace are the user's to fix too.
run "$MOAT" -w "$WORK/nowhere" status
expect_status 1 "missing workspace"
expect_stderr "not a moat workspace"
run "$MOAT" import
expect_status 1 "import without files"

run "$MOAT" -w "$ws" audit verify
expect_status 0 "the ledger still verifies"
finish

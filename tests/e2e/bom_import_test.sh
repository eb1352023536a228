#!/usr/bin/env bash
# BOMs as EDA tools export them (tests/data/bom: KiCad PCB editor and schematic, Altium grouped
# and per designator, Eagle, JLCPCB; quirks included) import with the right layout, dialect, part
# count, quantities, fitted state and make/buy; the same BOM from an Excel workbook too, with
# its errors named by sheet and cell.
source "$(dirname "$0")/lib.sh"

data="$MOAT_SOURCE_DIR/tests/data/bom"
ws="$WORK/ws"
db_flags
"$MOAT" init "$ws" "${DB_FLAGS[@]}" >/dev/null || { fail "init"; finish; }

# imports FILE PRODUCT LAYOUT DELIMITER EXPECTED: imports FILE as PRODUCT's BOM and checks the
# report and the stored parts. EXPECTED: "id:quantity:fitted:make_buy[:name]" items, space-separated.
imports() {
  local file=$1 product=$2 layout=$3 delimiter=$4 expected=$5
  run "$MOAT" -w "$ws" import "$data/$file" --product "$product" --json
  expect_status 0 "$file"
  cp "$WORK/stdout" "$WORK/report.json"
  run "$MOAT" -w "$ws" list parts --product "$product" --json
  expect_status 0 "$file: list"
  CHECKS=$((CHECKS + 1))
  python3 - "$WORK/report.json" "$WORK/stdout" "$layout" "$delimiter" "$expected" >"$WORK/check" <<'PY' || fail "$file: $(cat "$WORK/check")"
import json, sys
report, parts, layout, delimiter, expected = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), *sys.argv[3:]
problems = []
f = report["files"][0]
if f["layout"] != layout: problems.append(f"layout {f['layout']}, expected {layout}")
if f.get("delimiter") != delimiter: problems.append(f"delimiter {f.get('delimiter')}, expected {delimiter}")
want = {}
for item in expected.split():
    fields = item.split(":", 4)
    want[fields[0]] = fields[1:]
got = {p["id"]: p for p in parts}
if sorted(got) != sorted(want): problems.append(f"parts {sorted(got)}, expected {sorted(want)}")
for id, (quantity, fitted, make_buy, *name) in want.items():
    p = got.get(id)
    if not p: continue
    if p["quantity"] != float(quantity): problems.append(f"{id}: quantity {p['quantity']}, expected {quantity}")
    if p["fitted"] != (fitted == "fitted"): problems.append(f"{id}: fitted {p['fitted']}, expected {fitted}")
    if p["make_buy"] != make_buy: problems.append(f"{id}: make_buy {p['make_buy']}, expected {make_buy}")
    if name and p["name"] != name[0]: problems.append(f"{id}: name {p['name']}, expected {name[0]}")
unfitted = sum(1 for p in parts if not p["fitted"])
if (f["fitted"], f["not_fitted"]) != (len(parts) - unfitted, unfitted): problems.append(f"report fitted {f['fitted']}/{f['not_fitted']}")
if f["make_buy"].get("buy", 0) + f["make_buy"].get("make", 0) != len(parts): problems.append(f"report make/buy {f['make_buy']}")
print("; ".join(problems))
sys.exit(1 if problems else 0)
PY
}

imports kicad-pcb-bom.csv kpcb kicad-pcb semicolon \
  "C1:4:fitted:buy:100nF C3:1:fitted:buy R1:2:fitted:buy R3:1:fitted:buy U1:1:fitted:buy:TL072 J1:1:fitted:buy D1:1:fitted:buy"
imports kicad8-sch-bom.csv ksch kicad-sch comma \
  "C1:4:fitted:buy C5:1:fitted:buy J1:1:fitted:buy R1:2:fitted:buy R5:1:not:buy U1:1:fitted:buy"
imports kicad7-sch-script-bom.csv kscript kicad-sch-script comma \
  "C1:2:fitted:buy:100nF J1:1:fitted:buy:Connector_Generic:Conn_01x04 R1:2:fitted:buy U1:1:fitted:buy:BME280"
imports altium-grouped-bom.csv agrouped altium-grouped comma \
  "C1:3:fitted:buy:100nF R1:2:fitted:buy R7:1:not:buy U1:1:fitted:buy P1:1:fitted:buy:SWD"
imports altium-per-designator-bom.csv aper altium-per-designator comma \
  "C1:1:fitted:buy C2:1:fitted:buy L1:1:fitted:buy Q1:1:fitted:buy U2:1:fitted:buy:TPS62840"
imports eagle-bom.csv eagle eagle semicolon \
  "C1:1:fitted:buy:100n C2:1:fitted:buy IC1:1:fitted:buy JP1:1:fitted:buy:PINHD-1X6 R1:1:fitted:buy X1:1:fitted:buy:USB-MINIB"
imports jlcpcb-bom.csv jlc jlcpcb comma \
  "C1:4:fitted:buy:100nF C5:1:fitted:buy R1:2:fitted:buy U1:1:fitted:buy U2:1:fitted:buy"

# The text report says which dialect and layout were read, and why parts are bought.
run "$MOAT" -w "$ws" import "$data/kicad-pcb-bom.csv" --product kpcb --dry-run
expect_status 0 "dry run"
expect_stdout "semicolon-separated" "dry run: dialect"
expect_stdout "KiCad PCB editor BOM" "dry run: layout"
expect_stdout "buy: 7 (reference designators" "dry run: make/buy reason"
expect_stdout "Id (row number)" "dry run: the row number is not a part id"
expect_stdout "No changes." "dry run: the same file again changes nothing"

# The rows past the header's width must be empty: text there is still an error.
printf '"Id";"Designator";"Footprint";"Quantity";"Designation";"Supplier and ref";\n1;"C1";"C_0402";1;"100nF";;;x\n' > "$WORK/extra-bom.csv"
run "$MOAT" -w "$ws" import "$WORK/extra-bom.csv" --product kpcb
expect_status 1 "text past the header"
expect_stderr "extra-bom.csv:2:1" "text past the header (place)"

# A DNP cell moat cannot read is an error at its cell.
printf '"Refs","Value","Qty","DNP"\n"R9","1k","1","maybe"\n' > "$WORK/dnp-bom.csv"
run "$MOAT" -w "$ws" import "$WORK/dnp-bom.csv" --product ksch
expect_status 1 "bad DNP"
expect_stderr "dnp-bom.csv:2:15" "bad DNP (place)"

# The same BOM as an Excel workbook, on its second sheet.
"$SYSTEM_PYTHON" - "$WORK/board-bom.xlsx" "$WORK/bad-bom.xlsx" <<'PY'
import sys, openpyxl
book = openpyxl.Workbook()
book.active.title = "Notes"
book.active["A1"] = "Exported from the PLM on 2026-03-02"
sheet = book.create_sheet("BOM")
sheet.append(["Designator", "Comment", "Footprint", "Quantity", "Manufacturer", "MPN", "DNP"])
sheet.append(["C1, C2, C3", "100nF", "C0402", 3, "Murata", "GRM155R71C104KA88D", None])
sheet.append(["R1", "10k", "R0402", 1, None, None, "DNP"])
sheet.append(["U1", "STM32G431CBU6", "UFQFPN48", 1, "ST", "STM32G431CBU6", None])
book.save(sys.argv[1])
sheet.append(["R2", "1k", "R0402", "two", None, None, None])
book.save(sys.argv[2])
PY
run "$MOAT" -w "$ws" import "$WORK/board-bom.xlsx" --sheet BOM --product xl --json
expect_status 0 "workbook"
expect_stdout '"sheet": "BOM"' "workbook: the sheet read"
run "$MOAT" -w "$ws" list parts --product xl --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; p={r["id"]: r for r in json.load(open(sys.argv[1]))}; sys.exit(0 if sorted(p)==["C1","R1","U1"] and p["C1"]["quantity"]==3 and p["R1"]["fitted"] is False and p["U1"]["mpn"]=="STM32G431CBU6" else 1)' "$WORK/stdout" \
  || fail "workbook: parts $(cat "$WORK/stdout" | head -c 300)"
run "$MOAT" -w "$ws" import "$WORK/bad-bom.xlsx" --sheet BOM --product xl
expect_status 1 "workbook with a bad cell"
expect_stderr "bad-bom.xlsx:BOM!D5" "workbook: the bad cell's place"
run "$MOAT" -w "$ws" import "$WORK/board-bom.xlsx" --product xl
expect_status 1 "workbook: the first sheet holds notes"
run "$MOAT" -w "$ws" import "$WORK/board-bom.xlsx" --sheet Missing --product xl
expect_status 1 "workbook: no such sheet"
expect_stderr "Notes, BOM" "workbook: the sheets it has"

finish

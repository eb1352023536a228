#!/usr/bin/env bash
# Reports written as Excel workbooks (--xlsx FILE) hold the same rows as the command's --json
# output: read back with openpyxl (python3-openpyxl) and compared cell by cell.
source "$(dirname "$0")/lib.sh"

ws="$WORK/ws"
db_flags
"$MOAT" demo "$ws" "${DB_FLAGS[@]}" >/dev/null || { fail "demo"; finish; }

# same_rows NAME JSON XLSX SHEET: the workbook's sheets hold the JSON's rows (see docs/formats.md).
same_rows() {
  CHECKS=$((CHECKS + 1))
  "$SYSTEM_PYTHON" - "$2" "$3" "$4" >"$WORK/check" 2>&1 <<'PY' || fail "$1: $(head -c 800 "$WORK/check")"
import json, math, sys, openpyxl
report, book, name = json.load(open(sys.argv[1])), openpyxl.load_workbook(sys.argv[2]), sys.argv[3]

def cell(value):
    if value is None: return None
    if isinstance(value, bool) or isinstance(value, str): return value if value != "" else None
    if isinstance(value, (int, float)): return float(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float, bool)) for v in value):
        joined = "; ".join(v if isinstance(v, str) else json.dumps(v) for v in value)
        return joined or None
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)

def rows_of(sheet):
    return [[(float(c) if isinstance(c, (int, float)) and not isinstance(c, bool) else c) for c in row]
            for row in sheet.iter_rows(values_only=True)]

def check_table(sheet_name, rows):
    sheet = book[sheet_name]
    got = rows_of(sheet)
    if not rows:
        return
    header = list(got[0])
    keys = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    assert sorted(header) == sorted(keys), f"{sheet_name}: columns {header}, expected {keys}"
    want = [[cell(row.get(k)) for k in header] for row in rows]
    assert same(got[1:], want), f"{sheet_name}: rows differ\n{got[1:3]}\n{want[:2]}"

def same(got, want):
    """Equal, numbers to Excel's precision (libxlsxwriter writes 16 significant digits)."""
    if len(got) != len(want): return False
    for a, b in zip(got, want):
        if isinstance(a, (list, tuple)):
            if not isinstance(b, (list, tuple)) or not same(list(a), list(b)): return False
        elif isinstance(a, float) and isinstance(b, float) and not isinstance(a, bool):
            if not math.isclose(a, b, rel_tol=1e-15, abs_tol=1e-300): return False
        elif a != b:
            return False
    return True

def objects(value):
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)

if objects(report):
    assert book.sheetnames == [name], book.sheetnames
    check_table(name, report)
else:
    summary = [[k, cell(v)] for k, v in sorted(report.items()) if not (objects(v) and v)]
    expected_sheets = ([name] if summary else []) + [k for k, v in sorted(report.items()) if objects(v) and v]
    assert book.sheetnames == expected_sheets, f"sheets {book.sheetnames}, expected {expected_sheets}"
    if summary:
        got = rows_of(book[name])
        assert got[0] == ("field", "value") or list(got[0]) == ["field", "value"], got[0]
        assert same([list(r) for r in got[1:]], summary), f"summary {got[1:]} != {summary}"
    for k, v in report.items():
        if objects(v) and v: check_table(k, v)
print("ok")
PY
}

# report NAME SHEET ARGS...: runs the report with --json and --xlsx, then compares. A verdict
# (the gate's NO-GO, exit 3) is written all the same.
report() {
  local name=$1 sheet=$2 status=0
  shift 2
  [ "$name" = gate ] && status=3
  run "$MOAT" -w "$ws" "$@" --json --xlsx "$WORK/$name.xlsx"
  expect_status "$status" "$name"
  cp "$WORK/stdout" "$WORK/$name.json"
  same_rows "$name" "$WORK/$name.json" "$WORK/$name.xlsx" "$sheet"
}

report list-suppliers suppliers list suppliers
report list-parts parts list parts --product aurora
report gate gate gate --product aurora --as-of 2026-06-01
report flags flags flags --as-of 2026-06-01
report exposure exposure exposure --product aurora
report reconcile reconciliation reconcile --to 2026-06-01
report deadlines deadlines ip deadlines --as-of 2026-06-01

# Never half-written: a workbook that cannot be written leaves nothing behind.
run "$MOAT" -w "$ws" list suppliers --xlsx "$WORK/no-such-folder/out.xlsx"
expect_status 1 "an unwritable workbook"
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/no-such-folder" ] || fail "an unwritable workbook left files"

# A workbook is written as every file moat writes: through a link to the file it names, into a
# pipe as it is (a temporary file renamed over the path once replaced the pipe, or /dev/null).
: >"$WORK/named.xlsx"
ln -s named.xlsx "$WORK/link.xlsx"
run "$MOAT" -w "$ws" list suppliers --xlsx "$WORK/link.xlsx"
expect_status 0 "a workbook through a link"
CHECKS=$((CHECKS + 1))
[ -L "$WORK/link.xlsx" ] && [ -s "$WORK/named.xlsx" ] || fail "the workbook replaced the link, not the file it names"
mkfifo "$WORK/pipe.xlsx"
cat "$WORK/pipe.xlsx" >"$WORK/from-pipe.xlsx" &
reader=$!
run "$MOAT" -w "$ws" list suppliers --xlsx "$WORK/pipe.xlsx"
expect_status 0 "a workbook into a pipe"
[ -p "$WORK/pipe.xlsx" ] || kill "$reader" 2>/dev/null  # replaced: nothing will open the reader's pipe
wait "$reader"
CHECKS=$((CHECKS + 1))
[ -p "$WORK/pipe.xlsx" ] && [ "$(head -c 2 "$WORK/from-pipe.xlsx")" = PK ] ||
  fail "the workbook replaced the pipe, or wrote no workbook through it"

finish

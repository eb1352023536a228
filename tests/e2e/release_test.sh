# SPDX-License-Identifier: Apache-2.0
# Design files and need-to-know releases through the real binary: kinds told from content, a ZIP of
# Gerbers kept as its members, revisions, narrowing secrets; releases refused (plan, gate, recipient,
# expiry, a party completing a recipe, one person at a trusted factory completing one, a group at
# one supplier) with nothing written; dry runs; copies in the vault and under --out; revocation,
# the red flag and the gate failure until the return is confirmed; the released knowledge.
source "$(dirname "$0")/lib.sh"

# ---- A small product: two secrets make the one recipe ------------------------------------------
# P1 and P2 each expose one secret; P3 (final assembly at our own factory F9) exposes both.
# The plan is made at collusion 0, so it gives P1 and P2 to the cheapest supplier F1; then the
# policy becomes collusion 1: the gate's failing checks are waived so that only the knowledge
# rules decide.
mkdir -p "$WORK/csv"
cat > "$WORK/csv/products.csv" <<'CSV'
id,name
gadget,Gadget
CSV
cat > "$WORK/csv/secrets.csv" <<'CSV'
product,id,name,weight,strategy
gadget,S1,Housing geometry,1,trade-secret
gadget,S2,Board layout,1,trade-secret
gadget,S3,Firmware,2,trade-secret
CSV
cat > "$WORK/csv/recipes.csv" <<'CSV'
product,id,name,secrets
gadget,R1,Clone,S1;S2
CSV
cat > "$WORK/csv/packages.csv" <<'CSV'
product,id,name,capability,parts,exposes,volume,sources
gadget,P1,Housing,injection-molding,,S1,1000,1
gadget,P2,Board,pcb-fabrication,,S2,1000,1
gadget,P3,Final assembly,final-assembly,,S1;S2;S3,1000,1
CSV
cat > "$WORK/csv/suppliers.csv" <<'CSV'
id,legal_name,uscc,capabilities,capacity,status,trusted
F1,深圳市华晟精密模具有限公司,91440300MA53U1DB8E,injection-molding;pcb-fabrication,100000,qualified,false
F2,深圳市联创电路科技有限公司,91440300603446634B,injection-molding;pcb-fabrication,100000,qualified,false
F9,奥罗拉音频（东莞）制造有限公司,91441900MA4KTQA80E,final-assembly,100000,qualified,true
CSV
cat > "$WORK/csv/quotes.csv" <<'CSV'
product,package,supplier,unit_cost,fixed_cost,currency
gadget,P1,F1,1,0,CNY
gadget,P1,F2,5,0,CNY
gadget,P2,F1,1,0,CNY
gadget,P2,F2,5,0,CNY
gadget,P3,F9,1,0,CNY
CSV
cat > "$WORK/csv/people.csv" <<'CSV'
id,supplier,name,role
A1,F1,陈俊杰,Tooling engineer
A2,F1,杨帆,CAM engineer
B1,F2,刘洋,CAM engineer
T1,F9,梁晓燕,Plant manager
T2,F9,韩磊,Test lead
CSV

db_flags
run "$MOAT" init "$WORK/w" --company "Gadget Inc." "${DB_FLAGS[@]}"
expect_status 0 "init"
W=(-w "$WORK/w")
run "$MOAT" "${W[@]}" import "$WORK"/csv/*.csv
expect_status 0 "import"
# A plan at collusion 0, approved under a policy of 0 (approval holds a plan to the policy), then
# the policy raised: the gate's collusion-margin fails and is waived below.
sed -i 's/^collusion = .*/collusion = 0/' "$WORK/w/moat.toml"
run "$MOAT" "${W[@]}" plan --product gadget --save
expect_status 0 "plan at collusion 0"
run "$MOAT" "${W[@]}" plan approve --product gadget
expect_status 0 "approve"
sed -i 's/^collusion = .*/collusion = 1/' "$WORK/w/moat.toml"

# Waives every check the gate fails for releasing PACKAGE to SUPPLIER.
waive_all() {
  "$MOAT" "${W[@]}" gate --product gadget --supplier "$2" --package "$1" --json > "$WORK/gate.json"
  python3 - "$WORK/gate.json" <<'PY' > "$WORK/failing"
import json, sys
for c in json.load(open(sys.argv[1]))["checks"]:
    if c["status"] == "fail":
        print(c["id"], c["subject"])
PY
  while read -r check subject; do
    "$MOAT" "${W[@]}" waive "$check" "$subject" --role "IP counsel" --reason "test fixture" \
      --expires "$(date -u -d '+60 days' +%F)" --product gadget >/dev/null || fail "waive $check $subject"
  done < "$WORK/failing"
}

# ---- Design files ------------------------------------------------------------------------------

printf '%%PDF-1.7\n1 0 obj << >> endobj\n%%%%EOF\n' > "$WORK/housing.pdf"
printf 'ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\nENDSEC;\nEND-ISO-10303-21;\n' > "$WORK/housing.step"
mkdir -p "$WORK/fab/gerber" "$WORK/fab/drill"
printf 'G04 top*\n%%FSLAX46Y46*%%\n%%MOMM*%%\n%%ADD10C,0.1*%%\nD10*\nX0Y0D02*\nX1000000Y0D01*\nM02*\n' > "$WORK/fab/gerber/board.GTL"
printf 'M48\nMETRIC\nT1C0.300\n%%\nT1\nX1.0Y1.0\nM30\n' > "$WORK/fab/drill/board.drl"
(cd "$WORK/fab" && python3 -c '
import zipfile
with zipfile.ZipFile("../board.zip", "w") as z:
    z.write("gerber/board.GTL"); z.write("drill/board.drl")
')
run "$MOAT" "${W[@]}" file add P1 "$WORK/housing.pdf" "$WORK/housing.step" --note "rev A" --json
expect_status 0 "file add P1"
cp "$WORK/stdout" "$WORK/p1.json"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/p1.json" "$WORK/housing.pdf" <<'PY' || fail "file add: kinds, hashes, secrets"
import hashlib, json, sys
files = json.load(open(sys.argv[1]))
by = {f["name"]: f for f in files}
assert by["housing.pdf"]["media_type"] == "application/pdf" and by["housing.pdf"]["kind"] == "PDF", by
assert by["housing.step"]["media_type"] == "model/step", by
assert by["housing.pdf"]["sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
assert all(f["secrets"] == ["S1"] and f["revision"] == 1 and f["package"] == "P1" for f in files), files
PY
run "$MOAT" "${W[@]}" file add P2 "$WORK/board.zip" --json
expect_status 0 "file add a ZIP of Gerbers"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "a ZIP of Gerbers is kept as its members"
import json, sys
by = {f["name"]: f for f in json.load(open(sys.argv[1]))}
assert set(by) == {"gerber/board.GTL", "drill/board.drl"}, by
assert by["gerber/board.GTL"]["media_type"] == "application/vnd.gerber", by
assert by["drill/board.drl"]["media_type"] == "application/x-excellon", by
assert all(f["archive"] == "board.zip" for f in by.values()), by
PY
# A ZIP whose member paths name one place twice once written out ('set/./a.GTL' and 'set/a.GTL'; a
# member that is another's folder), or whose members unpack to more than 256 MiB (a small archive
# of zeros), is refused before anything is inflated or recorded, naming the archive and the member.
python3 - "$WORK" <<'PY'
import sys, zipfile
work = sys.argv[1]
g = "%FSLAX46Y46*%\n%MOMM*%\n%ADD10C,0.1*%\nD10*\nX0Y0D03*\nM02*\n"
with zipfile.ZipFile(work + "/dots.zip", "w") as z:
    z.writestr("set/./a.GTL", g)
    z.writestr("set/a.GTL", g.replace("X0", "X1"))
with zipfile.ZipFile(work + "/nested.zip", "w") as z:
    z.writestr("set/top", g)
    z.writestr("set/top/inner.GTL", g.replace("X0", "X2"))
with zipfile.ZipFile(work + "/bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("set/board.GTL", g)
    with z.open("set/zeros.bin", "w", force_zip64=True) as f:
        for _ in range(260):
            f.write(bytes(1 << 20))
PY
files_before=$(sql "$WORK/w" "SELECT COUNT(*) FROM files")
for archive in dots nested bomb; do
  run "$MOAT" "${W[@]}" file add P2 "$WORK/$archive.zip"
  expect_status 1 "file add $archive.zip"
  expect_stderr "$archive.zip: set/" "file add $archive.zip names the member"
done
expect_stderr "256 MiB" "the unpacked size's limit"
CHECKS=$((CHECKS + 1))
[ "$(sql "$WORK/w" "SELECT COUNT(*) FROM files")" = "$files_before" ] || fail "a refused ZIP recorded files"
run "$MOAT" "${W[@]}" trace "$WORK/bomb.zip"
expect_status 1 "trace a ZIP that unpacks to more than 256 MiB"
expect_stderr "256 MiB" "trace a ZIP that unpacks to more than 256 MiB"
# Narrowing only: a secret the package does not expose is refused, naming the flag.
run "$MOAT" "${W[@]}" file add P1 "$WORK/housing.pdf" --secrets "S2"
expect_status 1 "widening the secrets"
expect_stderr "--secrets"
# A new revision keeps the old one.
printf '%%PDF-1.7\n%% revision B\n%%%%EOF\n' > "$WORK/housing.pdf"
run "$MOAT" "${W[@]}" file add P1 "$WORK/housing.pdf" --json
expect_status 0 "file add, revision 2"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "revision 2"
import json, sys
(f,) = json.load(open(sys.argv[1]))
assert f["revision"] == 2 and f["name"] == "housing.pdf", f
PY
run "$MOAT" "${W[@]}" file list --all --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "file list --all"
import json, sys
revisions = sorted(f["revision"] for f in json.load(open(sys.argv[1])) if f["name"] == "housing.pdf")
assert revisions == [1, 2], revisions
PY
run "$MOAT" "${W[@]}" file get D1 -o "$WORK/master-d1.pdf"
expect_status 0 "file get (no accounts yet)"
printf '%%PDF-1.7\n1 0 obj << >> endobj\n%%%%EOF\n' > "$WORK/expected-d1.pdf"
same_files "$WORK/master-d1.pdf" "$WORK/expected-d1.pdf" "the first revision's master"
expect_ledger() {
  CHECKS=$((CHECKS + 1))
  [ "$(sql "$WORK/w" "SELECT COUNT(*) FROM ledger WHERE action = '$1'")" -ge 1 ] || fail "no '$1' event in the ledger"
}
expect_ledger read-master
# P3's files: one per secret, so that they can go to different people.
printf 'housing notes\n' > "$WORK/p3-housing.txt"
printf 'board notes\n' > "$WORK/p3-board.txt"
run "$MOAT" "${W[@]}" file add P3 "$WORK/p3-housing.txt" --secrets S1
expect_status 0 "narrowed to S1"
run "$MOAT" "${W[@]}" file add P3 "$WORK/p3-board.txt" --secrets "S2"
expect_status 0 "narrowed to S2"
P3_HOUSING=$("$MOAT" "${W[@]}" file list --package P3 --json | python3 -c 'import json,sys; print(next(f["id"] for f in json.load(sys.stdin) if f["name"] == "p3-housing.txt"))')
P3_BOARD=$("$MOAT" "${W[@]}" file list --package P3 --json | python3 -c 'import json,sys; print(next(f["id"] for f in json.load(sys.stdin) if f["name"] == "p3-board.txt"))')

# ---- Refusals write nothing --------------------------------------------------------------------

state() { sql "$WORK/w" "SELECT (SELECT COUNT(*) FROM releases) || '/' || (SELECT COUNT(*) FROM copies) || '/' || (SELECT COUNT(*) FROM ledger)"; }
expect_refused() {  # DESCRIPTION TEXT-IN-STDERR -- ARGS...
  local what=$1 text=$2
  shift 3
  local before
  before=$(state)
  run "$MOAT" "${W[@]}" release "$@"
  expect_status 1 "$what"
  expect_stderr "$text" "$what"
  CHECKS=$((CHECKS + 1))
  [ "$(state)" = "$before" ] || fail "$what wrote something: $before -> $(state)"
}
expect_refused "no go from the gate" "gate" -- P1 --to F1 --recipient A1
waive_all P1 F1
waive_all P2 F1
waive_all P3 F9
# F9 is our own factory: its staff are bound by employee confidentiality agreements, not an NNN.
run "$MOAT" "${W[@]}" agreement add --kind confidentiality --supplier F9 --person T1 --person T2 --effective 2026-01-05
expect_status 0 "the own factory's staff sign confidentiality agreements"
expect_refused "a supplier the plan does not name" "does not assign" -- P1 --to F2 --recipient B1
expect_refused "a person not at the supplier" "B1" -- P1 --to F1 --recipient B1
expect_refused "an expiry before today" "expire" -- P1 --to F1 --recipient A1 --expires 2020-01-01
expect_refused "an old revision" "current revision" -- P1 --to F1 --recipient A1 --files D1

# A dry run says what would happen and writes nothing: 0 when it would go.
before=$(state)
run "$MOAT" "${W[@]}" release P1 --to F1 --recipient A1 --dry-run --json
expect_status 0 "dry run that would go"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "dry run JSON"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["go"] is True and o["dry_run"] is True and o["release"] is None and o["copies"] == [], o
assert o["verdict"]["verdict"] == "go", o["verdict"]
people = {c["holder"]: c for c in o["exposure"] if c["kind"] == "person"}
assert people["A1"]["before"] == [] and people["A1"]["after"] == ["S1"], o["exposure"]
PY
CHECKS=$((CHECKS + 1))
[ "$(state)" = "$before" ] || fail "a dry run wrote something"
# A release goes out today, on today's gate: --as-of asks what a dry run would have answered on
# another day, and never releases (an earlier day's verdict, before a waiver expired or a flag
# was raised, would let out what today's gate refuses, recorded as of that day).
expect_refused "a release as of another day" "--as-of" -- P1 --to F1 --recipient A1 --as-of "$(date -u -d '-30 days' +%F)"
run "$MOAT" "${W[@]}" release P1 --to F1 --recipient A1 --dry-run --as-of "$(date -u -d '-30 days' +%F)"
CHECKS=$((CHECKS + 1))
[ "$STATUS" -eq 0 ] || [ "$STATUS" -eq 3 ] || fail "a dry run as of another day: exit $STATUS: $(cat "$WORK/stderr")"

# ---- Releases ----------------------------------------------------------------------------------

run "$MOAT" "${W[@]}" release P1 --to F1 --recipient A1 --recipient A2 --expires "$(date -u -d '+30 days' +%F)" --reason "mold design" --json
expect_status 0 "release P1 to two people at F1"
cp "$WORK/stdout" "$WORK/r1.json"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/r1.json" <<'PY' || fail "release JSON"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["release"] == "R1" and o["go"] is True, o
assert len(o["copies"]) == 4, o["copies"]    # 2 people x the 2 current files of P1
assert {c["recipient"] for c in o["copies"]} == {"A1", "A2"}, o["copies"]
assert all(len(c["copy_hash"]) == 64 and c["scheme"] == "none" and c["in_vault"] for c in o["copies"]), o["copies"]
# Each unmarked copy says why: these files have nothing a mark can ride on.
assert all(c["unmarked"] for c in o["copies"]), o["copies"]
PY

# The party F1 would now hold S1 and S2: recipe R1, refused at the party level, naming R1 and the files.
expect_refused "a party completing a recipe" "R1" -- P2 --to F1 --recipient A1
expect_stderr "party" "the party refusal"
expect_stderr "board.GTL" "the party refusal names the files"
run "$MOAT" "${W[@]}" release P2 --to F1 --recipient A1 --dry-run
expect_status 3 "a dry run that would be refused exits 3"

# One person at the trusted factory F9 may not hold the whole recipe either.
expect_refused "one person at a trusted supplier completing a recipe" "one person" -- P3 --to F9 --recipient T1 --files "$P3_HOUSING" "$P3_BOARD"
expect_stderr "R1" "the person refusal names the recipe"
expect_stderr "p3-board.txt" "the person refusal names the files"
# Split between two people it goes (person_collusion 1) ...
run "$MOAT" "${W[@]}" release P3 --to F9 --recipient T1 --files "$P3_HOUSING"
expect_status 0 "half of P3 to T1"
# ... but not when two people at one supplier count as one (person_collusion 2).
sed -i 's/^person_collusion = .*/person_collusion = 2/' "$WORK/w/moat.toml"
expect_refused "a group at one supplier completing a recipe" "2 people at F9" -- P3 --to F9 --recipient T2 --files "$P3_BOARD"
sed -i 's/^person_collusion = .*/person_collusion = 1/' "$WORK/w/moat.toml"
run "$MOAT" "${W[@]}" release P3 --to F9 --recipient T2 --files "$P3_BOARD" --out "$WORK/out"
expect_status 0 "the other half of P3 to T2, written to a folder"
expect_stderr "p3-board.txt) went out unmarked (moat does not mark this kind of file); its 1 copy is the master's bytes, so a leak of it names no one" "a copy that cannot name its recipient is said so"
CHECKS=$((CHECKS + 1))
[ -f "$WORK/out/T2/p3-board.txt" ] && cmp -s "$WORK/out/T2/p3-board.txt" "$WORK/p3-board.txt" || fail "--out: the copy is not in the recipient's folder"
run "$MOAT" "${W[@]}" release P3 --to F9 --recipient T2 --files "$P3_BOARD" --out "$WORK/out"
expect_status 1 "a copy never overwrites a file under --out"
# --out onto a file is the user's to fix (exit 1, not an internal error); a link where a copy goes,
# even one that leads nowhere, is never replaced.
printf 'x\n' > "$WORK/not-a-folder"
run "$MOAT" "${W[@]}" release P3 --to F9 --recipient T2 --files "$P3_BOARD" --out "$WORK/not-a-folder"
expect_status 1 "--out onto a file"
expect_stderr "not-a-folder" "--out onto a file"
mkdir -p "$WORK/linked/T2" && ln -s "$WORK/nowhere" "$WORK/linked/T2/p3-board.txt"
run "$MOAT" "${W[@]}" release P3 --to F9 --recipient T2 --files "$P3_BOARD" --out "$WORK/linked"
expect_status 1 "a link where a copy goes"
CHECKS=$((CHECKS + 1))
[ -L "$WORK/linked/T2/p3-board.txt" ] && [ ! -e "$WORK/nowhere" ] || fail "--out replaced a link or wrote through it"

# A kind moat does not mark goes out as the master's own vault content, never read into memory; a
# damaged master is refused, into the vault or a folder, and nothing is written.
BLOB=$(sql "$WORK/w" "SELECT blob FROM files WHERE id = '$P3_HOUSING'")
cp "$WORK/w/vault/$BLOB" "$WORK/blob.saved"
python3 - "$WORK/w/vault/$BLOB" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0x10
open(sys.argv[1], "wb").write(data)
PY
for destination in vault folder; do
  before=$(state)
  if [ "$destination" = vault ]; then
    run "$MOAT" "${W[@]}" release P3 --to F9 --recipient T1 --files "$P3_HOUSING"
  else
    run "$MOAT" "${W[@]}" release P3 --to F9 --recipient T1 --files "$P3_HOUSING" --out "$WORK/damaged"
  fi
  CHECKS=$((CHECKS + 1))
  [ "$STATUS" -ne 0 ] || fail "a damaged master released to the $destination"
  expect_stderr "$BLOB" "the damaged master's refusal names its vault id ($destination)"
  CHECKS=$((CHECKS + 1))
  [ "$(state)" = "$before" ] || fail "a damaged master's release to the $destination wrote something"
done
CHECKS=$((CHECKS + 1))
[ -z "$(find "$WORK/damaged" -type f 2>/dev/null)" ] || fail "a damaged master left files under --out: $(find "$WORK/damaged" -type f)"
cp "$WORK/blob.saved" "$WORK/w/vault/$BLOB"

# The released knowledge, per party and per person.
run "$MOAT" "${W[@]}" exposure --product gadget --released --people --json
expect_status 0 "exposure --released --people"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "released knowledge per person"
import json, sys
k = json.load(open(sys.argv[1]))["released"]
assert k["holders"] == "people" and k["secrets"] == ["S1", "S2", "S3"], k
rows = {r["person"]: r for r in k["rows"]}
assert rows["A1"]["cells"] == "D  " and rows["T2"]["cells"] == " D ", rows
assert rows["T1"]["trusted"] is True and rows["T1"]["supplier"] == "F9", rows
PY
run "$MOAT" "${W[@]}" exposure --product gadget --released --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "released knowledge per party"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["plan"]["plan"] == "plan-1", doc["plan"]
rows = {r["party"]: r for r in doc["released"]["rows"]}
assert any(r["cells"] == "D  " for r in rows.values()), rows
PY

# ---- Revocation: the red flag and the gate until the return is confirmed -------------------------

# A return is confirmed after the files stop being handed out: an active release's is refused.
before=$(state)
run "$MOAT" "${W[@]}" release returned R1 --reason "too early"
expect_status 1 "confirming the return of an active release"
expect_stderr "revoke it first" "confirming the return of an active release"
CHECKS=$((CHECKS + 1))
[ "$(state)" = "$before" ] || fail "a refused confirmation wrote something"

run "$MOAT" "${W[@]}" release revoke R1 --reason "mold moved to another maker" --json
expect_status 0 "revoke"
run "$MOAT" "${W[@]}" release revoke R1 --reason "twice"
expect_status 1 "revoking twice"
run "$MOAT" "${W[@]}" flags --json
CHECKS=$((CHECKS + 1))
grep -q '"release-not-returned"' "$WORK/stdout" || fail "no release-not-returned flag after the revocation"
run "$MOAT" "${W[@]}" gate --product gadget --supplier F1 --package P1 --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the gate does not fail files-returned"
import json, sys
c = next(c for c in json.load(open(sys.argv[1]))["checks"] if c["id"] == "files-returned")
assert c["status"] == "fail" and "R1" in c["reason"], c
PY
run "$MOAT" "${W[@]}" release returned R1 --reason "destruction certificate DC-2026-01" --json
expect_status 0 "confirm the return"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "returned"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["state"] == "revoked" and r["returned"] is True and r["flagged"] is False, r
PY
run "$MOAT" "${W[@]}" gate --product gadget --supplier F1 --package P1 --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "files-returned still fails after the return"
import json, sys
c = next(c for c in json.load(open(sys.argv[1]))["checks"] if c["id"] == "files-returned")
assert c["status"] == "pass", c
PY
run "$MOAT" "${W[@]}" release list --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "release list"
import json, sys
releases = json.load(open(sys.argv[1]))
assert [r["id"] for r in releases] == ["R3", "R2", "R1"], [r["id"] for r in releases]
PY
# A filter naming no supplier, product or person is an error, not a list that reads "none".
for filter in "--supplier F99" "--supplier f1" "--product nope" "--person Z9"; do
  # shellcheck disable=SC2086
  run "$MOAT" "${W[@]}" release list $filter
  expect_status 1 "release list $filter"
  expect_stderr "${filter%% *}" "release list $filter"
done

# The same bytes added again under other secrets carry what they carried before: T1 holds S1 and
# may not have the board's specification (S2); added again as p3-summary.txt "carrying S1", the
# same bytes are refused to T1 all the same.
printf 'board specification\n' > "$WORK/p3-spec.txt"
run "$MOAT" "${W[@]}" file add P3 "$WORK/p3-spec.txt" --secrets S2 --json
expect_status 0 "the board's specification"
P3_SPEC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$WORK/stdout")
expect_refused "the specification to T1" "one person" -- P3 --to F9 --recipient T1 --files "$P3_SPEC"
cp "$WORK/p3-spec.txt" "$WORK/p3-summary.txt"
run "$MOAT" "${W[@]}" file add P3 "$WORK/p3-summary.txt" --secrets S1 --json
expect_status 0 "the specification again, as carrying S1"
P3_SUMMARY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$WORK/stdout")
expect_refused "the same bytes under other secrets" "one person" -- P3 --to F9 --recipient T1 --files "$P3_SUMMARY"
expect_stderr "p3-summary.txt" "the refusal names the file whose content carries the recipe's secret"

# ---- Only administrators read masters once there are accounts ----------------------------------
printf 'correct-horse-battery\n' | "$MOAT" "${W[@]}" user add boss --role admin >/dev/null || fail "user add"
printf 'correct-horse-battery\n' | "$MOAT" "${W[@]}" user add someone --role sourcing >/dev/null || fail "user add"
someone=$("$MOAT" "${W[@]}" token create someone 2>/dev/null)
boss=$("$MOAT" "${W[@]}" token create boss 2>/dev/null)
run "$MOAT" "${W[@]}" file get D2 -o "$WORK/m.step" --token "$someone"
expect_status 1 "a non-administrator reads a master"
run env MOAT_TOKEN="$boss" "$MOAT" "${W[@]}" file get D2 -o "$WORK/m.step"
expect_status 0 "the administrator reads a master"

# The ledger still verifies after all of it.
run "$MOAT" "${W[@]}" audit verify
expect_status 0 "audit verify"

finish

# SPDX-License-Identifier: Apache-2.0
# moat trace through the real binary: a PCB layer (Gerber) and a drawing (PDF) released to two
# people at one supplier, each copy traced to its recipient with the agreement that binds them,
# a copy re-exported by gerbv traced too, the unmarked master and an unrelated file traced to no
# one (exit 1), an unmarked kind's copy (the master byte for byte) too, and every trace in the ledger.
# A naming the ledger does not vouch for (a copy's row or its events changed in the database, the
# ledger's head broken) is shown but said not to be evidence, exit 3. A suspect larger than moat
# reads is traced by its hash, with bounded memory.
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/csv"
cat > "$WORK/csv/products.csv" <<'CSV'
id,name
gadget,Gadget
CSV
cat > "$WORK/csv/secrets.csv" <<'CSV'
product,id,name,weight,strategy
gadget,S1,Housing geometry,1,trade-secret
gadget,S2,Board layout,1,trade-secret
CSV
cat > "$WORK/csv/recipes.csv" <<'CSV'
product,id,name,secrets
gadget,R1,Clone,S1;S2
CSV
cat > "$WORK/csv/packages.csv" <<'CSV'
product,id,name,capability,parts,exposes,volume,sources
gadget,P1,Housing,injection-molding,,S1,1000,1
gadget,P2,Board,pcb-fabrication,,S2,1000,1
CSV
cat > "$WORK/csv/suppliers.csv" <<'CSV'
id,legal_name,uscc,capabilities,capacity,status,trusted
F1,深圳市华晟精密模具有限公司,91440300MA53U1DB8E,injection-molding,100000,qualified,false
F2,深圳市联创电路科技有限公司,91440300603446634B,pcb-fabrication,100000,qualified,false
CSV
cat > "$WORK/csv/quotes.csv" <<'CSV'
product,package,supplier,unit_cost,fixed_cost,currency
gadget,P1,F1,1,0,CNY
gadget,P2,F2,1,0,CNY
CSV
cat > "$WORK/csv/people.csv" <<'CSV'
id,supplier,name,role
B1,F2,刘洋,CAM engineer
B2,F2,王芳,Process engineer
CSV
cat > "$WORK/csv/agreements.csv" <<CSV
id,kind,supplier,counterparty_name,counterparty_uscc,governing_law,languages,controlling_language,court,court_country,court_division,arbitration,liquidated_damages,currency,non_use,non_circumvention,subcontractor_flow_down,related_companies_liability,improvements_ownership,tooling_ownership,signed_by,signer_is_legal_rep,chop,effective,expires,products,secrets,document,contracted_by,on_behalf_of,flows_down_to,note
AG1,nnn,F2,深圳市联创电路科技有限公司,91440300603446634B,CN,zh;en,zh,深圳市中级人民法院,CN,440300,false,500000,CNY,true,true,true,true,false,false,李强,true,true,$(date -u -d '-30 days' +%F),$(date -u -d '+700 days' +%F),gadget,S2,,,,,
CSV

db_flags
run "$MOAT" init "$WORK/w" --company "Gadget Inc." "${DB_FLAGS[@]}"
expect_status 0 "init"
W=(-w "$WORK/w")
run "$MOAT" "${W[@]}" import "$WORK"/csv/*.csv
expect_status 0 "import"
run "$MOAT" "${W[@]}" plan --product gadget --save
expect_status 0 "plan"
run "$MOAT" "${W[@]}" plan approve --product gadget
expect_status 0 "approve"
"$MOAT" "${W[@]}" gate --product gadget --supplier F2 --package P2 --json > "$WORK/gate.json"
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

# A copper layer of 400 isolated pads joined in pairs by tracks, a drawing of 300 small squares,
# and a firmware image (not marked).
python3 - "$WORK" <<'PY'
import random, sys
random.seed(7)
work = sys.argv[1]
lines = ["G04 generated top copper*", "%FSLAX46Y46*%", "%MOMM*%", "%ADD10C,0.600*%", "%ADD11C,0.200*%", "D10*"]
pads = []
for i in range(20):
    for j in range(20):
        x, y = 2_000_000 * i + random.randint(0, 500_000), 2_000_000 * j + random.randint(0, 500_000)
        pads.append((x, y))
        lines.append(f"X{x}Y{y}D03*")
lines.append("D11*")
for k in range(0, len(pads) - 1, 2):
    (x1, y1), (x2, y2) = pads[k], pads[k + 1]
    lines += [f"X{x1}Y{y1}D02*", f"X{x2}Y{y2}D01*"]
lines.append("M02*")
open(f"{work}/board.GTL", "w").write("\n".join(lines) + "\n")

ops = ["0.5 w"]
for i in range(300):
    x, y = 40 + (i % 20) * 38 + random.random() * 5, 40 + (i // 20) * 34 + random.random() * 5
    ops.append(f"{x:.3f} {y:.3f} m {x + 12:.3f} {y:.3f} l {x + 12:.3f} {y + 9:.3f} l {x:.3f} {y + 9:.3f} l h S")
page = "\n".join(ops)
objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents 4 0 R >>",
        f"<< /Length {len(page)} >>\nstream\n{page}\nendstream"]
out, offsets = "%PDF-1.7\n", []
for n, o in enumerate(objs, 1):
    offsets.append(len(out))
    out += f"{n} 0 obj\n{o}\nendobj\n"
xref = len(out)
out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
open(f"{work}/board.pdf", "w").write(out)
open(f"{work}/board.bin", "wb").write(bytes(random.getrandbits(8) for _ in range(4096)))
PY

run "$MOAT" "${W[@]}" file add P2 "$WORK/board.GTL" "$WORK/board.pdf" "$WORK/board.bin" --json
expect_status 0 "file add"
run "$MOAT" "${W[@]}" release P2 --to F2 --recipient B1 --recipient B2 --out "$WORK/out" --json
expect_status 0 "release to two recipients"
cp "$WORK/stdout" "$WORK/release.json"
RELEASE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["release"])' "$WORK/release.json")
CHECKS=$((CHECKS + 1))
python3 - "$WORK/release.json" <<'PY' || fail "release: the Gerber and PDF copies are marked, the firmware is not"
import json, sys
o = json.load(open(sys.argv[1]))
schemes = {(c["name"], c["recipient"]): (c["scheme"], c["resists"]) for c in o["copies"]}
for who in ("B1", "B2"):
    assert schemes[("board.GTL", who)][0] == "gerber" and schemes[("board.GTL", who)][1] >= 1, schemes
    assert schemes[("board.pdf", who)][0] == "pdf", schemes
    assert schemes[("board.bin", who)] == ("none", 0), schemes
PY
cmp -s "$WORK/out/B1/board.GTL" "$WORK/out/B2/board.GTL" && fail "the two recipients' Gerber copies are identical"

# trace_to FILE PERSON WHAT: the file traces to PERSON of this release, at F2, under AG1.
trace_to() {
  run "$MOAT" "${W[@]}" trace "$1" --json
  expect_status 0 "trace $3"
  CHECKS=$((CHECKS + 1))
  python3 - "$WORK/stdout" "$2" "$RELEASE" <<'PY' || fail "trace $3: not named $2"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["recipient"] == sys.argv[2] and o["release"] == sys.argv[3] and o["supplier"] == "F2", o
assert o["agreement"] == "AG1" and o["file"], o
e = o["evidence"]
assert o["ledger"]["vouched"] is True and o["ledger"]["problems"] == [], o["ledger"]
assert all(c["ledger_vouched"] is True for c in o["named"]), o["named"]
if o["verdict"] == "named":
    assert e["score"] > e["threshold"] and 0 <= e["p_value"] <= 1e-6 and e["epsilon"] == 1e-6, e
    assert [c["recipient"] for c in o["named"]] == [sys.argv[2]], o["named"]
PY
}
for who in B1 B2; do
  trace_to "$WORK/out/$who/board.GTL" "$who" "the Gerber copy of $who"
  trace_to "$WORK/out/$who/board.pdf" "$who" "the PDF copy of $who"
done

# A ZIP holding B1's Gerber and B2's drawing names both, each member with its own evidence: the
# hash that "equals the copy's" is the member's, the archive's own is given beside it.
python3 - "$WORK" <<'PY'
import sys, zipfile
work = sys.argv[1]
with zipfile.ZipFile(f"{work}/mixed.zip", "w") as z:
    z.write(f"{work}/out/B1/board.GTL", "a/top.GTL")
    z.write(f"{work}/out/B2/board.pdf", "b/drawing.pdf")
PY
run "$MOAT" "${W[@]}" trace "$WORK/mixed.zip" --json
expect_status 0 "trace a ZIP of two people's copies"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" "$WORK" <<'PY' || fail "trace of a ZIP: both leakers, each member's hash"
import hashlib, json, sys
o, work = json.load(open(sys.argv[1])), sys.argv[2]
digest = lambda path: hashlib.sha256(open(path, "rb").read()).hexdigest()
members = [o] + o["archive"]["other_members"]
by_member = {m["member"]: m for m in members}
assert set(by_member) == {"a/top.GTL", "b/drawing.pdf"}, list(by_member)
assert by_member["a/top.GTL"]["recipient"] == "B1" and by_member["b/drawing.pdf"]["recipient"] == "B2", members
assert by_member["a/top.GTL"]["evidence"]["sha256"] == digest(f"{work}/out/B1/board.GTL"), o
assert by_member["b/drawing.pdf"]["evidence"]["sha256"] == digest(f"{work}/out/B2/board.pdf"), o
assert o["archive"]["sha256"] == digest(f"{work}/mixed.zip"), o["archive"]
assert len(o["archive"]["other_members"]) == 1, o["archive"]["other_members"]
PY
run "$MOAT" "${W[@]}" trace "$WORK/mixed.zip"
CHECKS=$((CHECKS + 1))
[ "$(grep -c '^  also ' "$WORK/stdout")" = 1 ] && grep -q "^  also .*B2" "$WORK/stdout" || fail "the second leaker once in the text: $(cat "$WORK/stdout")"

# Zipped again, with a readme beside it, and B2's drawing one level deeper: the members of the
# inner archives are traced as well, named by their path through them.
python3 - "$WORK" <<'PY'
import io, sys, zipfile
work = sys.argv[1]
inner = io.BytesIO()
with zipfile.ZipFile(inner, "w") as z:
    z.write(f"{work}/out/B2/board.pdf", "drawing.pdf")
middle = io.BytesIO()
with zipfile.ZipFile(middle, "w") as z:
    z.write(f"{work}/out/B1/board.GTL", "top.GTL")
    z.writestr("docs.zip", inner.getvalue())
with zipfile.ZipFile(f"{work}/nested.zip", "w") as z:
    z.writestr("readme.txt", "board files\n")
    z.writestr("set.zip", middle.getvalue())
PY
run "$MOAT" "${W[@]}" trace "$WORK/nested.zip" --json
expect_status 0 "trace a ZIP within a ZIP"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "trace of nested ZIPs: both leakers, by their paths inside"
import json, sys
o = json.load(open(sys.argv[1]))
members = {m["member"]: m["recipient"] for m in [o] + o["archive"]["other_members"]}
assert members == {"set.zip/top.GTL": "B1", "set.zip/docs.zip/drawing.pdf": "B2"}, members
PY

# An archive inside that cannot be opened (here: damaged) is named, and a trace that finds no one
# says it read less than it was given, rather than "no design file matches".
python3 - "$WORK" <<'PY'
import zipfile, sys
work = sys.argv[1]
with zipfile.ZipFile(f"{work}/broken-inside.zip", "w") as z:
    z.writestr("readme.txt", "board files\n")
    z.writestr("set.zip", b"PK\x03\x04" + b"\x00" * 60)
PY
run "$MOAT" "${W[@]}" trace "$WORK/broken-inside.zip" --json
expect_status 1 "trace a ZIP with a damaged ZIP inside: no one named"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the damaged archive inside is named, and the message says so"
import json, sys
o = json.load(open(sys.argv[1]))
assert [u.split(":")[0] for u in o["archives_unopened"]] == ["set.zip"], o
assert "could not be opened and were not read" in o["message"], o["message"]
PY

# A copy cut short (a PDF without its end: no trailer, no cross-reference) does not read as a PDF:
# the trace says so, rather than "no design file matches" (which reads as "not our file").
head -c 1500 "$WORK/out/B1/board.pdf" > "$WORK/cut-short.pdf"
run "$MOAT" "${W[@]}" trace "$WORK/cut-short.pdf" --json
expect_status 1 "trace a PDF cut short"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "a PDF cut short: the trace does not say it could not be read"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["verdict"] == "unknown" and "not a readable PDF" in o["unreadable"], o
assert "does not read as PDF" in o["message"] and "truncated or damaged" in o["message"], o["message"]
PY

# A master the vault finds damaged is named and left out; the others of its kind are still
# compared. (In a copy of the workspace: a second drawing added to P2, then its vault file damaged.)
clone_workspace "$WORK/w" "$WORK/dmg" || fail "clone"
sed 's/0.5 w/0.6 w/' "$WORK/board.pdf" > "$WORK/other.pdf"
run "$MOAT" -w "$WORK/dmg" file add P2 "$WORK/other.pdf"
expect_status 0 "add a second drawing"
BLOB=$(sql "$WORK/dmg" "SELECT blob FROM files WHERE name = 'other.pdf'")
python3 - "$WORK/dmg/vault/$BLOB" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 1
open(sys.argv[1], "wb").write(bytes(data))
PY
{ cat "$WORK/out/B1/board.pdf"; printf '%% re-saved\n'; } > "$WORK/b1-resaved.pdf"
run "$MOAT" -w "$WORK/dmg" trace "$WORK/b1-resaved.pdf" --json
expect_status 0 "trace beside a damaged master"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "a damaged master left out, named, the copy still traced"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["recipient"] == "B1", o
assert len(o["masters_unread"]) == 1 and "other.pdf" in o["masters_unread"][0], o.get("masters_unread")
PY
{ cat "$WORK/other.pdf"; printf '%% re-saved\n'; } > "$WORK/other-resaved.pdf"
run "$MOAT" -w "$WORK/dmg" trace "$WORK/other-resaved.pdf"
expect_status 1 "a file the damaged master might have registered"
expect_stdout "could not be read from the vault and were not compared" "why nothing was found"
# A drawing printed to other paper, fitted to it: the A4 landscape page on Letter portrait is scaled
# by 0.94 and turned a quarter (Ghostscript also writes each box as a rectangle's corner).
if command -v gs >/dev/null; then
  gs -q -o "$WORK/letter.pdf" -sDEVICE=pdfwrite -sPAPERSIZE=letter -dFIXEDMEDIA -dPDFFitPage \
    "$WORK/out/B2/board.pdf" || fail "gs could not print the PDF copy to Letter"
  trace_to "$WORK/letter.pdf" B2 "the PDF copy of B2 printed to Letter, fitted"
  CHECKS=$((CHECKS + 1))
  python3 -c 'import json, sys; t = json.load(open(sys.argv[1]))["evidence"]["transform"]; assert "scaled (0.94" in t, t' \
    "$WORK/stdout" || fail "the trace of a page printed to Letter does not say it was scaled"
fi
python3 - "$WORK/out/B2/board.GTL" "$WORK/cut.GTL" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
# Half of the pads gone, the comments stripped.
kept = [l for n, l in enumerate(lines) if not (l.endswith("D03*") and n % 2) and not l.startswith("G04")]
open(sys.argv[2], "w").write("\n".join(kept) + "\n")
PY
trace_to "$WORK/cut.GTL" B2 "the Gerber copy of B2 with half its pads removed"

# A copy moved on its panel (every point 5 mm further) is found by a search for how it sits on
# the master, whose progress a terminal shows and --json or a pipe never does.
python3 - "$WORK/out/B2/board.GTL" "$WORK/moved.GTL" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
move = lambda m: m.group(1) + str(int(m.group(2)) + 5_000_000)
moved = [re.sub(r"([XY])(-?[0-9]+)", move, l) if re.match(r"X.*D0[123][*]$", l) else l for l in lines]
open(sys.argv[2], "w").write("\n".join(moved) + "\n")
PY
trace_to "$WORK/moved.GTL" B2 "the Gerber copy of B2 moved by 5 mm"
export MOAT_PROGRESS_DELAY_MS=0  # draw from the first step: the test must not depend on speed
on_terminal "$WORK/trace-tty.out" "$MOAT" "${W[@]}" trace "$WORK/moved.GTL"
grep -aq "Tracing [0-9]*/[0-9]* search steps" "$WORK/trace-tty.out" ||
  fail "trace on a terminal shows no progress: $(tail -c 400 "$WORK/trace-tty.out")"
grep -aq "Tracing .*done in" "$WORK/trace-tty.out" || fail "the trace's progress line does not end"
grep -aq "marked for B2" "$WORK/trace-tty.out" || fail "the trace on a terminal names no one"
on_terminal "$WORK/trace-json.out" "$MOAT" "${W[@]}" trace "$WORK/moved.GTL" --json
grep -aq "Tracing" "$WORK/trace-json.out" && fail "trace --json printed progress"
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["recipient"] == "B2"' "$WORK/trace-json.out" ||
  fail "trace --json on a terminal printed more than its JSON: $(head -c 300 "$WORK/trace-json.out")"
"$MOAT" "${W[@]}" trace "$WORK/moved.GTL" 2> "$WORK/trace-piped.err" | cat > "$WORK/trace-piped.out"
grep -q "Tracing" "$WORK/trace-piped.out" "$WORK/trace-piped.err" && fail "trace printed progress to a pipe"
grep -q "marked for B2" "$WORK/trace-piped.out" || fail "the piped trace names no one"
unset MOAT_PROGRESS_DELAY_MS
qpdf --object-streams=generate "$WORK/out/B2/board.pdf" "$WORK/rewritten.pdf"
trace_to "$WORK/rewritten.pdf" B2 "the PDF copy of B2 rewritten by qpdf"
if command -v gerbv >/dev/null; then
  gerbv --export=rs274x --output="$WORK/reexported.gbr" "$WORK/out/B1/board.GTL" 2>/dev/null
  trace_to "$WORK/reexported.gbr" B1 "the Gerber copy of B1 re-exported by gerbv"
fi

# The masters and an unrelated file name no one.
# An unmarked kind's copy is the master byte for byte: it names no one.
for master in board.GTL board.pdf board.bin; do
  run "$MOAT" "${W[@]}" trace "$WORK/$master" --json
  expect_status 1 "trace the master $master"
  CHECKS=$((CHECKS + 1))
  python3 - "$WORK/stdout" <<'PY' || fail "trace the master $master: not the unmarked master"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["verdict"] == "master" and o["recipient"] is None and o["release"] is None, o
assert o["ledger"]["vouched"] is None, o["ledger"]
PY
done
printf 'G04 another board*\n%%FSLAX46Y46*%%\n%%MOMM*%%\n%%ADD10C,0.5*%%\nD10*\nX100Y100D03*\nM02*\n' > "$WORK/other.GTL"
run "$MOAT" "${W[@]}" trace "$WORK/other.GTL"
expect_status 1 "trace an unrelated Gerber"
expect_stdout "no fingerprint found" "trace an unrelated Gerber"

# A suspect larger than moat reads into memory (256 MiB; lowered here to 1024 bytes by the
# variable for tests, so that no test writes 256 MiB) is traced by its SHA-256, read in chunks: an
# exact copy and the master are still identified; anything else says that no exact copy matched
# and how much mark recovery reads, exit 1.
export MOAT_TEST_MAX_INPUT_BYTES=1024
run "$MOAT" "${W[@]}" trace "$WORK/out/B1/board.GTL" --json
expect_status 0 "trace an exact copy larger than moat reads"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "an exact copy larger than moat reads is not named"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["verdict"] == "exact-copy" and o["recipient"] == "B1" and o["evidence"]["method"] == "sha256", o
assert o["ledger"]["vouched"] is True, o["ledger"]
PY
for master in board.bin out/B2/board.bin; do
  run "$MOAT" "${W[@]}" trace "$WORK/$master" --json
  expect_status 1 "trace $master, larger than moat reads"
  CHECKS=$((CHECKS + 1))
  python3 -c 'import json, sys; o = json.load(open(sys.argv[1])); assert o["verdict"] == "master" and o["file"], o' \
    "$WORK/stdout" || fail "trace $master, larger than moat reads: not the unmarked master"
done
run "$MOAT" "${W[@]}" trace "$WORK/cut.GTL"
expect_status 1 "trace a changed copy larger than moat reads"
expect_stdout "no exact copy matched" "trace a changed copy larger than moat reads"
expect_stdout "mark recovery reads at most 1024 bytes" "trace a changed copy larger than moat reads"
run "$MOAT" "${W[@]}" trace "$WORK/cut.GTL" --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json, sys; o = json.load(open(sys.argv[1])); assert o["verdict"] == "too-large" and o["recipient"] is None, o' \
  "$WORK/stdout" || fail "trace --json of a changed copy larger than moat reads"
# Its memory stays bounded: a 32 MiB suspect costs far less than 32 MiB.
head -c $((32 << 20)) /dev/urandom > "$WORK/large.bin"
CHECKS=$((CHECKS + 1))
python3 - "$MOAT" "$WORK/w" "$WORK/large.bin" <<'PY' || fail "tracing a 32 MiB file by its hash holds it in memory"
import resource, subprocess, sys
done = subprocess.run([sys.argv[1], "-w", sys.argv[2], "trace", sys.argv[3]], capture_output=True, text=True)
assert done.returncode == 1 and "no exact copy matched" in done.stdout, (done.returncode, done.stdout, done.stderr)
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
assert peak_kib < 24 * 1024, f"peak {peak_kib} KiB"
PY
rm -f "$WORK/large.bin"
unset MOAT_TEST_MAX_INPUT_BYTES

# The text form names the recipient, and every trace is a ledger event.
run "$MOAT" "${W[@]}" trace "$WORK/out/B1/board.GTL"
expect_status 0 "trace, text"
expect_stdout "刘洋" "trace, text: the recipient's name"
expect_stdout "AG1" "trace, text: the agreement"
CHECKS=$((CHECKS + 1))
traces=$(sql "$WORK/w" "SELECT COUNT(*) FROM ledger WHERE action = 'trace'")
[ "$traces" -ge 9 ] || fail "traces in the ledger: $traces"

# A naming rests on records the ledger vouches for. B1's Gerber copy's row changed in the database
# to name B2: the trace still shows the match, but says on stderr, in the JSON and in the text
# that the ledger does not vouch for it, and exits 3 rather than 0. The same when the ledger's
# events of that copy are edited to agree with the row, and when the ledger's head is broken.
GTL_COPY=$(sql "$WORK/w" "SELECT id FROM copies WHERE recipient = 'B1' AND name = 'board.GTL'")
# not_vouched NAME FILE PERSON EXPECTED-PROBLEM: FILE traced in $WORK/framed names PERSON, not vouched for.
not_vouched() {
  run "$MOAT" -w "$WORK/framed" trace "$2" --json
  expect_status 3 "$1"
  expect_stderr "the ledger does not vouch for the records that name $3" "$1"
  expect_stderr "$4" "$1"
  CHECKS=$((CHECKS + 1))
  python3 - "$WORK/stdout" "$3" "$4" <<'PY' || fail "$1: the JSON does not say the ledger does not vouch for it"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["verdict"] in ("named", "exact-copy") and o["recipient"] == sys.argv[2], o
assert o["ledger"]["vouched"] is False and any(sys.argv[3] in p for p in o["ledger"]["problems"]), o["ledger"]
assert o["named"][0]["ledger_vouched"] is False and "NOT vouched for by the ledger" in o["message"], o
PY
}
clone_workspace "$WORK/w" "$WORK/framed" || fail "clone"
sql "$WORK/framed" "UPDATE copies SET recipient = 'B2' WHERE id = '$GTL_COPY'" >/dev/null
not_vouched "a copy's row changed in the database" "$WORK/out/B1/board.GTL" B2 \
  "copies/$GTL_COPY differs from what the ledger last recorded"
run "$MOAT" -w "$WORK/framed" trace "$WORK/out/B1/board.GTL"
expect_status 3 "a copy's row changed in the database, text"
expect_stdout "NOT vouched for" "a copy's row changed in the database, text"
sql "$WORK/framed" "UPDATE ledger SET after_json = REPLACE(after_json, '\"recipient\":\"B1\"', '\"recipient\":\"B2\"')
  WHERE entity = 'copies' AND entity_key = '$GTL_COPY'" >/dev/null
not_vouched "a copy's row and its events changed in the database" "$WORK/out/B1/board.GTL" B2 \
  "was altered: its contents no longer match its hash"
# A fingerprint's naming through a release whose row was changed (its date moved).
clone_workspace "$WORK/w" "$WORK/framed" || fail "clone"
sql "$WORK/framed" "UPDATE releases SET date = '2020-01-01' WHERE id = '$RELEASE'" >/dev/null
not_vouched "a release's row changed in the database" "$WORK/cut.GTL" B2 "releases/$RELEASE differs"
clone_workspace "$WORK/w" "$WORK/framed" || fail "clone"
LAST=$(sql "$WORK/framed" 'SELECT MAX(seq) FROM ledger')
sql "$WORK/framed" "UPDATE ledger SET actor = 'mallory' WHERE seq = $LAST" >/dev/null
not_vouched "a broken ledger head" "$WORK/out/B2/board.pdf" B2 "the ledger's head fails verification: event $LAST"

# Through moat too: a copy's record changed after its release (`moat set`, an administrator's generic
# edit) or a release's (its date) is what the ledger last recorded, but not what was handed out.
clone_workspace "$WORK/w" "$WORK/framed" || fail "clone"
run "$MOAT" -w "$WORK/framed" set copies "$GTL_COPY" recipient=B2
expect_status 0 "moat set copies"
not_vouched "a copy's recipient set through moat" "$WORK/out/B1/board.GTL" B2 \
  "copies/$GTL_COPY was changed after it was made"
clone_workspace "$WORK/w" "$WORK/framed" || fail "clone"
run "$MOAT" -w "$WORK/framed" set releases "$RELEASE" date=2020-01-01
expect_status 0 "moat set releases"
not_vouched "a release's date set through moat" "$WORK/cut.GTL" B2 \
  "releases/$RELEASE's date was changed after the release was made"

# A person's record changed after the release (the id given to someone else, through moat): the
# trace names whom the copy was given to, as the ledger had the record when the copy was made, and
# says whom the record names now. Still evidence: the ledger vouches for the record's history.
clone_workspace "$WORK/w" "$WORK/framed" || fail "clone"
run "$MOAT" -w "$WORK/framed" set people B1 name=王五
expect_status 0 "moat set people"
run "$MOAT" -w "$WORK/framed" trace "$WORK/out/B1/board.GTL" --json
expect_status 0 "a person renamed after the release"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "a person renamed after the release: the trace names whom the record names now"
import json, sys
o = json.load(open(sys.argv[1]))
c = o["named"][0]
assert o["recipient"] == "B1" and o["recipient_name"] == "刘洋" and c["recipient_name"] == "刘洋", o
assert len(c["renamed_since"]) == 1 and "王五" in c["renamed_since"][0] and "刘洋" in c["renamed_since"][0], c
assert o["ledger"]["vouched"] is True, o["ledger"]
PY
run "$MOAT" -w "$WORK/framed" trace "$WORK/out/B1/board.GTL"
expect_stdout "B1 was 刘洋 when the copy was made" "a person renamed after the release, text"

# The agreement named is one that binds the recipient: an agreement naming people binds those only,
# and one naming the recipient comes first. AG2, an NDA of B2's alone (the latest effective), is
# named for B2's copy, never for B1's.
cat > "$WORK/agreements.csv" <<CSV
id,kind,supplier,governing_law,languages,controlling_language,court,liquidated_damages,currency,non_use,non_circumvention,signed_by,chop,effective,products,people
AG2,nda,F2,CN,zh,zh,深圳市中级人民法院,100000,CNY,true,true,王芳,true,$(date -u -d '-10 days' +%F),gadget,B2
CSV
run "$MOAT" "${W[@]}" import "$WORK/agreements.csv"
expect_status 0 "import an agreement of B2's"
for who in B1 B2; do
  run "$MOAT" "${W[@]}" trace "$WORK/out/$who/board.GTL" --json
  expect_status 0 "trace $who's copy after AG2"
  CHECKS=$((CHECKS + 1))
  want=$([ "$who" = B2 ] && echo AG2 || echo AG1)
  python3 -c 'import json, sys; o = json.load(open(sys.argv[1])); assert o["agreement"] == sys.argv[2], o["agreement"]' \
    "$WORK/stdout" "$want" || fail "the trace of $who's copy names an agreement not binding $who"
done

# The same content added twice (under another name): the copies of both files share the master's
# code, so a copy of either is scored. B2's copy of the second traces to B2.
cp "$WORK/board.GTL" "$WORK/board-again.GTL"
run "$MOAT" "${W[@]}" file add P2 "$WORK/board-again.GTL" --json
expect_status 0 "the same Gerber again, under another name"
AGAIN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$WORK/stdout")
run "$MOAT" "${W[@]}" release P2 --to F2 --recipient B2 --files "$AGAIN" --out "$WORK/again" --json
expect_status 0 "release the second file to B2"
AGAIN_COPY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["copies"][0]["id"])' "$WORK/stdout")
python3 - "$WORK/again/B2/board-again.GTL" "$WORK/again-cut.GTL" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
kept = [l for n, l in enumerate(lines) if not (l.endswith("D03*") and n % 2) and not l.startswith("G04")]
open(sys.argv[2], "w").write("\n".join(kept) + "\n")
PY
run "$MOAT" "${W[@]}" trace "$WORK/again-cut.GTL" --json
expect_status 0 "trace a copy of the second file with the same content"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" "$AGAIN_COPY" "$AGAIN" <<'PY' || fail "a copy of a file with another file's content is not traced to its recipient and file"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["verdict"] == "named" and o["copy"] == sys.argv[2] and o["recipient"] == "B2", o
assert o["file"] == sys.argv[3], (o["file"], sys.argv[3])
assert [c["recipient"] for c in o["named"]] == ["B2"], o["named"]
PY

# A layer marked with two positions: copies of two recipients are often byte for byte the same.
# Such bytes went to both, so they name no one (exit 1): never an innocent.
printf 'G04 two pads*\n%%FSLAX46Y46*%%\n%%MOMM*%%\n%%ADD10C,0.600*%%\nD10*\nX1000000Y1000000D03*\nX9000000Y1000000D03*\nM02*\n' \
  > "$WORK/pads.GTL"
run "$MOAT" "${W[@]}" file add P2 "$WORK/pads.GTL" --json
expect_status 0 "a layer of two pads"
PADS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$WORK/stdout")
for i in 1 2 3 4 5 6 7 8 9 10; do
  "$MOAT" "${W[@]}" release P2 --to F2 --recipient B1 --recipient B2 --files "$PADS" --out "$WORK/pads$i" \
    >/dev/null || fail "release the two pads ($i)"
done
SHARED=$(python3 - "$WORK" <<'PY'
import glob, hashlib, sys
digest = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
b1 = {digest(p) for p in glob.glob(sys.argv[1] + "/pads*/B1/pads.GTL")}
print(next((p for p in sorted(glob.glob(sys.argv[1] + "/pads*/B2/pads.GTL")) if digest(p) in b1), ""))
PY
)
CHECKS=$((CHECKS + 1))
if [ -z "$SHARED" ]; then
  fail "ten releases of two pads gave B1 and B2 no copy alike (the test needs one)"
else
  run "$MOAT" "${W[@]}" trace "$SHARED" --json
  expect_status 1 "trace bytes that went to two people"
  python3 - "$WORK/stdout" <<'PY' || fail "bytes given to B1 and B2 accuse someone"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["verdict"] == "shared-copy" and o["recipient"] is None and o["named"] == [], o
assert {c["recipient"] for c in o["copies"]} == {"B1", "B2"}, o["copies"]
assert not any(c["accused"] for c in o["copies"]) and o["ledger"]["vouched"] is None, o
PY
  run "$MOAT" "${W[@]}" trace "$SHARED"
  expect_stdout "do not tell who leaked it" "the text of a shared copy's trace"
fi

# Once there are accounts only administrators, sourcing and legal users trace (a trace reads every
# master), each signed in with a token: a supplier's user and a viewer are refused, each refusal in
# the ledger under its actor with no trace done; a token nobody was given is refused outright.
for user in "boss --role admin" "lin --role legal" "vic --role viewer" "liu --role supplier --supplier F2 --person B1"; do
  # shellcheck disable=SC2086
  printf 'correct-horse-battery\n' | "$MOAT" "${W[@]}" user add $user >/dev/null || fail "user add $user"
done
declare -A TOKEN
for actor in boss lin vic liu; do
  TOKEN[$actor]=$("$MOAT" "${W[@]}" token create "$actor" 2>/dev/null) || fail "token create $actor"
done
for actor in liu vic; do
  run env MOAT_TOKEN="${TOKEN[$actor]}" "$MOAT" "${W[@]}" trace "$WORK/out/B1/board.GTL" --json
  expect_status 1 "$actor traces a file"
  expect_stderr "trace" "$actor traces a file"
  CHECKS=$((CHECKS + 1))
  denied=$(sql "$WORK/w" "SELECT COUNT(*) FROM ledger WHERE action = 'denied' AND actor LIKE '$actor (%'")
  traced=$(sql "$WORK/w" "SELECT COUNT(*) FROM ledger WHERE action = 'trace' AND actor LIKE '$actor (%'")
  # Refused before any of it runs, as any command its role may not run, and in the ledger.
  [ "$denied" -ge 1 ] && [ "$traced" = 0 ] || fail "$actor's refusal in the ledger: denied $denied, traced $traced"
done
run env MOAT_TOKEN=not-a-token "$MOAT" "${W[@]}" trace "$WORK/out/B1/board.GTL" --json
expect_status 1 "a token nobody was given traces a file"
for actor in boss lin; do
  run env MOAT_TOKEN="${TOKEN[$actor]}" "$MOAT" "${W[@]}" trace "$WORK/out/B1/board.GTL"
  expect_status 0 "$actor traces a file"
  expect_stdout "刘洋" "$actor traces a file"
  CHECKS=$((CHECKS + 1))
  traced=$(sql "$WORK/w" "SELECT COUNT(*) FROM ledger WHERE action = 'trace' AND actor LIKE '$actor (%'")
  [ "$traced" = 1 ] || fail "$actor's trace in the ledger: $traced"
done

# The OS user who owns the workspace's files acts as its administrator, as for every other
# command: it traces without a token ($MOAT_ACTOR, which lib.sh sets, is ignored with a warning),
# and the ledger says how it was established. A refusal gives no advice the command then ignores.
run "$MOAT" "${W[@]}" trace "$WORK/out/B1/board.GTL"
expect_status 0 "the workspace's owner traces a file"
expect_stdout "刘洋" "the workspace's owner traces a file"
CHECKS=$((CHECKS + 1))
traced=$(sql "$WORK/w" "SELECT COUNT(*) FROM ledger WHERE action = 'trace' AND actor LIKE '% (workspace owner)'")
[ "$traced" = 1 ] || fail "the owner's trace in the ledger: $traced"
run env MOAT_TOKEN="${TOKEN[vic]}" "$MOAT" "${W[@]}" trace "$WORK/out/B1/board.GTL"
expect_stderr "(admin, sourcing, legal): vic is viewer" "a viewer's refusal"
CHECKS=$((CHECKS + 1))
! grep -q "set MOAT_ACTOR" "$WORK/stderr" || fail "a refusal advises \$MOAT_ACTOR, which is ignored: $(cat "$WORK/stderr")"
# --token is taken before the command's name, as -w is.
run "$MOAT" "${W[@]}" --token "${TOKEN[lin]}" trace "$WORK/out/B1/board.GTL"
expect_status 0 "--token before the command"
CHECKS=$((CHECKS + 1))
traced=$(sql "$WORK/w" "SELECT COUNT(*) FROM ledger WHERE action = 'trace' AND actor LIKE 'lin (%'")
[ "$traced" = 2 ] || fail "lin's trace with --token before the command, in the ledger: $traced"

# A release's evidence bundle holds every trace that names one of its copies, not only the traces
# it is the strongest finding of: a ZIP of B1's Gerber (the first release) and B2's drawing from a
# second release is in both releases' bundles. And a release's bundle says who its recipients were.
run "$MOAT" "${W[@]}" release P2 --to F2 --recipient B2 --out "$WORK/out2" --json
expect_status 0 "a second release to B2"
SECOND=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["release"])' "$WORK/stdout")
python3 - "$WORK" <<'PY'
import sys, zipfile
work = sys.argv[1]
with zipfile.ZipFile(f"{work}/two-releases.zip", "w") as z:
    z.write(f"{work}/out/B1/board.GTL", "top.GTL")
    z.write(f"{work}/out2/B2/board.pdf", "drawing.pdf")
PY
run "$MOAT" "${W[@]}" trace "$WORK/two-releases.zip" --json
expect_status 0 "trace a ZIP of two releases' copies"
for release in "$RELEASE" "$SECOND"; do
  run "$MOAT" "${W[@]}" audit export "$WORK/bundle-$release" --release "$release"
  expect_status 0 "export --release $release"
  CHECKS=$((CHECKS + 1))
  python3 - "$WORK/bundle-$release" "$release" <<'PY' || fail "release $release's bundle lacks the ZIP's trace or a recipient"
import glob, json, sys
bundle, release = sys.argv[1], sys.argv[2]
events = [json.load(open(f)) for f in glob.glob(bundle + "/events/*.json")]
traces = [e for e in events if e["action"] == "trace" and e["after"]["name"].endswith("two-releases.zip")]
assert len(traces) == 1, [e["seq"] for e in traces]
made = [e for e in events if e["entity"] == "releases" and e["key"] == release][0]
people = {e["key"] for e in events if e["entity"] == "people"}
assert set(made["after"]["recipients"]) <= people, (made["after"]["recipients"], people)
PY
done

# A copy marked too lightly to name its recipient once altered (a layer of 24 pads: `resists` 0)
# is said so at its release, with the figure in the table.
python3 - "$WORK" <<'PY'
import sys
lines = ["G04 light*", "%FSLAX46Y46*%", "%MOMM*%", "%ADD10C,0.600*%", "D10*"]
lines += ["X%dY%dD03*" % (i * 2500000, (i % 5) * 2000000) for i in range(24)]
open(sys.argv[1] + "/light.GTL", "w").write("\n".join(lines + ["M02*"]) + "\n")
PY
LIGHT=$("$MOAT" "${W[@]}" file add P2 "$WORK/light.GTL" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
run "$MOAT" "${W[@]}" release P2 --to F2 --recipient B1 --files "$LIGHT" --out "$WORK/out3"
expect_status 0 "a release of a lightly marked layer"
expect_stderr "$LIGHT (light.GTL) is marked too lightly to name its recipient once altered (resists 0)" \
  "a lightly marked copy is said so"
expect_stdout "resists" "the release's table has the resists column"

finish

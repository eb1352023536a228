#!/usr/bin/env bash
# The transparency log end to end: the verifier key, signed checkpoints (also made by waivers),
# a witness's cosignature, an event's tlog-proof, and an evidence bundle that its own verifier —
# run in a clean folder with only the bundle, Python 3 and openssl — accepts untouched and
# rejects, saying which, when an event is edited, removed or reordered, the checkpoint is
# forged, signed by another key or inconsistent with an earlier one, a proof is truncated, or a
# hash of files.json is not the one its event records. A witness's key given to the verifier
# passes only when that witness cosigned a checkpoint of the bundle covering its events: not a
# stranger's, not a cosignature moved to another key ID or forged, not one older than the events.
# A release's bundle (and its supplier's) lists the hashes of the files it released and the
# copies it made.
# Then `moat audit verify` on a tree altered or rolled back in the database.
source "$(dirname "$0")/lib.sh"

db_flags
W="$WORK/w"
"$MOAT" demo "$W" "${DB_FLAGS[@]}" >/dev/null || { fail "demo"; finish; }
A=(-w "$W")
UNTIL=$(date -u -d '+30 days' +%F)

# The log's verifier key, name+hash+keydata; the signing key owner-only.
run "$MOAT" "${A[@]}" audit keys
expect_status 0 "audit keys"
KEY=$(cat "$WORK/stdout")
[[ "$KEY" =~ ^moat\.ledger/[0-9a-f]{16}\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$ ]] || fail "audit keys printed '$KEY'"
[ "$(stat -c %a "$W/keys/ledger.key")" = 600 ] || fail "keys/ledger.key is not owner-only"
grep -q "^PRIVATE+KEY+" "$W/keys/ledger.key" || fail "keys/ledger.key is not a signer key"

# A checkpoint of the current tree: origin, size, root, then the log's signature.
run "$MOAT" "${A[@]}" audit checkpoint --out "$WORK/c1.txt"
expect_status 0 "audit checkpoint"
EVENTS=$(sql "$W" 'SELECT MAX(seq) FROM ledger')
[ "$(sed -n 2p "$WORK/c1.txt")" = "$EVENTS" ] || fail "the checkpoint's size is not the ledger's $EVENTS events"
[ "$(sed -n 1p "$WORK/c1.txt")" = "${KEY%%+*}" ] || fail "the checkpoint's origin is not the key's name"
grep -q "^— ${KEY%%+*} " "$WORK/c1.txt" || fail "the checkpoint lacks the log's signature line"

# A waiver records an event and makes a checkpoint of its own.
run "$MOAT" "${A[@]}" waive nnn supplier/F04 --role "IP counsel" --reason "amendment signed" --expires "$UNTIL"
expect_status 0 "waive"
AFTER=$(sql "$W" 'SELECT MAX(seq) FROM ledger')
[ "$AFTER" -gt "$EVENTS" ] || fail "the waiver recorded no event"
[ "$(sed -n 2p "$W/ledger.checkpoint")" = "$AFTER" ] || fail "the waiver made no checkpoint of $AFTER events"

# A witness cosigns the newest checkpoint; the cosignature is kept with it.
run "$MOAT" audit keygen counsel.example/witness --out "$WORK/witness.key"
expect_status 0 "audit keygen"
WITNESS=$(cat "$WORK/stdout")
WITNESS_ID=$(cut -d+ -f1,2 <<<"$WITNESS")  # name+hash, as the verifier names it
[ "$(stat -c %a "$WORK/witness.key")" = 600 ] || fail "the witness key is not owner-only"
run "$MOAT" "${A[@]}" audit cosign "$W/ledger.checkpoint" --key "$WORK/witness.key"
expect_status 0 "audit cosign"
expect_stdout "— counsel.example/witness "
run "$MOAT" "${A[@]}" audit keys --all
expect_stdout "$WITNESS" "keys --all lists the witness"
# Outside the workspace, with the log's published key only.
run "$MOAT" audit cosign "$WORK/c1.txt" --key "$WORK/witness.key" --log-key "$KEY"
expect_status 0 "cosign outside the workspace"
run "$MOAT" audit cosign "$WORK/c1.txt" --key "$WORK/witness.key" --log-key "$WITNESS"
expect_status 1 "cosign against a wrong log key"
expect_stderr "not signed by any of the log's keys"

# One event's tlog-proof.
run "$MOAT" "${A[@]}" audit prove 7 --out "$WORK/7.proof"
expect_status 0 "audit prove"
[ "$(head -2 "$WORK/7.proof" | tr '\n' ' ')" = "c2sp.org/tlog-proof@v1 index 6 " ] || fail "prove 7: $(head -2 "$WORK/7.proof")"
run "$MOAT" "${A[@]}" audit prove 0
expect_status 1 "prove 0"
run "$MOAT" "${A[@]}" audit prove 999999
expect_status 1 "prove beyond the end"
expect_stderr "there is no event 999999"

# The bundle, checked in a clean folder with only the bundle.
run "$MOAT" "${A[@]}" audit export "$WORK/bundle" --events 3..12
expect_status 0 "audit export"
for f in manifest.json checkpoint.txt verify.py README.md files.json keys/log.vkeys events/3.bin events/12.json events/12.tlog-proof; do
  [ -f "$WORK/bundle/$f" ] || fail "the bundle lacks $f"
done
grep -q "证据包" "$WORK/bundle/README.md" || fail "the procedure is not in Chinese too"
run "$MOAT" "${A[@]}" audit export "$WORK/bundle" --events 3..12
expect_status 1 "export into a folder that holds files"
printf 'x\n' > "$WORK/a-file"
run "$MOAT" "${A[@]}" audit export "$WORK/a-file" --events 3..12
expect_status 1 "export onto a file"
expect_stderr "is a file, not a folder" "export onto a file says so"
run "$MOAT" "${A[@]}" audit export "$WORK/nothing" --events 5..2
expect_status 1 "a malformed range"
expect_stderr "--events"

# check NAME EXPECTED-STATUS EXPECTED-TEXT [VERIFY-ARGS...]: verifies $WORK/t (copied to a clean folder).
check() {
  local name=$1 status=$2 text=$3
  shift 3
  rm -rf "$WORK/clean" && mkdir "$WORK/clean" && cp -r "$WORK/t" "$WORK/clean/bundle"
  (cd "$WORK/clean/bundle" && env -i PATH=/usr/bin:/bin python3 verify.py "$@") >"$WORK/stdout" 2>"$WORK/stderr"
  STATUS=$?
  expect_status "$status" "$name"
  expect_stdout "$text" "$name"
}
fresh() { rm -rf "$WORK/t" && cp -r "$WORK/bundle" "$WORK/t"; }

fresh
check "untouched bundle" 0 "VERIFIED"
check "untouched bundle, pinned key" 0 "VERIFIED" --log-key "$KEY"
expect_stdout "cosigned by counsel.example/witness"

# A witness's key asks whether that witness vouched for the log: it must have cosigned a
# checkpoint of the bundle, with a cosignature that verifies, covering every event in it.
check "the witness that cosigned" 0 "VERIFIED" --log-key "$KEY" --witness-key "$WITNESS"
expect_stdout "witness $WITNESS_ID cosigned checkpoint.txt"
run "$MOAT" audit keygen stranger.example/witness --out "$WORK/stranger.key"
STRANGER=$(cat "$WORK/stdout")
STRANGER_ID=$(cut -d+ -f1,2 <<<"$STRANGER")
check "a witness that never cosigned, beside one that did" 1 \
  "REJECTED: witness $STRANGER_ID cosigned no checkpoint in this bundle" --log-key "$KEY" --witness-key "$WITNESS" \
  --witness-key "$STRANGER"
run python3 "$WORK/bundle/verify.py" "$WORK/bundle" --witness-key "$KEY"
expect_status 2 "the log's key given as a witness's"
expect_stderr "is not a witness's key"
# tamper_cosignature BYTE: flips a bit of that byte of the witness's cosignature (0: its key ID,
# -1: its signature) in checkpoint.txt and in every proof that carries the checkpoint.
tamper_cosignature() {
  python3 - "$WORK/t" "$1" <<'EOF_PY'
import base64, glob, sys
folder, at = sys.argv[1], int(sys.argv[2])
for path in [folder + "/checkpoint.txt"] + glob.glob(folder + "/events/*.tlog-proof"):
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        if line.startswith("\u2014 counsel.example/witness "):
            raw = bytearray(base64.b64decode(line.split(" ")[2]))
            raw[at] ^= 1
            lines[i] = "\u2014 counsel.example/witness " + base64.b64encode(bytes(raw)).decode()
    open(path, "w", encoding="utf-8").write("\n".join(lines))
EOF_PY
}
fresh
tamper_cosignature 0
check "a cosignature moved to another key ID" 1 "REJECTED: witness $WITNESS_ID cosigned no checkpoint" \
  --witness-key "$WITNESS"
expect_stdout "is not by this key"
fresh
tamper_cosignature -1
check "a forged cosignature" 1 "REJECTED: checkpoint.txt carries a forged cosignature by witness" \
  --witness-key "$WITNESS"

fresh
python3 - "$WORK/t/events/5.bin" <<'EOF'
import sys
path = sys.argv[1]
data = open(path, "rb").read()
open(path, "wb").write(data.replace(b"e2e-test", b"e2e-Test", 1) if b"e2e-test" in data else data[:-1] + b"X")
EOF
check "an edited event" 1 "REJECTED: event 5 was edited"

fresh
python3 - "$WORK/t/events/8.json" <<'EOF'
import json, sys
event = json.load(open(sys.argv[1]))
event["actor"] = "mallory"
json.dump(event, open(sys.argv[1], "w"))
EOF
check "an edited readable copy" 1 "REJECTED: events/8.json does not match"

# The readable copy says nothing the event does not: a key given twice (a reader sees the first, a
# JSON library the last), a key added, or a file that is not JSON; and a manifest field of another
# type than moat writes is a rejection, never a Python traceback.
fresh
python3 - "$WORK/t/events/8.json" <<'EOF'
import sys
text = open(sys.argv[1]).read()
open(sys.argv[1], "w").write(text.replace("{", '{"actor": "mallory", ', 1))
EOF
check "a readable copy with a key given twice" 1 "REJECTED: events/8.json is malformed: the key 'actor' is given twice"
fresh
python3 - "$WORK/t/events/8.json" <<'EOF'
import json, sys
event = json.load(open(sys.argv[1]))
event["note"] = "returned"
json.dump(event, open(sys.argv[1], "w"))
EOF
check "a readable copy with a key added" 1 "REJECTED: events/8.json holds 'note'"
fresh
python3 - "$WORK/t" <<'EOF'
import glob, json, sys
for path in sorted(glob.glob(sys.argv[1] + "/events/*.json")):
    event = json.load(open(path))
    flags = [k for k, v in (event.get("after") or {}).items() if isinstance(v, bool)]
    if flags:
        event["after"][flags[0]] = int(event["after"][flags[0]])  # false as 0: equal to Python, not as JSON
        json.dump(event, open(path, "w"))
        print(path.rsplit("/", 1)[1], file=open(sys.argv[1] + "/../edited", "w"))
        break
EOF
check "a readable copy with false written as 0" 1 "REJECTED: events/$(cat "$WORK/edited") does not match"
fresh
echo '{' >"$WORK/t/events/8.json"
check "a readable copy that is not JSON" 1 "REJECTED: events/8.json is malformed"
fresh
python3 - "$WORK/t/manifest.json" <<'EOF'
import json, sys
manifest = json.load(open(sys.argv[1]))
manifest["events"][0]["seq"] = str(manifest["events"][0]["seq"])
json.dump(manifest, open(sys.argv[1], "w"))
EOF
check "a manifest's seq as a string" 1 "REJECTED: "
CHECKS=$((CHECKS + 1))
! grep -q "Traceback" "$WORK/stdout" "$WORK/stderr" || fail "a manifest's seq as a string: a traceback"

fresh
rm "$WORK/t/events/7."*
check "a removed event" 1 "REJECTED: event 7 is missing from the bundle"

fresh
python3 - "$WORK/t/manifest.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["events"] = [e for e in m["events"] if e["seq"] != 9]
json.dump(m, open(sys.argv[1], "w"))
EOF
rm "$WORK/t/events/9."*
check "a removed event and its manifest entry" 1 "REJECTED: event 9 is missing from the bundle"

fresh
for ext in bin json tlog-proof; do
  mv "$WORK/t/events/5.$ext" "$WORK/t/x" && mv "$WORK/t/events/6.$ext" "$WORK/t/events/5.$ext" && mv "$WORK/t/x" "$WORK/t/events/6.$ext"
done
check "reordered events" 1 "REJECTED: events/5.bin holds event 6, not event 5: the events were reordered"

fresh
python3 - "$WORK/t/manifest.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["events"][2], m["events"][3] = m["events"][3], m["events"][2]
json.dump(m, open(sys.argv[1], "w"))
EOF
check "reordered manifest" 1 "REJECTED: the events are reordered"

fresh
SIZE=$(sed -n 2p "$WORK/t/checkpoint.txt")
sed -i "2s/.*/$((SIZE + 1))/" "$WORK/t/checkpoint.txt"
check "a forged checkpoint" 1 "REJECTED: checkpoint.txt is forged"

# A later checkpoint signed by another key under the same name (a clone's rotated key).
clone_workspace "$W" "$WORK/other" || fail "clone"
"$MOAT" -w "$WORK/other" audit keys --rotate >/dev/null || fail "rotate"
"$MOAT" -w "$WORK/other" waive nnn supplier/F04 --role "IP counsel" --reason "after rotation" --expires "$UNTIL" >/dev/null || fail "waive"
fresh
cp "$WORK/other/ledger.checkpoint" "$WORK/t/checkpoint.txt"
check "a checkpoint from another key" 1 "REJECTED: checkpoint.txt is not signed by the log's key"
# The rotated workspace still verifies the checkpoints signed before with the old public key.
run "$MOAT" -w "$WORK/other" audit verify
expect_status 0 "verify after key rotation"
expect_stdout "signed checkpoint(s) consistent with it"

# A later checkpoint, validly signed, of a history that rewrote the last event: a fork.
clone_workspace "$W" "$WORK/fork" || fail "clone"
LAST=$(sql "$WORK/fork" 'SELECT MAX(seq) FROM ledger')
sql "$WORK/fork" "DELETE FROM ledger WHERE seq = $LAST; DELETE FROM ledger_tree WHERE node >= $(((LAST - 1) * 64)); DELETE FROM checkpoints" >/dev/null
rm -f "$WORK/fork/ledger.checkpoint" "$WORK/fork/ledger.head"
for reason in "forked one" "forked two"; do
  "$MOAT" -w "$WORK/fork" waive nnn supplier/F04 --role "IP counsel" --reason "$reason" --expires "$UNTIL" >/dev/null || fail "fork waiver"
done
[ "$(sed -n 2p "$WORK/fork/ledger.checkpoint")" -gt "$SIZE" ] || fail "the fork's checkpoint is not later"
fresh
cp "$WORK/fork/ledger.checkpoint" "$WORK/t/checkpoint.txt"
check "an inconsistent later checkpoint" 1 "is inconsistent with the earlier checkpoint"
fresh
cp "$WORK/fork/ledger.checkpoint" "$WORK/t/checkpoints/999.txt"
check "an inconsistent checkpoint beside the others" 1 "REJECTED: checkpoints/999.txt"
expect_stdout "is inconsistent with the bundle's checkpoints"

fresh
sed -i '4d' "$WORK/t/events/6.tlog-proof"
check "a truncated proof" 1 "REJECTED: the inclusion proof of event 6 is truncated"
fresh
head -c 200 "$WORK/bundle/events/6.tlog-proof" > "$WORK/t/events/6.tlog-proof"
check "a proof cut short" 1 "REJECTED: events/6.tlog-proof is truncated"

# Bundles by supplier and whole; an unknown supplier.
run "$MOAT" "${A[@]}" audit export "$WORK/f04" --supplier F04 --json
expect_status 0 "export --supplier"
rm -rf "$WORK/t" && cp -r "$WORK/f04" "$WORK/t"
check "a supplier's bundle" 0 "VERIFIED"
run "$MOAT" "${A[@]}" audit export "$WORK/none" --supplier F99
expect_status 1 "export an unknown supplier"
expect_stderr "no event of the ledger concerns supplier 'F99'"

# A release's bundle lists the hash of every design file it released and of every copy it made,
# each with the event that records it; the supplier's bundle those of its releases.
"$MOAT" "${A[@]}" release show R3 --json >"$WORK/r3.json" || fail "release show R3"
"$MOAT" "${A[@]}" file list --all --json >"$WORK/files.json" || fail "file list"
run "$MOAT" "${A[@]}" audit export "$WORK/r3" --release R3
expect_status 0 "export --release"
expect_stdout "6 file hash(es)"
for bundle in r3 f04; do
  python3 - "$WORK/$bundle" "$WORK/r3.json" "$WORK/files.json" >"$WORK/stdout" 2>&1 <<'EOF_PY'
import json, sys
bundle, release, files = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
listed = {(e["entity"], e["key"], e["field"]): e for e in json.load(open(bundle + "/files.json"))}
sha256 = {f["id"]: f["sha256"] for f in files}
wanted = [("files", f, "sha256", sha256[f]) for f in release["files"]]
wanted += [("copies", c["id"], "copy_hash", c["copy_hash"]) for c in release["copies"]]
for entity, key, field, value in wanted:
    entry = listed.get((entity, key, field))
    if entry is None or entry["value"] != value:
        print("%s lacks %s %s of %s/%s" % (bundle, field, value, entity, key))
        continue
    event = json.load(open("%s/events/%d.json" % (bundle, entry["seq"])))
    if (event["entity"], event["key"], event["after"][field]) != (entity, key, value):
        print("%s ties %s/%s to event %d, which does not record it" % (bundle, entity, key, entry["seq"]))
EOF_PY
  [ -s "$WORK/stdout" ] && fail "the $bundle bundle's files.json: $(head -c 600 "$WORK/stdout")"
done
rm -rf "$WORK/t" && cp -r "$WORK/r3" "$WORK/t"
check "a release's bundle" 0 "VERIFIED"
expect_stdout "6 file hash(es) in files.json match the verified events"

# files.json edited (BUNDLE PYTHON: runs PYTHON on the copy's list `entries`, written back):
# a hash changed, an entry moved to an event not in the bundle, or one added.
edit_files() {
  rm -rf "$WORK/t" && cp -r "$WORK/$1" "$WORK/t"
  python3 - "$WORK/t/files.json" "$2" <<'EOF_PY'
import json, sys
entries = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(entries, open(sys.argv[1], "w"))
EOF_PY
}
edit_files r3 'entries[3]["value"] = ("0" if entries[3]["value"][0] != "0" else "1") + entries[3]["value"][1:]'
check "an edited hash in files.json" 1 "REJECTED: files.json entry 4 (copy_hash"
expect_stdout "files.json was edited"
edit_files r3 'entries[0]["seq"] = 1'
check "a files.json entry naming an event not in the bundle" 1 "REJECTED: files.json entry 1 ("
expect_stdout "names no event the bundle verified"
edit_files bundle 'entries.append({"seq": 5, "entity": "files", "key": "D1", "field": "sha256", "value": "0" * 64})'
check "a files.json entry added to a range's bundle" 1 "REJECTED: files.json entry"
edit_files r3 'del entries[2]'
check "a files.json entry removed" 1 "which files.json does not list: an entry was removed"

# An event cut out of a release's bundle whole (its files, its manifest entry, its files.json
# entries): the release's own event says what the bundle must hold. An event file the manifest
# does not list is refused too.
# cut_event BUNDLE ENTITY: removes the bundle's last event of ENTITY from a copy of BUNDLE.
cut_event() {
  rm -rf "$WORK/t" && cp -r "$WORK/$1" "$WORK/t"
  python3 - "$WORK/t" "$2" <<'EOF_PY'
import json, os, sys
folder, entity = sys.argv[1], sys.argv[2]
manifest = json.load(open(folder + "/manifest.json"))
seq = [e["seq"] for e in manifest["events"] if json.load(open(folder + "/" + e["json"]))["entity"] == entity][-1]
manifest["events"] = [e for e in manifest["events"] if e["seq"] != seq]
json.dump(manifest, open(folder + "/manifest.json", "w"))
for suffix in ("bin", "json", "tlog-proof"):
    os.remove("%s/events/%d.%s" % (folder, seq, suffix))
entries = [e for e in json.load(open(folder + "/files.json")) if e["seq"] != seq]
json.dump(entries, open(folder + "/files.json", "w"))
EOF_PY
}
cut_event r3 copies
check "a copy's event cut out whole" 1 "REJECTED: release R3 gave"
expect_stdout "but the bundle holds no event of that copy"
cut_event r3 releases
check "the release's event cut out whole" 1 "REJECTED: the bundle is release R3's, but holds no event recording it"
cut_event f04 files
check "a design file's event cut out of a supplier's bundle" 1 "but the bundle holds no event recording it"
rm -rf "$WORK/t" && cp -r "$WORK/r3" "$WORK/t" && cp "$WORK/t/events/$(ls "$WORK/t/events" | head -1)" "$WORK/t/events/999999.json"
check "an event file the manifest does not list" 1 "REJECTED: events/999999.json is not in manifest.json"
rm -rf "$WORK/t" && cp -r "$WORK/r3" "$WORK/t" && printf 'x' > "$WORK/t/events/.DS_Store"
check "a file a desktop adds beside the events" 0 "VERIFIED"

# moat audit verify: the tree and the checkpoints, altered or rolled back in the database.
run "$MOAT" "${A[@]}" audit verify
expect_status 0 "verify"
expect_stdout "Merkle tree verified"
clone_workspace "$W" "$WORK/t" || fail clone
sql "$WORK/t" "UPDATE ledger_tree SET hash = '$(printf '0%.0s' {1..64})' WHERE node = $((5 * 64))" >/dev/null
run "$MOAT" -w "$WORK/t" audit verify
expect_status 1 "an altered leaf"
expect_stderr "event 6 differs from its leaf in the Merkle tree"
clone_workspace "$W" "$WORK/t" || fail clone
sql "$WORK/t" "DELETE FROM ledger_tree WHERE node >= $((20 * 64))" >/dev/null
run "$MOAT" -w "$WORK/t" audit verify
expect_status 1 "a tree cut short"
expect_stderr "the tree was rolled back"
# The database restored to an older copy (the witness with it), the newest checkpoint on file.
clone_workspace "$W" "$WORK/old" || fail clone
"$MOAT" -w "$W" waive nnn supplier/F04 --role "IP counsel" --reason "a later one" --expires "$UNTIL" >/dev/null || fail "waive"
cp "$W/ledger.checkpoint" "$WORK/old/ledger.checkpoint"
run "$MOAT" -w "$WORK/old" audit verify
expect_status 1 "a rolled-back ledger"
expect_stderr "rolled back"
run "$MOAT" -w "$WORK/old" audit checkpoint
expect_status 1 "signing a rolled-back tree"
expect_stderr "moat will not sign this tree"

# The witness cosigned a checkpoint that is now an earlier one: it vouches for the events that
# checkpoint covers, not for those after it.
run "$MOAT" "${A[@]}" audit export "$WORK/later" --events 3..12
expect_status 0 "export after a later checkpoint"
rm -rf "$WORK/t" && cp -r "$WORK/later" "$WORK/t"
check "a witness's earlier cosignature" 0 "VERIFIED" --witness-key "$WITNESS"
expect_stdout "witness $WITNESS_ID cosigned checkpoints/"
LAST=$(sql "$W" 'SELECT MAX(seq) FROM ledger')
run "$MOAT" "${A[@]}" audit export "$WORK/newest" --events "$((LAST - 1))..$LAST"
expect_status 0 "export the newest events"
rm -rf "$WORK/t" && cp -r "$WORK/newest" "$WORK/t"
check "events after the witness's cosignature" 1 "REJECTED: witness $WITNESS_ID cosigned checkpoints of at most" \
  --witness-key "$WITNESS"
expect_stdout "the bundle's events after it ($LAST) are not vouched for by it"
finish

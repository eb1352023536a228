#!/usr/bin/env bash
# The vault through the real binary: files stored and read back in chunks, every kind of damage to
# a stored file (a byte flipped, a file cut short, a file swapped onto another id's name, a file
# gone) reported by `moat vault verify` and never served, and `moat vault rotate-key`.
source "$(dirname "$0")/lib.sh"

db_flags
"$MOAT" init "$WORK/ws" "${DB_FLAGS[@]}" >/dev/null || { fail "init"; finish; }
W=(-w "$WORK/ws")
mkdir -p "$WORK/files" "$WORK/out"
python3 - "$WORK/files" <<'PY'
import os, random, sys
random.seed(13)
for i, size in enumerate([0, 1, 65535, 65536, 65537, 300000, 1500000, 4000]):
    with open(os.path.join(sys.argv[1], f"f{i}.bin"), "wb") as out:
        out.write(random.randbytes(size))
PY
declare -A ID
for f in "$WORK"/files/*.bin; do
  run "$MOAT" "${W[@]}" document add "$f" --json
  expect_status 0 "document add $(basename "$f")"
  ID[$(basename "$f")]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["document"])' "$WORK/stdout")
done
# A folder or a pipe is not a file to store: the user's mistake (exit 1), named, not a fault.
run "$MOAT" "${W[@]}" document add "$WORK/files"
expect_status 1 "document add of a folder"
expect_stderr "is a folder"
run bash -c 'echo piped | "$0" "$@" document add /dev/stdin' "$MOAT" "${W[@]}"
expect_status 1 "document add of a pipe"
expect_stderr "not a regular file"

# Read back whole, to a file and to standard output.
for name in "${!ID[@]}"; do
  run "$MOAT" "${W[@]}" document get "${ID[$name]}" -o "$WORK/out/$name"
  expect_status 0 "document get $name -o"
  same_files "$WORK/files/$name" "$WORK/out/$name" "$name read back"
done
"$MOAT" "${W[@]}" document get "${ID[f6.bin]}" > "$WORK/out/stdout.bin"
same_files "$WORK/files/f6.bin" "$WORK/out/stdout.bin" "f6.bin on standard output"

run "$MOAT" "${W[@]}" vault verify
expect_status 0 "vault verify"
expect_stdout "Vault verified: 8 files"

# Damage four files in a copy of the workspace.
clone_workspace "$WORK/ws" "$WORK/bad"
B=(-w "$WORK/bad")
V="$WORK/bad/vault"
python3 - "$V/${ID[f6.bin]}" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0x04
open(sys.argv[1], "wb").write(data)
PY
truncate -s 65600 "$V/${ID[f5.bin]}"          # cut at a chunk boundary (24 + 65553 + 23)
cp "$V/${ID[f1.bin]}" "$V/${ID[f7.bin]}"       # swapped onto another id's name
rm "$V/${ID[f3.bin]}"                           # gone
run "$MOAT" "${B[@]}" vault verify --json
expect_status 1 "vault verify of a damaged vault"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" "${ID[f6.bin]}" "${ID[f5.bin]}" "${ID[f7.bin]}" "${ID[f3.bin]}" <<'PY' || fail "vault verify --json does not name the bad files: $(cat "$WORK/stdout")"
import json, sys
report = json.load(open(sys.argv[1]))
flipped, cut, swapped, gone = sys.argv[2:]
assert report["ok"] is False and report["files"] == 7, report
assert sorted(p["id"] for p in report["problems"]) == sorted([flipped, cut, swapped]), report
assert all("authentication" in p["problem"] or "hash" in p["problem"] for p in report["problems"]), report
# Each names what is lost: the record whose content it is.
assert all(p["records"] and p["records"][0].startswith("documents/" + p["id"] + " (") for p in report["problems"]), report
assert report["missing"] == [{"record": "documents/" + gone, "id": gone}], report
assert report["pending_rotation"] is None and len(report["key"]) == 16, report
PY
run "$MOAT" "${B[@]}" vault verify
expect_status 1 "vault verify (text) of a damaged vault"
expect_stderr "vault/${ID[f6.bin]}: fails authentication"
expect_stderr "(the content of documents/${ID[f6.bin]} (f6.bin))" "the damaged file's record"
expect_stderr "documents/${ID[f3.bin]}: its file ${ID[f3.bin]} is missing"
for name in f5.bin f6.bin f7.bin; do
  run "$MOAT" "${B[@]}" document get "${ID[$name]}" -o "$WORK/out/bad-$name"
  expect_status 1 "document get of the damaged $name"
  expect_stderr "vault/${ID[$name]}"
  CHECKS=$((CHECKS + 1))
  [ ! -e "$WORK/out/bad-$name" ] || fail "a damaged $name was written out"
done
CHECKS=$((CHECKS + 1))
[ -z "$(ls "$WORK/out" | grep -F .tmp-)" ] || fail "temporary files left beside the output"
run "$MOAT" "${B[@]}" vault rotate-key
expect_status 1 "rotate-key over a damaged vault"
expect_stderr "vault/"

# Rotation: every file under a new key, ids unchanged, recorded in the ledger.
cp "$WORK/ws/keys/vault.key" "$WORK/old.key"
run "$MOAT" "${W[@]}" vault rotate-key --json
expect_status 0 "vault rotate-key"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" > "$WORK/keys" <<'PY' || fail "rotate-key --json: $(cat "$WORK/stdout")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["files"] == 8 and r["resumed"] is False and r["from_key"] != r["to_key"], r
print(r["from_key"], r["to_key"])
PY
read -r from_key to_key < "$WORK/keys"
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/ws/keys/vault.key.next" ] && [ "$(stat -c %a "$WORK/ws/keys/vault.key")" = 600 ] \
  && [ "$(stat -c %s "$WORK/ws/keys/vault.key")" = 64 ] || fail "the new key file is not in place, owner-only"
CHECKS=$((CHECKS + 1))
cmp -s "$WORK/old.key" "$WORK/ws/keys/vault.key" && fail "the key did not change"
for name in "${!ID[@]}"; do
  run "$MOAT" "${W[@]}" document get "${ID[$name]}" -o "$WORK/out/rotated-$name"
  expect_status 0 "document get $name after the rotation"
  same_files "$WORK/files/$name" "$WORK/out/rotated-$name" "$name after the rotation"
done
run "$MOAT" "${W[@]}" vault verify --json
expect_status 0 "vault verify after the rotation"
expect_stdout "\"key\": \"$to_key\""
run "$MOAT" "${W[@]}" audit log --json
expect_status 0 "audit log"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" "$from_key" "$to_key" <<'PY' || fail "the rotation is not in the ledger"
import json, sys
events = [e for e in json.load(open(sys.argv[1])) if e["action"] == "rotate-key"]
assert len(events) == 1 and events[0]["entity"] == "vault" and events[0]["key"] == sys.argv[3], events
PY
run "$MOAT" "${W[@]}" audit verify
expect_status 0 "audit verify after the rotation"
# A process left with the retired key is stopped, and the retired key decrypts nothing.
clone_workspace "$WORK/ws" "$WORK/oldkey"
cp "$WORK/old.key" "$WORK/oldkey/keys/vault.key"
run "$MOAT" -w "$WORK/oldkey" document get "${ID[f2.bin]}" -o "$WORK/out/old-key"
expect_status 2 "reading with the retired key"
expect_stderr "the vault's files are under key $to_key"
rm "$WORK/oldkey/vault/.key"
run "$MOAT" -w "$WORK/oldkey" document get "${ID[f2.bin]}" -o "$WORK/out/old-key"
expect_status 1 "decrypting with the retired key"
expect_stderr "fails authentication"
finish

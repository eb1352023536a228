#!/usr/bin/env bash
# `moat vault rotate-key` killed with SIGKILL at random moments, again and again: after every
# kill each stored file still decrypts and matches its id (`moat vault verify`), and a last run
# finishes the rotation, with every file read back byte for byte and the ledger verifying.
source "$(dirname "$0")/lib.sh"

KILLS=${MOAT_VAULT_KILLS:-24}
db_flags
"$MOAT" init "$WORK/ws" "${DB_FLAGS[@]}" >/dev/null || { fail "init"; finish; }
W=(-w "$WORK/ws")
mkdir -p "$WORK/files" "$WORK/out"
python3 - "$WORK/files" <<'PY'
import os, random, sys
random.seed(1313)
for i in range(24):
    with open(os.path.join(sys.argv[1], f"f{i:02d}.bin"), "wb") as out:
        out.write(random.randbytes(random.choice([10, 200000, 600000, 1800000])))
PY
declare -A ID
for f in "$WORK"/files/*.bin; do
  ID[$(basename "$f")]=$("$MOAT" "${W[@]}" document add "$f" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["document"])') || fail "document add $f"
done
FILES=${#ID[@]}

# How long one whole rotation takes here (the middle of three, as the first alone may be slowed by
# a cold cache or a busy machine): the kills land within 1.2 times that. The files are large enough
# that the rotation's own work, not the process's start, takes most of that time.
spans=()
for _ in 1 2 3; do
  start=$(date +%s%N)
  "$MOAT" "${W[@]}" vault rotate-key >/dev/null || fail "an uninterrupted rotation"
  spans+=($(( ($(date +%s%N) - start) / 1000000 )))
done
span_ms=$(printf '%s\n' "${spans[@]}" | sort -n | sed -n 2p)

mid_rotation=0
for ((i = 1; i <= KILLS; i++)); do
  delay=$(python3 -c "import random; print(f'{random.uniform(0, 1.2 * $span_ms) / 1000:.3f}')")
  "$MOAT" "${W[@]}" vault rotate-key >/dev/null 2>"$WORK/rotate.err" &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ -e "$WORK/ws/keys/vault.key.next" ] && mid_rotation=$((mid_rotation + 1))
  run "$MOAT" "${W[@]}" vault verify --json
  expect_status 0 "vault verify after kill $i (at ${delay}s)"
  expect_stdout "\"files\": $FILES" "vault verify after kill $i"
  if ((i % 6 == 0)); then  # a few files read back byte for byte mid-way
    for name in f00.bin f07.bin f15.bin; do
      run "$MOAT" "${W[@]}" document get "${ID[$name]}" -o "$WORK/out/$name"
      expect_status 0 "document get $name after kill $i"
      same_files "$WORK/files/$name" "$WORK/out/$name" "$name after kill $i"
      rm -f "$WORK/out/$name"
    done
  fi
done
echo "$KILLS kills (within ${span_ms} ms of a rotation's length); $mid_rotation left a rotation unfinished"
CHECKS=$((CHECKS + 1))
[ "$mid_rotation" -ge $((KILLS / 4)) ] || fail "only $mid_rotation of $KILLS kills landed inside a rotation"

run "$MOAT" "${W[@]}" vault rotate-key --json
expect_status 0 "the rotation after the kills"
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/ws/keys/vault.key.next" ] || fail "the rotation left its next key behind"
run "$MOAT" "${W[@]}" vault verify --json
expect_status 0 "vault verify at the end"
cp "$WORK/stdout" "$WORK/verify.json"
for name in "${!ID[@]}"; do
  run "$MOAT" "${W[@]}" document get "${ID[$name]}" -o "$WORK/out/$name"
  expect_status 0 "document get $name at the end"
  same_files "$WORK/files/$name" "$WORK/out/$name" "$name at the end"
done
CHECKS=$((CHECKS + 1))
[ -z "$(find "$WORK/ws/vault" -name '*.tmp-*')" ] || fail "temporary files left in the vault"
run "$MOAT" "${W[@]}" audit verify
expect_status 0 "audit verify"
run "$MOAT" "${W[@]}" audit log --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" "$WORK/verify.json" <<'PY' || fail "the ledger's rotations: $(grep -c rotate-key "$WORK/stdout")"
import json, sys
events = [e for e in json.load(open(sys.argv[1])) if e["action"] == "rotate-key"]
key = json.load(open(sys.argv[2]))["key"]
keys = [e["key"] for e in events]
assert len(keys) == len(set(keys)), "a rotation recorded twice"
assert keys[-1] == key, (keys, key)
for before, after in zip(events, events[1:]):
    assert before["after"]["to_key"] == after["after"]["from_key"], (before, after)
PY
finish

#!/usr/bin/env bash
# vault_bench.sh [MOAT]: a large file through the real `moat` binary under GNU time — `document
# add` (streamed in), `document get -o` (streamed out), `vault verify`, `vault rotate-key` — with
# MB/s and peak resident set (GNU time's "Maximum resident set size"), RUNS times each; then the
# same operations on the Vault API in-process (build/bench/vault_bench), with the whole-content
# put/get as the peer. SIZE_MB (default 100) megabytes (10^6 bytes) of random data.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
MOAT=$(realpath "${1:-${MOAT:-$root/build/src/cli/moat}}")
BENCH=${BENCH:-$(dirname "$MOAT")/../../bench/vault_bench}
SIZE_MB=${SIZE_MB:-100}
RUNS=${RUNS:-3}
[ -x /usr/bin/time ] || { echo "vault_bench: GNU time is not installed (scripts/install-deps)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c $((SIZE_MB * 1000000)) /dev/urandom > "$work/big.bin"

# measure LABEL CMD...: one line "LABEL seconds peak_kib" per run.
measure() {
  local label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
  echo "$label $(cat "$work/time")" >> "$work/samples"
}

for ((r = 1; r <= RUNS; r++)); do
  rm -rf "$work/ws" "$work/out.bin"
  "$MOAT" init "$work/ws" >/dev/null
  measure "moat document add" "$MOAT" -w "$work/ws" document add "$work/big.bin"
  id=$("$MOAT" -w "$work/ws" list documents --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  measure "moat document get -o" "$MOAT" -w "$work/ws" document get "$id" -o "$work/out.bin"
  cmp -s "$work/big.bin" "$work/out.bin" || { echo "vault_bench: the file read back differs" >&2; exit 1; }
  measure "moat vault verify" "$MOAT" -w "$work/ws" vault verify
  measure "moat vault rotate-key" "$MOAT" -w "$work/ws" vault rotate-key
  # A design file of a kind moat does not mark, added to the demo's ring board package and released
  # to two people at the supplier the plan names: into the vault, then into a folder.
  rm -rf "$work/demo" "$work/out"
  MOAT_ACTOR=bench "$MOAT" demo "$work/demo" >/dev/null
  measure "moat file add" env MOAT_ACTOR=bench "$MOAT" -w "$work/demo" file add WP07 "$work/big.bin"
  file=$("$MOAT" -w "$work/demo" file list --package WP07 --json |
    python3 -c 'import json,sys; print(next(f["id"] for f in json.load(sys.stdin) if f["name"] == "big.bin"))')
  supplier=$("$MOAT" -w "$work/demo" release list --json |
    python3 -c 'import json,sys; print(next(r["supplier"] for r in json.load(sys.stdin) if r["package"] == "WP07"))')
  people=$("$MOAT" -w "$work/demo" list people --json |
    python3 -c 'import json,sys; print(" ".join("--recipient " + p["id"] for p in json.load(sys.stdin) if p["supplier"] == sys.argv[1]))' "$supplier")
  # shellcheck disable=SC2086
  measure "moat release (2 recipients, vault)" env MOAT_ACTOR=bench "$MOAT" -w "$work/demo" release WP07 --to "$supplier" $people --files "$file"
  # shellcheck disable=SC2086
  measure "moat release (2 recipients, --out)" env MOAT_ACTOR=bench "$MOAT" -w "$work/demo" release WP07 --to "$supplier" $people --files "$file" --out "$work/out"
  for copy in "$work"/out/*/big.bin; do
    cmp -s "$work/big.bin" "$copy" || { echo "vault_bench: the released copy $copy differs" >&2; exit 1; }
  done
done

echo "moat binary, ${SIZE_MB} MB file, $RUNS runs: MB/s min / median / max, peak RSS (max of the runs)"
echo
echo "| command | MB/s min / median / max | peak RSS MiB |"
echo "| --- | --- | --- |"
python3 - "$work/samples" "$SIZE_MB" <<'PY'
import collections, statistics, sys
runs = collections.OrderedDict()
for line in open(sys.argv[1]):
    *label, seconds, kib = line.split()
    runs.setdefault(" ".join(label), []).append((float(seconds), int(kib)))
size = float(sys.argv[2])
for label, samples in runs.items():
    rates = sorted(size / max(s, 0.01) for s, _ in samples)
    print(f"| `{label}` | {rates[0]:.0f} / {statistics.median(rates):.0f} / {rates[-1]:.0f} | "
          f"{max(k for _, k in samples) / 1024:.1f} |")
PY
echo
if [ -x "$BENCH" ]; then
  "$BENCH" --size-mb "$SIZE_MB" --runs "$RUNS" --dir "$work/api"
fi

#!/usr/bin/env bash
# `moat serve` and `moat import` against hostile clients, on loopback: connection limits, one
# answer for "not yours" and "not there", strict request bodies, supplier reads and rate limits,
# bounded JSON and files, sign-in delays, hidden files, the witness file (tests/http/serve_hardening.py).
source "$(dirname "$0")/lib.sh"

db_flags
"$MOAT" demo "$WORK/ws" "${DB_FLAGS[@]}" >/dev/null || { fail "demo"; finish; }
run python3 "$MOAT_SOURCE_DIR/tests/http/serve_hardening.py" "$MOAT" "$WORK/ws" "$WORK"
CHECKS=$((CHECKS + 1))
[ "$STATUS" -eq 0 ] || fail "serve_hardening.py: $(tail -c 3000 "$WORK/stderr")"
tail -n 1 "$WORK/stdout"
finish

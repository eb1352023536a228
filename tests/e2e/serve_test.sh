#!/usr/bin/env bash
# `moat serve` end to end: a real server on loopback over the Aurora demo workspace, driven by
# tests/http/serve_api.py (the authorization matrix from the route table, supplier isolation,
# sign-in and lockout, CSRF, tokens, ETags, versions, problems, two servers on one database,
# TLS, nginx in front).
source "$(dirname "$0")/lib.sh"

db_flags
"$MOAT" demo "$WORK/ws" "${DB_FLAGS[@]}" >/dev/null || { fail "demo"; finish; }
run python3 "$MOAT_SOURCE_DIR/tests/http/serve_api.py" "$MOAT" "$WORK/ws" "$WORK"
CHECKS=$((CHECKS + 1))
[ "$STATUS" -eq 0 ] || fail "serve_api.py: $(tail -c 3000 "$WORK/stderr")"
tail -n 1 "$WORK/stdout"
finish

#!/usr/bin/env bash
# What a person at the terminal reads: lists that fit (or --wide, --columns), money with its
# currency and the rates quotes were converted at.
source "$(dirname "$0")/lib.sh"

db_flags
run "$MOAT" demo "$WORK/ws" "${DB_FLAGS[@]}"
expect_status 0 "demo"
W=(-w "$WORK/ws")

# ---- Lists: --columns, --wide, and what fits a terminal ---------------------------------------
run "$MOAT" "${W[@]}" list suppliers --columns id,city
expect_status 0 "list --columns"
[ "$(head -1 "$WORK/stdout" | tr -s ' ')" = "id city" ] || fail "list --columns: $(head -1 "$WORK/stdout")"
run "$MOAT" "${W[@]}" list suppliers --columns id,town
expect_status 1 "list --columns with a field that does not exist"
expect_stderr "'town' is not a field of suppliers"
if command -v script >/dev/null; then
  COLUMNS=100 script -qec "$MOAT -w $WORK/ws list suppliers" /dev/null > "$WORK/tty.out" 2>&1
  CHECKS=$((CHECKS + 1))
  widest=$(tr -d '\r' < "$WORK/tty.out" | grep -v 'more fields' | awk '{ print length($0) }' | sort -n | tail -1)
  [ "$widest" -le 130 ] || fail "list on a 100-column terminal prints lines of $widest characters"
  grep -q "more fields: --wide" "$WORK/tty.out" || fail "list on a terminal does not say how to see the rest"
  COLUMNS=100 script -qec "$MOAT -w $WORK/ws list suppliers --wide" /dev/null > "$WORK/wide.out" 2>&1
  grep -q "subcontractors" "$WORK/wide.out" || fail "list --wide leaves fields out"
fi

# ---- Money carries its currency; quotes in another currency plan at a dated rate ---------------
run "$MOAT" "${W[@]}" plan --product aurora --time-limit 20
expect_status 0 "plan"
expect_stdout " CNY" "the plan's cost"
run "$MOAT" "${W[@]}" set quotes aurora/WP01/F04 currency=USD unit_cost=2.25 fixed_cost=59000
expect_status 0 "a quote in USD"
run "$MOAT" "${W[@]}" plan --product aurora --time-limit 20
expect_status 1 "a USD quote without a rate"
expect_stderr "no rate from USD to CNY"
cat >> "$WORK/ws/moat.toml" <<'TOML'

[currency]
base = "CNY"
rates = [
  { currency = "USD", rate = 7.05, date = "2026-01-31" },
  { currency = "USD", rate = 7.12, date = "2026-06-30" },
  { currency = "USD", rate = 9.99, date = "2099-01-01" },
]
TOML
run "$MOAT" "${W[@]}" plan --product aurora --time-limit 20
expect_status 0 "plan with a dated rate"
expect_stdout "quotes converted at 1 USD = 7.12 CNY (rate of 2026-06-30)"
run "$MOAT" "${W[@]}" gate --product aurora --json
[ "$STATUS" -ne 1 ] && [ "$STATUS" -ne 2 ] || fail "the gate stops at a quote in USD: $(head -c 300 "$WORK/stderr")"
printf '\n[currency]\nbase = "CNY"\n' >> "$WORK/ws/moat.toml"
run "$MOAT" "${W[@]}" status
expect_status 1 "a second [currency] table"

finish

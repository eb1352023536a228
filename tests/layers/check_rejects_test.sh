#!/usr/bin/env bash
# scripts/check-layers and cmake/layers.cmake on trees and links that break the table: an
# adapter including an engine or the store, an engine including the store, a folder the table
# does not know, an adapter linking an engine; and on the real tree, which passes.
# Usage: check_rejects_test.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
check=$source_dir/scripts/check-layers
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_forbidden TREE LINE: check-layers exits 1 and prints LINE.
expect_forbidden() {
  local output status=0
  output=$(python3 "$check" "$1" 2>&1) || status=$?
  [[ $status -eq 1 ]] || fail "check-layers exited $status on $1, not 1: $output"
  grep -qF -- "$2" <<<"$output" || fail "check-layers did not say '$2': $output"
}

# The real tree passes.
python3 "$check" "$source_dir" || fail "the source tree breaks its own table"

# The real tree with one forbidden include added to an adapter fails, naming file and line.
cp -r "$source_dir/src" "$source_dir/scripts" "$work/"
printf '// SPDX-License-Identifier: Apache-2.0\n#include "plan/planner.h"\n' >"$work/src/cli/reach.cc"
expect_forbidden "$work" "src/cli/reach.cc:2: cli/ may not include plan/planner.h"
rm "$work/src/cli/reach.cc"

# http reaching the store, an engine reaching the store, and app reached from below.
printf '#pragma once\n\n#include "store/store.h"\n' >"$work/src/http/reach.h"
expect_forbidden "$work" "src/http/reach.h:3: http/ may not include store/store.h"
rm "$work/src/http/reach.h"
printf '#include "core/result.h"\n#include "store/database.h"\n' >"$work/src/plan/reach.cc"
expect_forbidden "$work" "src/plan/reach.cc:2: plan/ may not include store/database.h"
rm "$work/src/plan/reach.cc"
printf '#include "app/workspace.h"\n' >"$work/src/store/reach.cc"
expect_forbidden "$work" "src/store/reach.cc:1: store/ may not include app/workspace.h"
rm "$work/src/store/reach.cc"

# A test file may include testing/ and what its layer reaches, but not a layer above it.
printf '#include "testing/testing.h"\n#include "ledger/chain.h"\n' >"$work/src/store/reach_test.cc"
python3 "$check" "$work" || fail "a store test including testing/ and ledger/ was refused"
printf '#include "http/api.h"\n' >"$work/src/store/reach_test.cc"
expect_forbidden "$work" "src/store/reach_test.cc:1: store/ may not include http/api.h"
rm "$work/src/store/reach_test.cc"

# A folder the table does not list.
mkdir "$work/src/newlayer"
printf '#include "core/result.h"\n' >"$work/src/newlayer/x.cc"
expect_forbidden "$work" "folder newlayer/ is not in the table of layers"
rm -r "$work/src/newlayer"
python3 "$check" "$work" || fail "the copied tree no longer passes"

# The link graph: cli linking the planner or http linking the store is refused, app's links pass.
cat >"$work/links.cmake" <<CMAKE
cmake_minimum_required(VERSION 3.25)
include($source_dir/cmake/layers.cmake)
moat_layer_link_problems(cli "moat_app;moat_plan;CLI11::CLI11" cli_problems)
moat_layer_link_problems(http "moat_app;\$<LINK_ONLY:moat_store>" http_problems)
moat_layer_link_problems(app "moat_store;moat_plan;moat_core;PkgConfig::SODIUM" app_problems)
message(STATUS "cli: \${cli_problems}")
message(STATUS "http: \${http_problems}")
message(STATUS "app: [\${app_problems}]")
CMAKE
links=$(cmake -P "$work/links.cmake" 2>&1)
grep -qF "cli: cli/ may not link moat_plan" <<<"$links" || fail "cli linking moat_plan was not refused: $links"
grep -qF "http: http/ may not link moat_store" <<<"$links" || fail "http linking moat_store was not refused: $links"
grep -qF "app: []" <<<"$links" || fail "app's links were refused: $links"
echo "ok"

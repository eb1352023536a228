// SPDX-License-Identifier: Apache-2.0
// What the app tests that start from an empty workspace share: one made afresh for each test on
// the test's backend (its parameter), written by a fixed session. Tests that need the demo's
// records start from it instead (demo_testing.h).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "app/session.h"
#include "app/workspace.h"
#include "testing/testing.h"

namespace moat::app {

class EmptyWorkspaceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_EQ(database_.error(), "");
    auto made = Workspace::init(dir_.path() / "ws", {"Test Co", "US", database_.url()});
    ASSERT_TRUE(made.ok()) << made.error().to_string();
    workspace_ = std::move(*made);
  }

  // Declared in the order they are needed: the workspace goes before its database and folder.
  testing::TempDir dir_;
  testing::TestDatabase database_{GetParam()};
  Session session_ = testing::fixed_session();
  std::unique_ptr<Workspace> workspace_;
};

}  // namespace moat::app

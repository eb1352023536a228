// SPDX-License-Identifier: Apache-2.0
// What the app tests that start from the Aurora demo share: the demo made afresh for each test on
// the test's backend (its parameter), by a fixed actor, kept whole (`demo_`: its plan, flags,
// watch) with its workspace in `workspace_`.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "app/demo.h"
#include "testing/testing.h"

namespace moat::app {

class DemoTest : public ::testing::TestWithParam<std::string> {
 protected:
  explicit DemoTest(std::string actor = "王涛") : session_(testing::fixed_session(std::move(actor))) {}

  // A fixture that reads more of the demo calls this first and returns when it failed
  // (HasFatalFailure()).
  void SetUp() override {
    ASSERT_EQ(database_.error(), "");
    auto demo = create_demo(dir_.path() / "demo", session_, database_.url());
    ASSERT_TRUE(demo.ok()) << demo.error().to_string();
    demo_ = std::move(*demo);
    workspace_ = std::move(demo_->workspace);
  }

  // Declared in the order they are needed: the workspace goes before its database and folder.
  testing::TempDir dir_;
  Session session_;
  testing::TestDatabase database_{GetParam()};
  std::optional<DemoResult> demo_;
  std::unique_ptr<Workspace> workspace_;
};

}  // namespace moat::app

// SPDX-License-Identifier: Apache-2.0
// Files compiled into the binary (cmake/embed.cmake): the Aurora demo product, so that
// `moat demo` works wherever the executable is.
#pragma once

#include <span>
#include <string_view>

namespace moat::app {

struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

}  // namespace moat::app

namespace moat::examples::aurora {
std::span<const moat::app::EmbeddedFile> embedded_files();
}  // namespace moat::examples::aurora

namespace moat::examples::aurora_watch {
// examples/aurora/watch: marketplace listings of the demo and the photos they (and Aurora) show.
std::span<const moat::app::EmbeddedFile> embedded_files();
}  // namespace moat::examples::aurora_watch

namespace moat::rules {
// rules/*.toml: the default qualification criteria and audit checklists.
std::span<const moat::app::EmbeddedFile> embedded_files();
}  // namespace moat::rules

// SPDX-License-Identifier: Apache-2.0
// Internal to src/app: the Aurora demo's design files, generated rather than stored so that they
// stay small and readable — an enclosure drawing (PDF), the top housing's envelope as a STEP solid,
// the mic/LED ring board's Gerber layers and drill file, and final assembly's documents — each with
// the work package it belongs to. When a real product's files are at hand (`realworld`), a STEP
// model and a ZIP of Gerbers from them are added as well.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace moat::app {

struct DemoFile {
  std::string package;  // aurora's work package
  std::string name;
  std::string content;
  std::vector<std::string> secrets;  // empty: all the package exposes
};

// The generated files, then those found under `realworld` (ignored when it does not exist).
std::vector<DemoFile> demo_design_files(const std::filesystem::path& realworld);

// A one-page drawing (PDF) of a work package, for a package the files above leave out.
DemoFile package_drawing(const std::string& package, const std::string& package_name);

}  // namespace moat::app

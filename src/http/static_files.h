// SPDX-License-Identifier: Apache-2.0
// Internal to src/http: files under a folder served as they are (the web dashboard's built
// assets), for GETs outside /api/. Only regular files inside the folder are served: no listing,
// no "..", no symbolic link leading out; "/" serves index.html.
#pragma once

#include <filesystem>
#include <string_view>

#include "http/api.h"

namespace moat::http {

Response static_file(const std::filesystem::path& root, std::string_view path);

}  // namespace moat::http

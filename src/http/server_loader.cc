// SPDX-License-Identifier: Apache-2.0
// The server as the moat binary has it: serve() forwarded to moat-serve.so, opened when `moat
// serve` starts (server_module.h says why), and the --listen address read here.
#include <charconv>
#include <string>

#include "core/module.h"
#include "http/server.h"
#include "http/server_module.h"

namespace moat::http {
namespace {

Result<const ServerModule*> open_server_module() {
  return open_module_functions<ServerModule>(kServerModuleFile, kServerModuleEntry, kServerModuleInterface);
}

}  // namespace

Result<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text) {
  const auto bad = [&] {
    return input_error("--listen", "write the address as HOST:PORT (127.0.0.1:8080, [::1]:8080), not '" +
                                       std::string(text) + "'");
  };
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']') return bad();
    host = host.substr(1, host.size() - 2);
  }
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) return bad();
  std::string name(host);
  if (name == "localhost") name = "127.0.0.1";
  return std::pair(name, static_cast<std::uint16_t>(port));
}

Status serve(Api& api, const ServerOptions& options) {
  static const Result<const ServerModule*> loaded = open_server_module();
  MOAT_TRY(const ServerModule* functions, loaded);
  return functions->serve(api, options);
}

}  // namespace moat::http

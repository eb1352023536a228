// SPDX-License-Identifier: Apache-2.0
// The network side of `moat serve`: HTTP/1.1 on Boost.Beast (docs/decisions/0008-http.md),
// asynchronous on a small fixed number of threads, keep-alive, TCP_NODELAY, limits on request
// size and time, limits on connections (per client address and in all, evicting idle connections
// at a limit so that new clients are still served), and TLS through OpenSSL when a certificate
// and key are given. Requests go to an
// Api (api.h); sign-ins, which hash a password, run on a separate small pool so that they never
// hold up an I/O thread. One log line per request, without secrets. Stops on SIGINT or SIGTERM,
// letting requests in flight finish.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/api.h"

namespace moat::http {

struct TlsFiles {
  std::filesystem::path certificate;  // PEM, the chain
  std::filesystem::path private_key;  // PEM
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (on_listening says which)
  int threads = 2;            // I/O threads
  int slow_threads = 2;       // threads for sign-ins (argon2id)
  // Threads for record writes waiting for their group commit: the most writes one commit holds.
  int write_threads = 32;
  std::optional<TlsFiles> tls;
  // Behind a reverse proxy on this machine: the client's address and scheme come from
  // X-Forwarded-For and X-Forwarded-Proto when the peer is a loopback address.
  bool trust_proxy = false;
  bool access_log = true;
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::seconds idle_timeout{30};  // for a request to arrive whole, and between requests
  // A new connection's first byte (its TLS handshake, whole) must arrive within this.
  std::chrono::seconds first_byte_timeout{10};
  // At either limit the connection idle the longest is closed for the new one (at the global
  // limit only one no signed-in caller has used); when none is idle the new one is answered 503.
  std::size_t max_connections = 4096;
  // Per client address; not applied to a trusted proxy's loopback connections.
  std::size_t max_connections_per_address = 128;
  std::function<void(std::uint16_t port)> on_listening;  // once listening, with the port bound
};

// "127.0.0.1:8080", "[::1]:8080", "localhost:0" -> host and port. kInput when malformed.
Result<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text);

// Serves `api` until SIGINT or SIGTERM. Errors: kInput for an unusable certificate or key or an
// address that cannot be bound.
Status serve(Api& api, const ServerOptions& options);

}  // namespace moat::http

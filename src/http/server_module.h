// SPDX-License-Identifier: Apache-2.0
// The network side of `moat serve` (server.cc: Boost.Beast, and TLS through OpenSSL's libssl and
// libcrypto) is a module of its own, moat-serve.so, opened when the server starts (core/module.h):
// linked into the binary, OpenSSL was loaded and relocated, and initialised, by every command, a
// third of the dynamic loader's work before `main`. The module holds no route, handler or store:
// it calls the Api it is given. Internal to http.
#pragma once

#include "core/result.h"
#include "http/api.h"
#include "http/server.h"

namespace moat::http {

inline constexpr const char* kServerModuleFile = "moat-serve.so";
inline constexpr const char* kServerModuleEntry = "moat_serve_module";
// Raised whenever serve(), Api, Request, Response or ServerOptions changes.
inline constexpr int kServerModuleInterface = 1;

// The module's functions: serve() as server.cc implements it there (the binary's own, in
// server_loader.cc, forwards to it).
struct ServerModule {
  Status (*serve)(Api& api, const ServerOptions& options);
};

}  // namespace moat::http

extern "C" {
// What the module exports (kServerModuleEntry): its functions, or nullptr for an interface other
// than its own.
using MoatServerModuleEntry = const moat::http::ServerModule* (*)(int interface);
}

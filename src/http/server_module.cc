// SPDX-License-Identifier: Apache-2.0
// The entry of moat-serve.so (http/server_module.h). The module exports this function and nothing
// else.
#include "http/server_module.h"

extern "C" __attribute__((visibility("default"))) const moat::http::ServerModule* moat_serve_module(
    int interface) {
  static const moat::http::ServerModule functions{&moat::http::serve};
  return interface == moat::http::kServerModuleInterface ? &functions : nullptr;
}

// SPDX-License-Identifier: Apache-2.0
#include "store/libpq.h"

#include <dlfcn.h>

#include <string>

namespace moat::store {
namespace {

// The library's ABI name on Linux since PostgreSQL 8.2 (Debian's libpq5).
constexpr const char* kLibrary = "libpq.so.5";

template <typename Function>
bool resolve(void* library, const char* name, Function& out, std::string& missing) {
  out = reinterpret_cast<Function>(dlsym(library, name));
  if (out == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(name);
  return out != nullptr;
}

Result<const LibPq*> open_library() {
  void* library = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    return internal_error(std::string("PostgreSQL needs libpq (") + kLibrary +
                          ", Debian's libpq5), which cannot be opened: " + (why ? why : "unknown reason"));
  }
  static LibPq functions;
  std::string missing;
  resolve(library, "PQconnectdbParams", functions.connectdb_params, missing);
  resolve(library, "PQconninfoParse", functions.conninfo_parse, missing);
  resolve(library, "PQconninfoFree", functions.conninfo_free, missing);
  resolve(library, "PQstatus", functions.status, missing);
  resolve(library, "PQerrorMessage", functions.error_message, missing);
  resolve(library, "PQfinish", functions.finish, missing);
  resolve(library, "PQexec", functions.exec, missing);
  resolve(library, "PQprepare", functions.prepare, missing);
  resolve(library, "PQexecPrepared", functions.exec_prepared, missing);
  resolve(library, "PQexecParams", functions.exec_params, missing);
  resolve(library, "PQresultStatus", functions.result_status, missing);
  resolve(library, "PQresultErrorMessage", functions.result_error_message, missing);
  resolve(library, "PQclear", functions.clear, missing);
  resolve(library, "PQntuples", functions.ntuples, missing);
  resolve(library, "PQnfields", functions.nfields, missing);
  resolve(library, "PQftype", functions.ftype, missing);
  resolve(library, "PQgetisnull", functions.getisnull, missing);
  resolve(library, "PQgetvalue", functions.getvalue, missing);
  resolve(library, "PQgetlength", functions.getlength, missing);
  resolve(library, "PQenterPipelineMode", functions.enter_pipeline_mode, missing);
  resolve(library, "PQexitPipelineMode", functions.exit_pipeline_mode, missing);
  resolve(library, "PQpipelineSync", functions.pipeline_sync, missing);
  resolve(library, "PQsendQuery", functions.send_query, missing);
  resolve(library, "PQsendQueryParams", functions.send_query_params, missing);
  resolve(library, "PQsendQueryPrepared", functions.send_query_prepared, missing);
  resolve(library, "PQsendPrepare", functions.send_prepare, missing);
  resolve(library, "PQgetResult", functions.get_result, missing);
  resolve(library, "PQflush", functions.flush, missing);
  resolve(library, "PQsendDescribePrepared", functions.send_describe_prepared, missing);
  resolve(library, "PQgetCopyData", functions.get_copy_data, missing);
  resolve(library, "PQputCopyData", functions.put_copy_data, missing);
  resolve(library, "PQputCopyEnd", functions.put_copy_end, missing);
  resolve(library, "PQfreemem", functions.freemem, missing);
  resolve(library, "PQescapeLiteral", functions.escape_literal, missing);
  if (!missing.empty()) return internal_error(std::string(kLibrary) + " lacks " + missing);
  return &functions;  // the library stays open for the process's life
}

}  // namespace

Result<const LibPq*> load_libpq() {
  static const Result<const LibPq*> loaded = open_library();
  return loaded;
}

}  // namespace moat::store

// SPDX-License-Identifier: Apache-2.0
// libpq, opened when the first PostgreSQL connection is, not when moat starts. Linked, libpq and
// what it pulls in (Kerberos, LDAP, GnuTLS: 22 shared libraries) were loaded and relocated by
// every moat process, most of which use the embedded SQLite default: 11 million instructions of
// the dynamic loader's before `main`, an eighth of a `moat set` (docs/decisions/0006).
#pragma once

#include <libpq-fe.h>

#include "core/result.h"

namespace moat::store {

// The functions of libpq that moat calls, resolved from the system's libpq.so.5.
struct LibPq {
  decltype(&::PQconnectdbParams) connectdb_params;
  decltype(&::PQconninfoParse) conninfo_parse;
  decltype(&::PQconninfoFree) conninfo_free;
  decltype(&::PQstatus) status;
  decltype(&::PQerrorMessage) error_message;
  decltype(&::PQfinish) finish;
  decltype(&::PQexec) exec;
  decltype(&::PQprepare) prepare;
  decltype(&::PQexecPrepared) exec_prepared;
  decltype(&::PQexecParams) exec_params;
  decltype(&::PQresultStatus) result_status;
  decltype(&::PQresultErrorMessage) result_error_message;
  decltype(&::PQclear) clear;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQnfields) nfields;
  decltype(&::PQftype) ftype;
  decltype(&::PQgetisnull) getisnull;
  decltype(&::PQgetvalue) getvalue;
  decltype(&::PQgetlength) getlength;
  decltype(&::PQenterPipelineMode) enter_pipeline_mode;
  decltype(&::PQexitPipelineMode) exit_pipeline_mode;
  decltype(&::PQpipelineSync) pipeline_sync;
  decltype(&::PQsendQuery) send_query;
  decltype(&::PQsendQueryParams) send_query_params;
  decltype(&::PQsendQueryPrepared) send_query_prepared;
  decltype(&::PQsendPrepare) send_prepare;
  decltype(&::PQgetResult) get_result;
  decltype(&::PQflush) flush;
  decltype(&::PQsendDescribePrepared) send_describe_prepared;
  decltype(&::PQgetCopyData) get_copy_data;
  decltype(&::PQputCopyData) put_copy_data;
  decltype(&::PQputCopyEnd) put_copy_end;
  decltype(&::PQfreemem) freemem;
  decltype(&::PQescapeLiteral) escape_literal;
};

// Opens libpq once per process (thread-safe); an internal error naming the library and what is
// missing when it cannot be opened.
Result<const LibPq*> load_libpq();

}  // namespace moat::store

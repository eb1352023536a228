// SPDX-License-Identifier: Apache-2.0
#include "store/copy.h"

namespace moat::store {

Status copy_checked(Store& from, Store& to, const std::function<Status()>& check) {
  MOAT_TRY(WriteTransaction transaction, WriteTransaction::begin(to.database()));
  MOAT_CHECK(from.copy_to(to.database()));
  MOAT_CHECK(check());
  return transaction.commit();
}

}  // namespace moat::store

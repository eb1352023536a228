// SPDX-License-Identifier: Apache-2.0
#include "app/session.h"

#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/date.h"

namespace moat::app {
namespace {

struct Established {
  bool set = false;
  std::string actor, via, supplier;
};

Established& established() {
  static Established current;
  return current;
}

std::string named_actor() {
  if (const char* actor = std::getenv("MOAT_ACTOR"); actor && *actor) return actor;
  return login_name();
}

}  // namespace

std::string login_name() {
  if (const passwd* entry = getpwuid(getuid()); entry && entry->pw_name) return entry->pw_name;
  return "uid:" + std::to_string(getuid());
}

void act_as(std::string actor, std::string via, std::string supplier) {
  established() = {true, std::move(actor), std::move(via), std::move(supplier)};
}

Date Session::today() const {
  const std::string time = now();
  const std::optional<Date> day = Date::parse(std::string_view(time).substr(0, 10));
  if (!day) throw std::logic_error("the session's clock gave '" + time + "', not an ISO 8601 time");
  return *day;
}

Session terminal_session() {
  const Established& who = established();
  return {who.set ? who.actor : named_actor(),
          [] {
            const auto now = std::chrono::system_clock::now().time_since_epoch();
            return iso8601_utc(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
          },
          who.set ? who.via : std::string(), who.set ? who.supplier : std::string()};
}

}  // namespace moat::app

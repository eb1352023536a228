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
  std::string actor, via;
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

void act_as(std::string actor, std::string via) {
  established() = {true, std::move(actor), std::move(via)};
}

std::string iso8601_utc(long long milliseconds_since_epoch) {
  constexpr long long kMsPerDay = 86'400'000;
  long long days = milliseconds_since_epoch / kMsPerDay;
  long long rest = milliseconds_since_epoch % kMsPerDay;
  if (rest < 0) rest += kMsPerDay, --days;
  const Date date = Date::from_days(static_cast<long>(days));
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%sT%02lld:%02lld:%02lld.%03lldZ", date.to_string().c_str(),
                rest / 3'600'000, rest / 60'000 % 60, rest / 1000 % 60, rest % 1000);
  return buffer;
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
          who.set ? who.via : std::string()};
}

}  // namespace moat::app

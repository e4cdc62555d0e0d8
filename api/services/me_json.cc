#include "api/services/me_json.h"

#include <boost/json/array.hpp>
#include <cstdio>

#include "api/services/authorization.h"
#include "ledger/domain/catalogue.h"

namespace api {

namespace json = boost::json;

std::string IanaZoneOf(std::chrono::minutes utc_offset) {
  const int64_t minutes = utc_offset.count();
  if (minutes % 60 != 0 || minutes < -12 * 60 || minutes > 14 * 60) return "";
  const int64_t hours = minutes / 60;
  if (hours == 0) return "Etc/UTC";
  // IANA's Etc zones count the other way: Etc/GMT-8 is eight hours ahead of UTC.
  return "Etc/GMT" + std::string(hours > 0 ? "-" : "+") +
         std::to_string(hours > 0 ? hours : -hours);
}

std::string FormatUtcOffset(std::chrono::minutes utc_offset) {
  const int64_t minutes = utc_offset.count();
  const int64_t magnitude = minutes < 0 ? -minutes : minutes;
  char text[16];
  std::snprintf(text, sizeof text, "%c%02d:%02d", minutes < 0 ? '-' : '+',
                static_cast<int>(magnitude / 60), static_cast<int>(magnitude % 60));
  return text;
}

json::object MeJson(const Principal& who, const ledger::domain::Policy& policy,
                    uint32_t policy_version) {
  json::object doc;
  doc["actor"] = who.actor.id;
  doc["role"] = RoleName(who.role);
  doc["department"] =
      who.actor.department.empty() ? json::value(nullptr) : json::value(who.actor.department);
  doc["token"] = who.token_id;
  doc["personal_data"] = SeesPersonalData(who);
  json::array actions, reads, writes;
  for (const ledger::domain::ActionSpec& a : ledger::domain::Actions())
    if (policy.RoleMay(RoleName(who.role), a.type)) actions.push_back(json::string(a.type));
  for (Resource r : AllResources()) {
    if (!Authorize(who, r).allowed()) continue;
    (IsWriteResource(r) ? writes : reads).push_back(json::string(ResourceName(r)));
  }
  doc["actions"] = std::move(actions);
  doc["reads"] = std::move(reads);
  doc["writes"] = std::move(writes);
  doc["policy_version"] = policy_version;
  const std::string zone = IanaZoneOf(policy.calendar.utc_offset);
  doc["time_zone"] = zone.empty() ? json::value(nullptr) : json::value(zone);
  doc["utc_offset"] = FormatUtcOffset(policy.calendar.utc_offset);
  return doc;
}

}  // namespace api

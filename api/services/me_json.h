// The caller as JSON, for GET /v1/me: who the token stands for and what it may do — the web
// console shows the user's name and role and offers only the actions and pages the role has.
//
//   {"actor": "u-cs-01", "role": "cs_agent", "department": "customer_service" | null,
//    "token": "tk_0c1d2e3f", "personal_data": true,
//    "actions": ["receive", "note", ...], "reads": ["complaint", ...], "writes": ["receive", ...],
//    "policy_version": 3, "time_zone": "Etc/GMT-8" | null, "utc_offset": "+08:00"}
//
// `token` is the token's public id, never the secret. `actions` are the catalogue's action
// types (ledger/domain/catalogue.h) the policy lets the role send, in the catalogue's order —
// exactly those whose "roles" in GET /v1/catalogue name it. `reads` and `writes` are the
// resources of the authorization table (authorization.h) the role may use, by ResourceName().
// `time_zone` is the policy's fixed UTC offset as an IANA zone ("Etc/GMT-8" is +08:00, the sign
// inverted as IANA has it) when it is whole hours, for Intl.DateTimeFormat; null otherwise.
//
// Thread-safety: a pure function of its arguments.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "api/services/principal.h"
#include "ledger/domain/policy.h"

namespace api {

boost::json::object MeJson(const Principal& who, const ledger::domain::Policy& policy,
                           uint32_t policy_version);

// "Etc/GMT-8" for +08:00, "Etc/UTC" for 0; "" when the offset is not whole hours or beyond
// the zones IANA names (-12..+14 hours).
std::string IanaZoneOf(std::chrono::minutes utc_offset);

// "+08:00", "-03:30", "+00:00".
std::string FormatUtcOffset(std::chrono::minutes utc_offset);

}  // namespace api

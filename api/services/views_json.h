// JSON renderings of the projections (the HTTP API, docs/api.md): the ticket state, the timeline,
// the complaint list, fines, rewards, metrics, findings and responsibility records. docs/api.md
// shows each shape. The CLI's --json output uses the same functions.
//
// Conventions: times RFC 3339 at the policy's UTC offset; money "1300.00" (null when none);
// scores and rates in hundredths are shown as decimal strings ("85.00", rates "66.67").
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>

#include "api/services/personal_data.h"
#include "api/services/principal.h"
#include "projections/queries.h"
#include "projections/timeline.h"

namespace api {

struct ViewContext {
  std::chrono::minutes utc_offset{480};
  const Principal* viewer = nullptr;  // null: redact personal data
  // Opens sealed personal data for viewers who may see it (personal_data.h); null: sealed data
  // shows as "[sealed]".
  const PersonalDataVault* vault = nullptr;
};

// What a view was evaluated at, shown with it.
struct Evaluation {
  ledger::Time as_of{};                  // the business time clocks were evaluated at
  std::optional<ledger::Time> known_at;  // the ledger time events were cut at
  uint32_t policy_version = 0;           // the version used (what-if) or the complaint's own
  bool what_if = false;
};

boost::json::object ClockToJson(const ledger::domain::ClockResult& clock, const ViewContext& v);
boost::json::object FineLineToJson(const ledger::domain::FineLine& line, const ViewContext& v);
boost::json::object FindingToJson(const projections::Finding& finding, const ViewContext& v);
boost::json::object ResponsibilityToJson(const projections::ResponsibilityRecord& r,
                                         const ViewContext& v);
// A deadline alert: {complaint, clock, cycle, threshold, state (due_soon | missed), at, start,
// due, level, department, person, project}. No personal data.
boost::json::object AlertToJson(const projections::Alert& alert, const ViewContext& v);

// A complainant as `v.viewer` may see it: {name, phone, unit, is_owner, data_subject,
// personal_data (clear | sealed | restricted | erased), erased_at_position}. Records the read of
// any personal data it shows (PersonalDataVault::Reveal).
boost::json::object ComplainantToJson(const ledger::domain::ComplainantInfo& complainant,
                                      const std::string& stream, const ViewContext& v);

boost::json::object TicketToJson(const projections::TrackedComplaint& tracked,
                                 const projections::Derived& derived,
                                 const ledger::domain::Policy& policy, const Evaluation& at,
                                 const ViewContext& v);
boost::json::object TimelineToJson(const std::string& id, const projections::Timeline& timeline,
                                   const Evaluation& at, const ViewContext& v);
boost::json::object ListToJson(const projections::ListPage& page, const ViewContext& v);
boost::json::object FinesToJson(const projections::FinesReport& report, const Evaluation& at,
                                const ViewContext& v);
boost::json::object RewardsToJson(const std::string& month,
                                  const std::vector<projections::RewardRow>& rows);
boost::json::object MetricsToJson(const projections::MetricsReport& report, const Evaluation& at,
                                  const ViewContext& v);
boost::json::object FindingsToJson(const std::vector<projections::Finding>& findings,
                                   const ViewContext& v);

// "85.00" for 8500 hundredths.
std::string Hundredths(int64_t value);

}  // namespace api

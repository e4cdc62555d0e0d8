// Object- and property-level authorization: the two hooks domain routes call after the route's
// function-level role check (auth.h) has admitted the caller.
//
//  * Object level — may this principal see this complaint? Call CheckCanReadComplaint() with
//    what the complaint's current state says about who holds it, before returning anything
//    about it (state, events, timeline). A refusal is PermissionDenied (403).
//  * Property level — personal data of complainants is shown only to roles that need it
//    (policy.md section 9). SeesPersonalData() says whether a principal may; RedactPersonalData()
//    blanks the personal fields of a JSON document for one who may not (the `reader` role).
//
// The rules are written down in docs/api.md ("Who sees what"); change them here and there.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <array>
#include <boost/json/value.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/auth.h"
#include "ledger/status.h"

namespace api {

// Who holds a complaint, as its current state says. Views: the strings must outlive the call.
struct ComplaintHolders {
  std::string_view id;                      // the complaint id, for the error message
  std::string_view receiving_department;    // where it was received
  std::string_view responsible_department;  // the department it is assigned to ("" before)
  std::vector<std::string_view> cooperating_departments;
  std::string_view handler;  // the assigned handler's person id ("" before)
};

// OK when `who` may read the complaint, PermissionDenied otherwise:
//   cs_agent, cs_head, deputy_gm, gm, auditor, reader  every complaint (reader redacted)
//   dept_head   complaints received by, assigned to or cooperated on by their department
//   handler     complaints assigned to them, or to or with their department
//   intake      complaints received by their department
//   admin       none (administers tokens and policies, not complaints)
ledger::Status CheckCanReadComplaint(const Principal& who, const ComplaintHolders& complaint);

// True when `who` may see complainants' personal data (every role but reader and admin).
bool SeesPersonalData(const Principal& who);

// Personal-data fields, as dotted paths into a complaint (or event payload) document.
inline constexpr std::array<std::string_view, 4> kPersonalDataPaths = {
    "complainant.name", "complainant.phone", "complainant.unit", "complainant.contact"};

inline constexpr std::string_view kRedacted = "[redacted]";

// Replaces the value at each dotted path of `document` that exists (and is not null) with the
// string "[redacted]". A "*" segment stands for every element of an array or every member of an
// object ("complaints.*.complainant.phone"). Paths that do not exist are ignored.
void RedactPaths(boost::json::value& document, std::span<const std::string_view> paths);

// RedactPaths(document, paths) unless `who` may see personal data. A null `who` (a public
// route) never sees personal data.
void RedactPersonalData(const Principal* who, boost::json::value& document,
                        std::span<const std::string_view> paths = kPersonalDataPaths);

}  // namespace api

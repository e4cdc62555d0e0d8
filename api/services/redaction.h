// Redaction: the property level of the authorization model (authorization.h). Complainants'
// personal data is shown only to roles that need it (RoleSeesPersonalData); for every other
// viewer each personal field of a JSON document is replaced by "[redacted]".
//
// The paths are the ones the views and payload renderings use; a correction of a personal field
// carries personal data in its values and is redacted by the payload renderer
// (payload_json.cc). Cap'n Proto encodings cannot be redacted field by field: their payloads are
// left out instead (event_capnp.h).
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <array>
#include <boost/json/value.hpp>
#include <span>
#include <string_view>

#include "api/services/principal.h"

namespace api {

// Personal-data fields, as dotted paths into a complaint (or event payload) document.
// (A ticket's complainant names its data subject; an event's sealed personal data, "personal",
// names it too.)
inline constexpr std::array<std::string_view, 6> kPersonalDataPaths = {
    "complainant.name",    "complainant.phone",        "complainant.unit",
    "complainant.contact", "complainant.data_subject", "personal.subject"};

inline constexpr std::string_view kRedacted = "[redacted]";

// Replaces the value at each dotted path of `document` that exists (and is not null) with the
// string "[redacted]". A "*" segment stands for every element of an array or every member of an
// object ("complaints.*.complainant.phone"). Paths that do not exist are ignored.
void RedactPaths(boost::json::value& document, std::span<const std::string_view> paths);

// RedactPaths(document, paths) unless `who` may see personal data (SeesPersonalData). A null
// `who` (a public route) never sees personal data.
void RedactPersonalData(const Principal* who, boost::json::value& document,
                        std::span<const std::string_view> paths = kPersonalDataPaths);

}  // namespace api

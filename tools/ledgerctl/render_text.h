// The text that ledgerctl prints for people, made from the same JSON views the API returns
// (api/services/views_json.h) — so a table and `--json` (and the API) can never disagree.
//
// Each function takes a view's JSON object and returns lines of text ending with a newline.
// Times are shown as "2026-05-21 09:13" in the policy's time zone (the views carry it).
#pragma once

#include <boost/json/object.hpp>
#include <string>

namespace tools {

std::string TicketText(const boost::json::object& ticket);
std::string HistoryText(const boost::json::object& events);  // {"id", "events": [...]}
std::string TimelineText(const boost::json::object& timeline);
std::string FinesText(const boost::json::object& fines);
std::string RewardsText(const boost::json::object& rewards);
std::string MetricsText(const boost::json::object& metrics);
std::string FindingsText(const boost::json::object& findings);
std::string ResponsibilityText(const boost::json::object& records);  // {"records": [...]}

// "2026-05-21T09:13:00.000000+08:00" -> "2026-05-21 09:13"; null -> "-".
std::string ShortTime(const boost::json::value& rfc3339);

}  // namespace tools

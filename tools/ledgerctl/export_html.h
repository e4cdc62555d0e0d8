// The HTML audit report of `ledgerctl export --format html`: one self-contained page (inline
// CSS, no scripts, nothing fetched) a reviewer can archive and open anywhere. Made from the same
// JSON views as the API (views.h), so it says what the API and the tables say.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace tools {

// Every event position the report shows as evidence links to that event's entry (an anchor
// "e<position>"): in the complaint's timeline, or in the report's last section, "Events cited",
// which lists the others. Each entry shows the event's chain hash.
struct HtmlReport {
  std::string title;             // "Complaint CMP-2026-000123", "Month 2026-03" or "Whole ledger"
  std::string ledger;            // the ledger directory, as given
  boost::json::object verify;    // {"ok", "checked", "head": {position, hash}, "problem"?}
  boost::json::object ticket;    // complaint reports: TicketView (else empty)
  boost::json::object timeline;  // complaint reports: TimelineView (else empty)
  boost::json::object fines;     // month and ledger reports: FinesView (else empty)
  boost::json::object findings;  // month and ledger reports: FindingsView (else empty)
  // The events shown or cited, by position, as the API renders them (api/services/event_json.h:
  // type, stream, actor, recorded_at, hash, ...).
  std::map<uint64_t, boost::json::object> events;
  std::string generated_at;  // RFC 3339
};

std::string RenderHtml(const HtmlReport& report);

// The positions `report` cites as evidence (fine lines, waivers, clocks, findings), to be read
// into `report.events`.
std::set<uint64_t> CitedPositions(const HtmlReport& report);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string EscapeHtml(std::string_view text);

}  // namespace tools

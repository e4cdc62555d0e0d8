// The HTML audit report of `ledgerctl export --format html`: one self-contained page (inline
// CSS, no scripts, nothing fetched) a reviewer can archive and open anywhere. Made from the same
// JSON views as the API (views.h), so it says what the API and the tables say.
#pragma once

#include <boost/json/object.hpp>
#include <string>

namespace tools {

struct HtmlReport {
  std::string title;             // "Complaint CMP-2026-000123" or "Month 2026-03"
  std::string ledger;            // the ledger directory, as given
  boost::json::object verify;    // {"ok", "checked", "head": {position, hash}, "problem"?}
  boost::json::object ticket;    // complaint reports: TicketView (else empty)
  boost::json::object timeline;  // complaint reports: TimelineView (else empty)
  boost::json::object fines;     // month reports: FinesView (else empty)
  boost::json::object findings;  // month reports: FindingsView (else empty)
  std::string generated_at;      // RFC 3339
};

std::string RenderHtml(const HtmlReport& report);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string EscapeHtml(std::string_view text);

}  // namespace tools

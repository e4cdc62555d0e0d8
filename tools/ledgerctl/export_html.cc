#include "tools/ledgerctl/export_html.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "tools/ledgerctl/json_read.h"
#include "tools/ledgerctl/render_text.h"

namespace tools {

namespace json = boost::json;

namespace {

constexpr char kStyle[] = R"(<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:78em;color:#1d2330;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ccd}
table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{border:1px solid #d5d9e2;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#eef1f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#0a6b2d;font-weight:600}.bad{color:#a4161a;font-weight:600}.muted{color:#667}
code{font:12px ui-monospace,monospace;word-break:break-all}.waived{text-decoration:line-through;color:#667}
dl{display:grid;grid-template-columns:12em 1fr;gap:.2em 1em}dt{color:#556}dd{margin:0}
.entry{border-left:3px solid #9ab;padding:.2em .8em;margin:.8em 0}.entry:target{background:#fff6d6}
a{color:#1f4fa3}
</style>)";

// The readers of json_read.h, escaped for HTML; null shows as an en dash.
std::string S(const json::value& v) { return EscapeHtml(json_read::Text(v, "–")); }
std::string S(const json::object& o, std::string_view key) { return S(json_read::Member(o, key)); }
const json::array& A(const json::object& o, std::string_view key) {
  return json_read::Array(json_read::Member(o, key));
}
const json::object& O(const json::value& v) { return json_read::Object(v); }
const json::object& O(const json::object& o, std::string_view key) {
  return O(json_read::Member(o, key));
}
std::string T(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? EscapeHtml(ShortTime(*v)) : "–";
}
std::string List(const json::array& a) {
  std::string out;
  for (const json::value& v : a) out += (out.empty() ? "" : ", ") + S(v);
  return out.empty() ? "–" : out;
}
// An event position, linked to its entry (the timeline's, or the "Events cited" section's).
std::string Link(const json::value& position) {
  const std::string p = S(position);
  return "<a href=\"#e" + p + "\">#" + p + "</a>";
}
std::string Evidence(const json::array& a) {
  std::string out;
  for (const json::value& v : a) out += (out.empty() ? "" : " ") + Link(v);
  return out.empty() ? "–" : out;
}

// The event's chain hash, from the events read for the report.
std::string HashOf(const HtmlReport& r, const json::value& position) {
  if (!position.is_int64() && !position.is_uint64()) return "–";
  auto it = r.events.find(position.to_number<uint64_t>());
  return it == r.events.end() ? "–" : "<code>" + S(it->second, "hash") + "</code>";
}

std::string VerifySection(const json::object& v) {
  bool ok = v.contains("ok") && v.at("ok").as_bool();
  const json::object& head = O(v, "head");
  std::string out = "<h2>Integrity</h2><p>";
  out += ok ? "<span class=ok>The hash chain verified</span>: " + S(v, "checked") +
                  " events recomputed and linked."
            : "<span class=bad>The hash chain did NOT verify</span>: " + S(v, "problem");
  out += "</p><dl><dt>head position</dt><dd>" + S(head, "position") +
         "</dd><dt>head hash</dt><dd><code>" + S(head, "hash") + "</code></dd></dl>";
  out +=
      "<p class=muted>Keep the head elsewhere; <code>ledgerctl verify --expect-head "
      "POSITION:HASH</code> proves later that nothing before it changed.</p>";
  return out;
}

std::string ClocksSection(const json::array& clocks) {
  std::string out =
      "<table><tr><th>clock</th><th>due</th><th>state</th><th>done</th><th>how the "
      "deadline was computed</th></tr>";
  for (const json::value& cv : clocks) {
    const json::object& c = O(cv);
    const json::object& w = O(c, "explanation");
    const bool runs = !(w.contains("no_deadline") && w.at("no_deadline").is_string());
    std::string why = runs ? S(w, "allowance") + " from " + T(w, "start") + " (" +
                                 S(w, "start_rule") + "), level " + S(w, "level") + ", policy v" +
                                 S(w, "policy_version")
                           : "no deadline: " + S(w, "no_deadline");
    for (const json::value& s : A(w, "skipped"))
      why += "<br>skipped " + S(O(s), "reason") + ": " + T(O(s), "from") + " to " + T(O(s), "to") +
             " (" + Evidence(A(O(s), "events")) + ")";
    for (const json::value& x : A(w, "extensions"))
      why += "<br>extension to " + T(O(x), "until") + ": " + S(O(x), "note");
    for (const json::value& n : A(w, "notes")) why += "<br>" + S(n);
    if (!A(w, "events").empty())  // a clock without a deadline rests on no event
      why += "<br><span class=muted>events " + Evidence(A(w, "events")) + "</span>";
    std::string name = S(c, "clock") + (c.contains("cycle") ? " #" + S(c, "cycle") : "");
    out += "<tr><td>" + name + "</td><td>" + T(c, "due") + "</td><td>" + S(c, "state") +
           "</td><td>" + T(c, "met_at") + "</td><td>" + why + "</td></tr>";
  }
  return out + "</table>";
}

std::string FinesTable(const json::array& lines) {
  std::string out =
      "<table><tr><th>day</th><th>complaint</th><th>rule</th><th>amount</th><th>"
      "charged</th><th>proved by events</th><th>how</th></tr>";
  for (const json::value& lv : lines) {
    const json::object& l = O(lv);
    bool waived = l.contains("waiver");
    std::string how = S(l, "reason");
    if (waived)
      how += "<br><b>waived</b> by " + S(O(l, "waiver"), "by") + " (event " +
             Link(json_read::Member(O(l, "waiver"), "event")) + "): " + S(O(l, "waiver"), "reason");
    out += std::string("<tr") + (waived ? " class=waived" : "") + "><td>" + S(l, "day") +
           "</td><td>" + S(l, "complaint") + "</td><td>" + S(l, "rule") + "</td><td class=n>" +
           S(l, "amount") + "</td><td>" + List(A(l, "people")) + "<br>" +
           List(A(l, "departments")) + "</td><td>" + Evidence(A(l, "evidence")) + "</td><td>" +
           how + "</td></tr>";
  }
  return out + "</table>";
}

std::string TicketSection(const json::object& t) {
  const json::object& r = O(t, "responsibility");
  const json::object& rule = O(t, "rule_level");
  std::string out = "<h2>State</h2><dl>";
  auto row = [&](const char* k, const std::string& v) {
    out += "<dt>" + std::string(k) + "</dt><dd>" + v + "</dd>";
  };
  // A closed complaint's stage is "closed" too: the stage is shown only where it adds something.
  const std::string status = S(t, "status"), stage = S(t, "stage");
  row("status", status + (stage != status ? " · " + stage : "") + " · version " + S(t, "version"));
  row("received", T(t, "received_at") + " via " + S(t, "channel") + ", project " + S(t, "project"));
  row("subject", S(t, "subject"));
  row("level",
      S(t, "level") + " (rule level " + S(rule, "level") + ": " + List(A(rule, "rules")) + ")");
  row("category",
      S(t, "category") + " (closure class " + S(t, "closure_class") + "), " + S(t, "validity"));
  row("responsible", r.empty() ? "–"
                               : S(r, "department") + ", handler " + S(r, "handler") +
                                     ", cooperating " + List(A(r, "cooperating")));
  out += "</dl><h2>Clocks</h2>" + ClocksSection(A(t, "clocks"));
  out += "<h2>Fines</h2>" + FinesTable(A(t, "fines")) +
         "<p>total, net of waivers (waived lines are struck through and not counted) <b>" +
         S(t, "fines_total") + "</b></p>";
  if (!A(t, "findings").empty()) {
    out += "<h2>Findings</h2><ul>";
    for (const json::value& f : A(t, "findings"))
      out += "<li><b>" + S(O(f), "kind") + "</b>: " + S(O(f), "detail") + " (" +
             Evidence(A(O(f), "evidence")) + ")</li>";
    out += "</ul>";
  }
  return out;
}

std::string TimelineSection(const HtmlReport& r) {
  std::string out = "<h2>Timeline</h2>";
  for (const json::value& ev : A(r.timeline, "entries")) {
    const json::object& e = O(ev);
    const json::object& actor = O(e, "actor");
    // The system (and roles without one) act for no department: no empty ", " after the role.
    const std::string department = json_read::Text(json_read::Member(actor, "department"), "");
    out += "<div class=entry id=e" + S(e, "position") + "><b>#" + S(e, "position") + " " +
           S(e, "type") + "</b> by " + S(actor, "id") + " (" + S(actor, "role") +
           (department.empty() ? "" : ", " + EscapeHtml(department)) +
           ")<br><span class=muted>occurred " + T(e, "occurred_at") + " · recorded " +
           T(e, "recorded_at") + (e.at("imported").as_bool() ? " · imported" : "") + " · hash " +
           HashOf(r, json_read::Member(e, "position")) + "</span><br>" + S(e, "summary");
    for (const json::value& c : A(e, "changes")) out += "<br>→ " + S(c);
    for (const json::value& f : A(e, "fines"))
      out += "<br>fine: " + S(O(f), "rule") + " " + S(O(f), "amount") + " (" + S(O(f), "day") +
             ")" + (O(f).contains("waiver") ? " <b>waived</b> since" : "");
    for (const json::value& f : A(e, "waived_fines"))
      out += "<br><b>waived</b>: <span class=waived>" + S(O(f), "rule") + " " + S(O(f), "amount") +
             " (" + S(O(f), "day") + ")</span>";
    out += "</div>";
  }
  return out;
}

std::string TallyTable(const json::object& fines, std::string_view key, const char* name) {
  std::string out = std::string("<table><tr><th>") + name +
                    "</th><th>lines</th><th>total, net of waivers</th><th>waived</th></tr>";
  for (const json::value& v : A(fines, key))
    out += "<tr><td>" + S(O(v), "name") + "</td><td class=n>" + S(O(v), "lines") +
           "</td><td class=n>" + S(O(v), "total") + "</td><td class=n>" + S(O(v), "waived") +
           "</td></tr>";
  // A line charged to several departments or people counts in each of their rows; this row
  // counts every line once.
  return out + "<tr><th>all lines</th><th class=n>" + std::to_string(A(fines, "lines").size()) +
         "</th><th class=n>" + S(fines, "total") + "</th><th class=n>" + S(fines, "waived") +
         "</th></tr></table>";
}

std::string PeriodSections(const json::object& fines, const json::object& findings) {
  const std::string period = S(fines, "month");
  std::string out = "<h2>Fines" + (period == "all" ? std::string() : " of " + period) + "</h2>";
  out +=
      "<p class=muted>Totals are net of waivers: a waived line counts under “waived” only. A "
      "line charged to several departments or people counts in each of their rows; the last row "
      "counts every line once.</p>";
  out += "<h3>By department</h3>" + TallyTable(fines, "by_department", "department");
  out += "<h3>By person</h3>" + TallyTable(fines, "by_person", "person");
  out += "<h3>Line items</h3>" + FinesTable(A(fines, "lines"));
  out +=
      "<h2>Findings</h2><table><tr><th>at</th><th>kind</th><th>complaint</th><th>detail</th>"
      "<th>events</th></tr>";
  for (const json::value& v : A(findings, "findings"))
    out += "<tr><td>" + T(O(v), "at") + "</td><td>" + S(O(v), "kind") + "</td><td>" +
           S(O(v), "complaint") + "</td><td>" + S(O(v), "detail") + "</td><td>" +
           Evidence(A(O(v), "evidence")) + "</td></tr>";
  return out + "</table>";
}

// The events cited that the timeline does not show, each with its anchor and hash.
std::string CitedSection(const HtmlReport& r) {
  std::set<uint64_t> shown;
  for (const json::value& ev : A(r.timeline, "entries")) {
    const json::value& p = json_read::Member(O(ev), "position");
    if (p.is_int64() || p.is_uint64()) shown.insert(p.to_number<uint64_t>());
  }
  std::string out;
  for (const auto& [position, e] : r.events) {
    if (shown.count(position)) continue;
    const json::object& actor = O(e, "actor");
    out += "<div class=entry id=e" + std::to_string(position) + "><b>#" + std::to_string(position) +
           " " + S(e, "type") + "</b> in " + S(e, "stream") + " by " + S(actor, "id") + " (" +
           S(actor, "role") + ")<br><span class=muted>occurred " + T(e, "occurred_at") +
           " · recorded " + T(e, "recorded_at") + " · hash <code>" + S(e, "hash") +
           "</code></span></div>";
  }
  if (out.empty()) return out;
  return "<h2>Events cited</h2><p class=muted>Every event cited above as evidence, with its chain "
         "hash (<code>ledgerctl history ID</code> lists a complaint's events with theirs).</p>" +
         out;
}

void AddPositions(const json::array& a, std::set<uint64_t>* out) {
  for (const json::value& v : a)
    if (v.is_int64() || v.is_uint64()) out->insert(v.to_number<uint64_t>());
}

void AddLinePositions(const json::array& lines, std::set<uint64_t>* out) {
  for (const json::value& lv : lines) {
    AddPositions(A(O(lv), "evidence"), out);
    const json::value& waiver = json_read::Member(O(O(lv), "waiver"), "event");
    if (waiver.is_int64() || waiver.is_uint64()) out->insert(waiver.to_number<uint64_t>());
  }
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::set<uint64_t> CitedPositions(const HtmlReport& r) {
  std::set<uint64_t> out;
  AddLinePositions(A(r.ticket, "fines"), &out);
  AddLinePositions(A(r.fines, "lines"), &out);
  for (const json::value& c : A(r.ticket, "clocks")) {
    const json::object& w = O(O(c), "explanation");
    AddPositions(A(w, "events"), &out);
    for (const json::value& s : A(w, "skipped")) AddPositions(A(O(s), "events"), &out);
  }
  for (const json::value& f : A(r.ticket, "findings")) AddPositions(A(O(f), "evidence"), &out);
  for (const json::value& f : A(r.findings, "findings")) AddPositions(A(O(f), "evidence"), &out);
  return out;
}

std::string RenderHtml(const HtmlReport& r) {
  std::string out = "<!doctype html><html lang=en><head><meta charset=utf-8><title>" +
                    EscapeHtml(r.title) + " — audit report</title>" + kStyle + "</head><body>";
  out += "<h1>" + EscapeHtml(r.title) +
         "</h1><p class=muted>Audit report of the complaint ledger in <code>" +
         EscapeHtml(r.ledger) + "</code>, generated " + EscapeHtml(r.generated_at) +
         ". Times are in the policy's time zone.</p>";
  out += VerifySection(r.verify);
  if (!r.ticket.empty()) out += TicketSection(r.ticket);
  if (!r.timeline.empty()) out += TimelineSection(r);
  if (!r.fines.empty()) out += PeriodSections(r.fines, r.findings);
  out += CitedSection(r);
  return out + "</body></html>\n";
}

}  // namespace tools

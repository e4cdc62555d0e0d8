#include "tools/ledgerctl/render_text.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>

#include "ledger/domain/money.h"
#include "tools/ledgerctl/json_read.h"
#include "tools/ledgerctl/output.h"

namespace tools {

namespace json = boost::json;

namespace {

std::string S(const json::value& v) { return json_read::Text(v); }
std::string S(const json::object& o, std::string_view key) { return S(json_read::Member(o, key)); }
const json::array& A(const json::object& o, std::string_view key) {
  return json_read::Array(json_read::Member(o, key));
}
const json::object& O(const json::value& v) { return json_read::Object(v); }
const json::object& O(const json::object& o, std::string_view key) {
  return O(json_read::Member(o, key));
}
std::string Join(const json::array& items, std::string_view sep = ", ") {
  std::string out;
  for (const json::value& v : items) {
    if (!out.empty()) out += sep;
    out += S(v);
  }
  return out.empty() ? "-" : out;
}
std::string Positions(const json::array& items) {
  std::string out;
  for (const json::value& v : items) out += (out.empty() ? "#" : " #") + S(v);
  return out.empty() ? "-" : out;
}
std::string Field(std::string_view name, const std::string& value) {
  std::string label(name);
  label.resize(13, ' ');
  return label + value + "\n";
}

// One line explaining a clock's deadline: start, rule, level, policy, skips, extensions.
std::string Why(const json::object& clock) {
  const json::object& w = O(clock, "explanation");
  if (w.contains("no_deadline") && w.at("no_deadline").is_string()) {
    std::string out = "no deadline: " + S(w, "no_deadline");
    for (const json::value& n : A(w, "notes")) out += "; " + S(n);
    return out;
  }
  if (S(w, "start_rule").empty() || S(w, "start_rule") == "-") return Join(A(w, "notes"), "; ");
  std::string out = S(w, "allowance") + " from " + ShortTime(w.at("start")) + " (" +
                    S(w, "start_rule") + "), " + S(w, "level") + ", policy v" +
                    S(w, "policy_version");
  for (const json::value& s : A(w, "skipped"))
    out += "; skips " + S(O(s), "reason") + " " + ShortTime(O(s).at("from")) + " to " +
           ShortTime(O(s).at("to"));
  for (const json::value& x : A(w, "extensions"))
    out += std::string("; extension to ") + ShortTime(O(x).at("until")) + " " +
           (O(x).at("applied").as_bool() ? "applied" : S(O(x), "note"));
  for (const json::value& n : A(w, "notes")) out += "; " + S(n);
  return out;
}

std::string ClockName(const json::object& c) {
  std::string name = S(c, "clock");
  if (c.contains("cycle") && S(c, "cycle") != "0") name += " #" + S(c, "cycle");
  return name;
}

std::string ClocksTable(const json::array& clocks) {
  Table t({"CLOCK", "DUE", "STATE", "DONE", "HOW THE DEADLINE WAS COMPUTED"});
  for (const json::value& v : clocks) {
    const json::object& c = O(v);
    t.Add({ClockName(c), ShortTime(c.at("due")), S(c, "state"), ShortTime(c.at("met_at")), Why(c)});
  }
  return t.Render();
}

std::string Charged(const json::object& line) {
  std::string who = Join(A(line, "people"));
  std::string depts = Join(A(line, "departments"));
  if (who == "-") return depts;
  return depts == "-" ? who : who + " (" + depts + ")";
}

std::string FineLinesTable(const json::array& lines, bool with_complaint) {
  std::vector<std::string> headers = {"DAY", "RULE", "AMOUNT", "CHARGED", "EVIDENCE", "NOTE"};
  if (with_complaint) headers.insert(headers.begin() + 1, "COMPLAINT");
  Table t(headers, {size_t(with_complaint ? 3 : 2)});
  for (const json::value& v : lines) {
    const json::object& l = O(v);
    std::string note = S(l, "derived") == "true" ? "derived" : "recorded";
    if (l.contains("waiver"))
      note = "WAIVED by " + S(O(l, "waiver"), "by") + " (#" + S(O(l, "waiver"), "event") +
             "): " + S(O(l, "waiver"), "reason");
    std::vector<std::string> row = {
        S(l, "day"), S(l, "rule"), S(l, "amount"), Charged(l), Positions(A(l, "evidence")), note};
    if (with_complaint) row.insert(row.begin() + 1, S(l, "complaint"));
    t.Add(std::move(row));
  }
  return t.Render();
}

}  // namespace

std::string ShortTime(const json::value& v) {
  if (!v.is_string()) return "-";
  std::string s(v.as_string());
  if (s.size() < 16) return s;
  return s.substr(0, 10) + " " + s.substr(11, 5);
}

std::string TicketText(const json::object& t) {
  // A closed complaint's stage is "closed" too: the stage is shown only where it adds something.
  const std::string status = S(t, "status"), stage = S(t, "stage");
  std::string out = S(t, "id") + "  " + status + (stage != status ? " · " + stage : "") +
                    " · version " + S(t, "version") + "\n";
  out += Field("received", ShortTime(t.at("received_at")) + " via " + S(t, "channel") + " at " +
                               S(t, "receiving_department") + " (" + S(t, "receiving_staff") +
                               "), project " + S(t, "project"));
  out += Field("subject", S(t, "subject"));
  const json::object& who = O(t, "complainant");
  out += Field("complainant", S(who, "name") + ", " + S(who, "phone") + ", unit " + S(who, "unit") +
                                  (S(who, "is_owner") == "true" ? ", owner" : ""));
  const json::object& rule = O(t, "rule_level");
  out += Field("level", S(t, "level") + " (rule level " + S(rule, "level") + ": " +
                            Join(A(rule, "rules")) + ")");
  out += Field("category",
               S(t, "category") + " (closure class " + S(t, "closure_class") + "), validity " +
                   S(t, "validity") +
                   (S(t, "invalid_reason") != "-" ? " (" + S(t, "invalid_reason") + ")" : ""));
  const json::object& r = O(t, "responsibility");
  out += Field("responsible", r.empty() ? "-"
                                        : S(r, "department") + ", handler " + S(r, "handler") +
                                              ", cooperating " + Join(A(r, "cooperating")) +
                                              ", since " + ShortTime(r.at("assigned_at")));
  std::string flags;
  for (const json::value& f : A(t, "flags"))
    flags += (flags.empty() ? "" : ", ") + S(O(f), "flag") + " (#" + S(O(f), "event") + ")";
  out += Field("flags", flags.empty() ? "-" : flags);
  std::string links;
  for (const json::value& l : A(t, "links"))
    links += (links.empty() ? "" : ", ") + S(O(l), "relation") + " " + S(O(l), "other");
  out += Field("links", links.empty() ? "-" : links);
  const json::object& ev = O(t, "evaluated");
  out += Field("evaluated",
               "as of " + ShortTime(ev.at("as_of")) +
                   (S(ev, "known_at") != "-" ? ", known at " + ShortTime(ev.at("known_at")) : "") +
                   ", policy v" + S(ev, "policy_version") +
                   (S(ev, "what_if") == "true" ? " (what-if)" : ""));
  out += "\n" + ClocksTable(A(t, "clocks"));
  if (!A(t, "fines").empty())
    out +=
        "\n" + FineLinesTable(A(t, "fines"), false) + "fines total " + S(t, "fines_total") + "\n";
  const json::object& survey = O(t, "survey");
  if (!survey.empty())
    out += "\n" + Field("survey", "timeliness " + S(survey, "timeliness") + ", plan " +
                                      S(survey, "plan") + ", attitude " + S(survey, "attitude") +
                                      " (" + ShortTime(survey.at("at")) + ")");
  if (!A(t, "findings").empty()) {
    out += "\n";
    for (const json::value& f : A(t, "findings"))
      out += "finding: " + S(O(f), "kind") + " — " + S(O(f), "detail") + " (" +
             Positions(A(O(f), "evidence")) + ")\n";
  }
  return out;
}

std::string HistoryText(const json::object& doc) {
  Table t({"POS", "VER", "OCCURRED", "RECORDED", "TYPE", "ACTOR", "POLICY", "HASH"}, {0, 1});
  for (const json::value& v : A(doc, "events")) {
    const json::object& e = O(v);
    const json::object& actor = O(e, "actor");
    std::string type = S(e, "type") + (S(e, "imported") == "true" ? " (imported)" : "");
    t.Add({S(e, "position"), S(e, "version"), ShortTime(e.at("occurred_at")),
           ShortTime(e.at("recorded_at")), type, S(actor, "id") + " (" + S(actor, "role") + ")",
           "v" + S(e, "policy_version"), S(e, "hash").substr(0, 16)});
  }
  return S(doc, "id") + ": " + std::to_string(A(doc, "events").size()) + " events\n" + t.Render();
}

std::string TimelineText(const json::object& doc) {
  std::string out = S(doc, "id") + ": the timeline\n";
  for (const json::value& v : A(doc, "entries")) {
    const json::object& e = O(v);
    const json::object& actor = O(e, "actor");
    out += "\n#" + S(e, "position") + " v" + S(e, "version") + "  " + S(e, "type") + "  by " +
           S(actor, "id") + " (" + S(actor, "role") + ", " + S(actor, "department") + ")\n";
    std::string when = "occurred " + ShortTime(e.at("occurred_at")) + ", recorded " +
                       ShortTime(e.at("recorded_at"));
    if (S(e, "imported") == "true") when += " (imported)";
    out += "    " + when + "\n    " + S(e, "summary") + "\n";
    for (const json::value& c : A(e, "changes")) out += "    changed: " + S(c) + "\n";
    std::string clocks;
    for (const json::value& c : A(e, "clocks"))
      clocks += (clocks.empty() ? "" : "; ") + ClockName(O(c)) + " " + S(O(c), "state") + " (due " +
                ShortTime(O(c).at("due")) + ")";
    if (!clocks.empty()) out += "    clocks: " + clocks + "\n";
    for (const json::value& f : A(e, "fines"))
      out += "    fine: " + S(O(f), "rule") + " " + S(O(f), "amount") + " on " + S(O(f), "day") +
             " to " + Charged(O(f)) + (O(f).contains("waiver") ? " (waived since)" : "") + "\n";
    for (const json::value& f : A(e, "waived_fines"))
      out += "    waived: " + S(O(f), "rule") + " " + S(O(f), "amount") + " on " + S(O(f), "day") +
             " (charged to " + Charged(O(f)) + ")\n";
  }
  if (!A(doc, "fines_since_last_event").empty()) {
    out += "\nfines since the last event:\n";
    out += FineLinesTable(A(doc, "fines_since_last_event"), false);
  }
  const json::object& ev = O(doc, "evaluated");
  out += "\nclocks as of " + ShortTime(ev.at("as_of")) + ":\n" + ClocksTable(A(doc, "clocks"));
  return out;
}

std::string FinesText(const json::object& doc) {
  std::string out = "fines for " + S(doc, "month") + "\n\n";
  const std::string waived = S(doc, "waived");
  // Each row tallies the lines charged to that department or person; a line charged to several
  // counts for each, so the last row is the report's own: every line once.
  const std::string all = std::to_string(A(doc, "lines").size());
  auto tallies = [&](const json::array& rows, const char* name) {
    Table t({name, "LINES", "TOTAL", "WAIVED"}, {1, 2, 3});
    for (const json::value& v : rows) {
      const json::object& r = O(v);
      t.Add({S(r, "name"), S(r, "lines"), S(r, "total"), S(r, "waived")});
    }
    t.Total({"all lines", all, S(doc, "total"), waived});
    return t.Render();
  };
  out += tallies(A(doc, "by_department"), "DEPARTMENT") + "\n";
  out += tallies(A(doc, "by_person"), "PERSON") + "\n";
  out += FineLinesTable(A(doc, "lines"), true);
  out += "total " + S(doc, "total") + ", waived " + S(doc, "waived") + "\n";
  return out;
}

std::string RewardsText(const json::object& doc) {
  Table t({"DEPARTMENT", "SURVEYS", "CUSTOMER", "PLATFORM", "COMPOSITE", "REWARD"},
          {1, 2, 3, 4, 5});
  int64_t surveys = 0, reward = 0;
  for (const json::value& v : A(doc, "departments")) {
    const json::object& r = O(v);
    t.Add({S(r, "department"), S(r, "surveys"), S(r, "customer_score"), S(r, "platform_rating"),
           S(r, "composite"), S(r, "reward")});
    surveys += r.at("surveys").to_number<int64_t>();
    ledger::Result<ledger::domain::Money> m = ledger::domain::ParseMoney(S(r, "reward"), "reward");
    if (m.ok()) reward += *m;
  }
  t.Total({"total", std::to_string(surveys), "", "", "", ledger::domain::FormatMoney(reward)});
  return "rewards for " + S(doc, "month") + "\n\n" + t.Render();
}

std::string MetricsText(const json::object& doc) {
  Table t({"PROJECT", "RECEIVED", "CLOSED", "CLOSURE %", "RESPONSE ON TIME %", "CLOSURE ON TIME %",
           "H TO RESPONSE", "H TO CLOSURE", "SURVEYS", "SATISFACTION", "RANK"},
          {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  auto row = [](const json::object& p) {
    const json::object& on_time = O(p, "on_time");
    const json::object& survey = O(p, "survey");
    std::string rank = p.contains("rank") ? S(O(p, "rank"), "closure_rate") : "";
    return std::vector<std::string>{S(p, "project"),
                                    S(p, "received"),
                                    S(p, "closed"),
                                    S(p, "closure_rate"),
                                    S(O(on_time, "response"), "rate"),
                                    S(O(on_time, "closure"), "rate"),
                                    S(p, "mean_hours_to_first_response"),
                                    S(p, "mean_hours_to_closure"),
                                    S(survey, "count"),
                                    S(survey, "mean"),
                                    rank};
  };
  for (const json::value& v : A(doc, "projects")) t.Add(row(O(v)));
  std::vector<std::string> total = row(O(doc, "total"));
  total[0] = "all projects";
  t.Total(total);
  return "metrics for " + S(doc, "period") + " (rank: by closure rate)\n\n" + t.Render();
}

std::string FindingsText(const json::object& doc) {
  Table t({"AT", "KIND", "COMPLAINT", "EVIDENCE", "DETAIL"});
  for (const json::value& v : A(doc, "findings")) {
    const json::object& f = O(v);
    t.Add({ShortTime(f.at("at")), S(f, "kind"), S(f, "complaint"), Positions(A(f, "evidence")),
           S(f, "detail")});
  }
  return t.Render() + S(doc, "count") + " findings\n";
}

std::string ResponsibilityText(const json::object& doc) {
  Table t({"COMPLAINT", "ROLE", "PERSON", "DEPARTMENT", "FROM", "TO", "MET", "MISSED", "FINES"},
          {8});
  for (const json::value& v : A(doc, "records")) {
    const json::object& r = O(v);
    const json::object& outcome = O(r, "outcome");
    t.Add({S(r, "complaint"), S(r, "role"), S(r, "person"), S(r, "department"),
           ShortTime(r.at("from")), ShortTime(r.at("to")), Join(A(outcome, "met")),
           Join(A(outcome, "missed")), S(outcome, "fines")});
  }
  return t.Render();
}

}  // namespace tools

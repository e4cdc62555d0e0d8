#include "api/services/views_json.h"

#include <cmath>
#include <cstdio>

#include "api/services/authorization.h"
#include "api/services/redaction.h"

namespace api {

namespace json = boost::json;
namespace domain = ledger::domain;
using ledger::FormatRfc3339;

namespace {

json::value TimeOr(const std::optional<ledger::Time>& t, const ViewContext& v) {
  return t ? json::value(FormatRfc3339(*t, v.utc_offset)) : json::value(nullptr);
}
json::string Time(ledger::Time t, const ViewContext& v) {
  return json::string(FormatRfc3339(t, v.utc_offset));
}
json::value MoneyOr(domain::Money m) {
  return m < 0 ? json::value(nullptr) : json::value(domain::FormatMoney(m));
}
template <class Text>  // std::string or Sym
json::array Strings(const std::vector<Text>& items) {
  json::array a;
  for (const std::string& s : items) a.emplace_back(s);
  return a;
}
json::array Positions(const std::vector<uint64_t>& items) {
  json::array a;
  for (uint64_t p : items) a.emplace_back(p);
  return a;
}
json::value Rounded(const std::optional<double>& d) {
  if (!d) return nullptr;
  return std::round(*d * 100) / 100;
}

json::object EvaluationJson(const Evaluation& at, const ViewContext& v) {
  json::object o;
  o["as_of"] = Time(at.as_of, v);
  o["known_at"] = TimeOr(at.known_at, v);
  o["policy_version"] = at.policy_version;
  o["what_if"] = at.what_if;
  return o;
}

}  // namespace

std::string Hundredths(int64_t value) { return domain::FormatMoney(value); }

json::object ClockToJson(const domain::ClockResult& c, const ViewContext& v) {
  json::object o;
  o["clock"] = domain::ClockKindName(c.kind);
  if (c.kind == domain::ClockKind::kClosure) o["cycle"] = c.cycle;
  o["state"] = domain::ClockStateName(c.state);
  o["due"] = TimeOr(c.due, v);
  o["met_at"] = c.met ? json::value(Time(c.met->at, v)) : json::value(nullptr);
  o["met_event"] = c.met && c.met->position ? json::value(c.met->position) : json::value(nullptr);
  const domain::ClockExplanation& w = c.why;
  json::object why;
  // A clock without a deadline says why, and has no start or level (not a made-up one).
  why["no_deadline"] = w.no_deadline.empty() ? json::value(nullptr) : json::value(w.no_deadline);
  why["start"] = TimeOr(w.start, v);
  why["start_rule"] = w.start_rule;
  why["level"] = w.level ? json::value(domain::LevelName(*w.level)) : json::value(nullptr);
  why["policy_version"] = w.policy_version;
  why["allowance"] = w.allowance;
  json::array skipped;
  for (const domain::SkippedInterval& s : w.skipped) {
    json::object i;
    i["from"] = Time(s.from, v);
    i["to"] = Time(s.to, v);
    i["reason"] = s.reason;
    if (!s.detail.empty()) i["detail"] = s.detail;
    i["events"] = Positions(s.events);
    skipped.push_back(std::move(i));
  }
  why["skipped"] = std::move(skipped);
  json::array extensions;
  for (const domain::ExtensionNote& x : w.extensions) {
    json::object e;
    e["until"] = Time(x.until, v);
    e["requested_event"] = x.requested;
    e["decided_event"] = x.decided ? json::value(x.decided) : json::value(nullptr);
    e["applied"] = x.applied;
    e["note"] = x.note;
    extensions.push_back(std::move(e));
  }
  why["extensions"] = std::move(extensions);
  why["notes"] = Strings(w.notes);
  why["events"] = Positions(w.events);
  o["explanation"] = std::move(why);
  return o;
}

json::object FineLineToJson(const domain::FineLine& l, const ViewContext& v) {
  json::object o;
  o["id"] = l.id;
  o["complaint"] = l.complaint;
  o["rule"] = l.rule;
  o["amount"] = MoneyOr(l.amount);
  o["people"] = Strings(l.people);
  o["departments"] = Strings(l.departments);
  o["day"] = l.day;
  o["accrued_at"] = Time(l.accrued, v);
  o["derived"] = l.derived;
  o["reason"] = l.reason;
  o["evidence"] = Positions(l.evidence);
  o["waived"] = l.waived;
  if (l.waived) {
    json::object w;
    w["reason"] = l.waiver_reason;
    w["by"] = l.waived_by;
    w["event"] = l.waiver_position;
    o["waiver"] = std::move(w);
  }
  return o;
}

json::object FindingToJson(const projections::Finding& f, const ViewContext& v) {
  json::object o;
  o["kind"] = f.kind;
  o["complaint"] = f.complaint;
  o["at"] = Time(f.at, v);
  o["detail"] = f.detail;
  o["evidence"] = Positions(f.evidence);
  return o;
}

json::object ResponsibilityToJson(const projections::ResponsibilityRecord& r,
                                  const ViewContext& v) {
  json::object o;
  o["complaint"] = r.complaint;
  o["role"] = r.role;
  o["person"] = r.person.empty() ? json::value(nullptr) : json::value(r.person);
  o["department"] = r.department.empty() ? json::value(nullptr) : json::value(r.department);
  o["from"] = Time(r.from, v);
  o["to"] = TimeOr(r.to, v);
  json::object outcome;
  outcome["met"] = Strings(r.met);
  outcome["missed"] = Strings(r.missed);
  outcome["fines"] = domain::FormatMoney(r.fines);
  o["outcome"] = std::move(outcome);
  o["evidence"] = Positions(r.evidence);
  return o;
}

namespace {

// The parts of a ticket (TicketToJson), in the order of its fields.

// The complainant: recorded in the clear (before sealing), or sealed and opened for a viewer who
// may see personal data (docs/privacy.md). Every other viewer gets "[redacted]" by path below.
json::object ComplainantJson(const domain::ComplainantInfo& c, const std::string& stream,
                             const ViewContext& v) {
  json::object o;
  o["name"] = c.name;
  o["phone"] = c.phone;
  o["unit"] = c.unit;
  o["is_owner"] = c.is_owner;
  o["data_subject"] = c.subject.empty() ? json::value(nullptr) : json::value(c.subject);
  o["personal_data"] = c.sealed.empty() ? "clear" : "sealed";
  auto show = [&](std::string_view text) {
    o["name"] = text;
    o["phone"] = text;
    o["unit"] = text;
  };
  if (!SeesPersonalData(v.viewer)) {
    if (!c.sealed.empty()) show(kRedacted);
    return o;
  }
  if (v.vault == nullptr) {  // no vault at hand: the clear fields as recorded, sealed unopened
    if (!c.sealed.empty()) show("[sealed]");
    return o;
  }
  OpenedComplainant opened = v.vault->Reveal(c, stream, *v.viewer);
  using State = OpenedComplainant::State;
  if (opened.restricted) o["personal_data"] = "restricted";
  switch (opened.state) {
    case State::kClear:
    case State::kOpened:
      o["name"] = opened.name;
      o["phone"] = opened.phone;
      o["unit"] = opened.unit;
      break;
    case State::kErased:
      o["personal_data"] = "erased";
      if (opened.erased_position != 0) o["erased_at_position"] = opened.erased_position;
      show("[erased]");
      break;
    case State::kRestricted:
      o["personal_data"] = "restricted";
      show("[restricted]");
      break;
    case State::kSealed:
      show("[sealed]");
      break;
    case State::kUnreadable:
      show("[unreadable]");
      break;
  }
  return o;
}

json::value TargetJson(const std::optional<domain::TargetInfo>& t) {
  if (!t) return nullptr;
  json::object o;
  o["kind"] = t->kind.str();
  o["id"] = t->id.str();
  o["department"] = t->department.str();
  return o;
}

json::object RuleLevelJson(const domain::RuleMatch& rule) {
  json::object o;
  o["level"] = domain::LevelName(rule.level);
  o["rules"] = Strings(rule.codes);
  o["all_matches"] = Strings(rule.all_matches);
  return o;
}

json::array LevelHistoryJson(const std::vector<domain::LevelRecord>& levels, const ViewContext& v) {
  json::array out;
  for (const domain::LevelRecord& l : levels) {
    json::object x;
    x["level"] = domain::LevelName(l.change.level);
    x["at"] = Time(l.change.when.at, v);
    x["event"] = l.change.when.position;
    x["by"] = l.manual ? "customer_service" : (l.reason == "intake" ? "intake" : "system");
    if (!l.rules.empty()) x["rules"] = Strings(l.rules);
    if (l.manual) x["reason"] = l.reason.str();
    out.push_back(std::move(x));
  }
  return out;
}

json::value ResponsibilityJson(const domain::AssignmentRecord* a, const ViewContext& v) {
  if (a == nullptr) return nullptr;
  json::object r;
  r["department"] = a->department.str();
  r["cooperating"] = Strings(a->cooperating);
  r["handler"] = a->handler.str();
  r["assigned_at"] = Time(a->at.at, v);
  r["first_responsible_people"] = Strings(a->first_responsible_people);
  r["notified"] = Strings(a->notified);
  return r;
}

json::array FlagsJson(const std::vector<domain::FlagRecord>& flags, const ViewContext& v) {
  json::array out;
  for (const domain::FlagRecord& f : flags) {
    json::object x;
    x["flag"] = f.flag.str();
    x["at"] = Time(f.at.at, v);
    x["event"] = f.at.position;
    out.push_back(std::move(x));
  }
  return out;
}

json::array LinksJson(const std::vector<domain::LinkRecord>& links, const ViewContext& v) {
  json::array out;
  for (const domain::LinkRecord& l : links) {
    json::object x;
    x["other"] = l.other.str();
    x["relation"] = l.relation.str();
    x["at"] = Time(l.at.at, v);
    out.push_back(std::move(x));
  }
  return out;
}

json::value SurveyJson(const std::optional<domain::CallbackRecord>& callback,
                       const ViewContext& v) {
  if (!callback) return nullptr;
  json::object cb;
  cb["at"] = Time(callback->at.at, v);
  cb["acknowledged"] = callback->acknowledged;
  cb["contacted"] = callback->contacted;
  cb["timeliness"] = callback->timeliness;
  cb["plan"] = callback->plan;
  cb["attitude"] = callback->attitude;
  cb["reasons"] = callback->reasons.str();
  return cb;
}

}  // namespace

json::object ComplainantToJson(const domain::ComplainantInfo& c, const std::string& stream,
                               const ViewContext& v) {
  return ComplainantJson(c, stream, v);
}

json::object TicketToJson(const projections::TrackedComplaint& t, const projections::Derived& d,
                          const domain::Policy& policy, const Evaluation& at,
                          const ViewContext& v) {
  const domain::ComplaintState& s = t.state;
  json::object o;
  o["id"] = s.id;
  o["version"] = s.version;
  o["status"] = s.closed() ? "closed" : "open";
  o["stage"] = domain::StageName(s.stage());
  o["received_at"] = Time(s.intake.at, v);
  o["channel"] = s.channel.str();
  o["project"] = s.project.str();
  o["subject"] = s.subject.str();
  o["description"] = s.description.str();
  o["demands"] = s.demands.str();
  o["complainant"] = ComplainantJson(s.complainant, s.id, v);
  o["target"] = TargetJson(s.target);
  o["headcount"] = s.headcount;
  o["claimed_compensation"] = MoneyOr(s.claimed_compensation);
  o["receiving_department"] = s.receiving_department.str();
  o["receiving_staff"] = s.receiving_staff.str();
  o["external_ref"] = s.external_ref.empty() ? json::value(nullptr) : json::value(s.external_ref);
  o["validity"] = !s.valid ? json::value(nullptr) : json::value(*s.valid ? "valid" : "invalid");
  o["invalid_reason"] =
      s.invalid_reason.empty() ? json::value(nullptr) : json::value(s.invalid_reason.str());
  o["category"] = s.category.empty() ? json::value(nullptr) : json::value(s.category.str());
  const domain::Category* cat = policy.FindCategory(s.category);
  o["closure_class"] =
      cat ? json::value(domain::ClosureClassName(cat->closure_class)) : json::value(nullptr);
  o["level"] = domain::LevelName(s.level());
  o["rule_level"] = RuleLevelJson(d.rule);
  o["level_history"] = LevelHistoryJson(s.levels, v);
  o["responsibility"] = ResponsibilityJson(s.assignment(), v);
  json::array clocks;
  for (const domain::ClockResult& c : d.clocks) clocks.push_back(ClockToJson(c, v));
  o["clocks"] = std::move(clocks);
  json::array fines;
  domain::Money total = 0;
  for (const domain::FineLine& l : d.fines) {
    if (!l.waived && l.amount > 0) total += l.amount;
    fines.push_back(FineLineToJson(l, v));
  }
  o["fines"] = std::move(fines);
  o["fines_total"] = domain::FormatMoney(total);
  o["flags"] = FlagsJson(s.flags, v);
  o["links"] = LinksJson(s.links, v);
  o["paused"] = s.paused();
  o["reopened"] = int64_t(s.cycles.size()) - 1;
  o["survey"] = SurveyJson(s.callback, v);
  json::array findings;
  for (const projections::Finding& f : d.findings) findings.push_back(FindingToJson(f, v));
  o["findings"] = std::move(findings);
  o["evaluated"] = EvaluationJson(at, v);
  // Redacted by path (redaction.h): a personal field put anywhere but under "complainant"
  // would be shown to every viewer.
  json::value doc = std::move(o);
  RedactPersonalData(v.viewer, doc);
  return std::move(doc.as_object());
}

json::object AlertToJson(const projections::Alert& a, const ViewContext& v) {
  json::object o;
  o["complaint"] = a.complaint;
  o["clock"] = domain::ClockKindName(a.clock);
  o["cycle"] = a.cycle;
  o["threshold"] = a.threshold;
  o["state"] = a.missed() ? "missed" : "due_soon";
  o["at"] = Time(a.at, v);
  o["start"] = Time(a.start, v);
  o["due"] = Time(a.due, v);
  o["level"] = domain::LevelName(a.level);
  o["department"] = a.department;
  o["person"] = a.person.empty() ? json::value(nullptr) : json::value(a.person);
  o["project"] = a.project;
  return o;
}

json::object TimelineToJson(const std::string& id, const projections::Timeline& t,
                            const Evaluation& at, const ViewContext& v) {
  json::object o;
  o["id"] = id;
  json::array entries;
  for (const projections::TimelineEntry& e : t.entries) {
    json::object x;
    x["position"] = e.position;
    x["version"] = e.version;
    x["occurred_at"] = Time(e.occurred_at, v);
    x["recorded_at"] = Time(e.recorded_at, v);
    x["type"] = e.type;
    json::object actor;
    actor["id"] = e.actor_id;
    actor["role"] = e.actor_role;
    actor["department"] = e.actor_department;
    x["actor"] = std::move(actor);
    x["imported"] = e.imported;
    // A correction of a complainant's data quotes it: the summary is personal data then.
    x["summary"] = e.personal_data && !SeesPersonalData(v.viewer) ? json::value(kRedacted)
                                                                  : json::value(e.summary);
    x["changes"] = Strings(e.changes);
    json::array clocks;
    for (const domain::ClockResult& c : e.clocks) clocks.push_back(ClockToJson(c, v));
    x["clocks"] = std::move(clocks);
    json::array fines;
    for (const domain::FineLine& l : e.fines) fines.push_back(FineLineToJson(l, v));
    x["fines"] = std::move(fines);
    json::array waived;
    for (const domain::FineLine& l : e.waived) waived.push_back(FineLineToJson(l, v));
    x["waived_fines"] = std::move(waived);
    entries.push_back(std::move(x));
  }
  o["entries"] = std::move(entries);
  json::array since;
  for (const domain::FineLine& l : t.since_last) since.push_back(FineLineToJson(l, v));
  o["fines_since_last_event"] = std::move(since);
  json::array clocks;
  for (const domain::ClockResult& c : t.clocks) clocks.push_back(ClockToJson(c, v));
  o["clocks"] = std::move(clocks);
  o["evaluated"] = EvaluationJson(at, v);
  o["next_version"] = t.next_version == 0 ? json::value(nullptr) : json::value(t.next_version);
  return o;
}

json::object ListToJson(const projections::ListPage& page, const ViewContext& v) {
  json::object o;
  json::array items;
  for (const projections::ListItem& i : page.items) {
    json::object x;
    x["id"] = i.id;
    x["status"] = i.status;
    x["stage"] = i.stage;
    x["level"] = i.level;
    x["category"] = i.category.empty() ? json::value(nullptr) : json::value(i.category);
    x["department"] = i.department.empty() ? json::value(nullptr) : json::value(i.department);
    x["handler"] = i.handler.empty() ? json::value(nullptr) : json::value(i.handler);
    x["project"] = i.project;
    x["subject"] = i.subject;
    x["received_at"] = Time(i.received, v);
    x["overdue"] = i.overdue;
    x["next_due"] = TimeOr(i.next_due, v);
    items.push_back(std::move(x));
  }
  o["complaints"] = std::move(items);
  o["next_cursor"] =
      page.next_cursor.empty() ? json::value(nullptr) : json::value(page.next_cursor);
  return o;
}

json::object FinesToJson(const projections::FinesReport& r, const Evaluation& at,
                         const ViewContext& v) {
  json::object o;
  o["month"] = r.month;
  o["total"] = domain::FormatMoney(r.total);
  o["waived"] = domain::FormatMoney(r.waived);
  auto tallies = [](const std::map<std::string, projections::Tally>& m) {
    json::array a;
    for (const auto& [key, t] : m) {
      json::object x;
      x["name"] = key;
      x["total"] = domain::FormatMoney(t.total);
      x["waived"] = domain::FormatMoney(t.waived);
      x["lines"] = t.lines;
      a.push_back(std::move(x));
    }
    return a;
  };
  o["by_person"] = tallies(r.by_person);
  o["by_department"] = tallies(r.by_department);
  json::array lines;
  for (const domain::FineLine& l : r.lines) lines.push_back(FineLineToJson(l, v));
  o["lines"] = std::move(lines);
  o["evaluated"] = EvaluationJson(at, v);
  return o;
}

json::object RewardsToJson(const std::string& month,
                           const std::vector<projections::RewardRow>& rows) {
  json::object o;
  o["month"] = month;
  json::array a;
  for (const projections::RewardRow& r : rows) {
    json::object x;
    x["department"] = r.department;
    x["surveys"] = r.surveys;
    x["customer_score"] =
        r.customer_score ? json::value(Hundredths(*r.customer_score)) : json::value(nullptr);
    x["platform_rating"] =
        r.platform_rating ? json::value(Hundredths(*r.platform_rating)) : json::value(nullptr);
    x["composite"] = r.composite ? json::value(Hundredths(*r.composite)) : json::value(nullptr);
    x["reward"] = domain::FormatMoney(r.reward);
    x["complaints"] = Strings(r.complaints);
    x["rating_event"] = r.rating_position ? json::value(r.rating_position) : json::value(nullptr);
    a.push_back(std::move(x));
  }
  o["departments"] = std::move(a);
  return o;
}

namespace {
json::object ProjectJson(const projections::ProjectMetrics& m) {
  json::object x;
  x["project"] = m.project;
  x["received"] = m.received;
  x["closed"] = m.closed;
  x["closure_rate"] =
      m.closure_rate ? json::value(Hundredths(*m.closure_rate)) : json::value(nullptr);
  json::object on_time;
  for (const auto& [clock, r] : m.on_time) {
    json::object c;
    c["met"] = r.met;
    c["missed"] = r.missed;
    c["rate"] = r.met + r.missed > 0
                    ? json::value(Hundredths((int64_t(r.met) * 20000 + (r.met + r.missed)) /
                                             (2 * (r.met + r.missed))))
                    : json::value(nullptr);
    on_time[clock] = std::move(c);
  }
  x["on_time"] = std::move(on_time);
  x["mean_hours_to_first_response"] = Rounded(m.mean_hours_to_response);
  x["mean_hours_to_closure"] = Rounded(m.mean_hours_to_closure);
  json::object survey;
  survey["count"] = m.surveys;
  survey["timeliness"] = Rounded(m.mean_timeliness);
  survey["plan"] = Rounded(m.mean_plan);
  survey["attitude"] = Rounded(m.mean_attitude);
  survey["mean"] = Rounded(m.mean_score);
  x["survey"] = std::move(survey);
  if (m.project != "*") {
    json::object rank;
    rank["closure_rate"] = m.rank_closure;
    rank["efficiency"] = m.rank_efficiency;
    rank["satisfaction"] = m.rank_satisfaction;
    x["rank"] = std::move(rank);
  }
  return x;
}
}  // namespace

json::object MetricsToJson(const projections::MetricsReport& r, const Evaluation& at,
                           const ViewContext& v) {
  json::object o;
  o["period"] = r.period;
  json::array projects;
  for (const projections::ProjectMetrics& m : r.projects) projects.push_back(ProjectJson(m));
  o["projects"] = std::move(projects);
  o["total"] = ProjectJson(r.total);
  o["evaluated"] = EvaluationJson(at, v);
  return o;
}

json::object FindingsToJson(const std::vector<projections::Finding>& findings,
                            const ViewContext& v) {
  json::object o;
  json::array a;
  for (const projections::Finding& f : findings) a.push_back(FindingToJson(f, v));
  o["findings"] = std::move(a);
  o["count"] = findings.size();
  return o;
}

}  // namespace api

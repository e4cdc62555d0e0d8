#include "projections/directory.h"

#include <algorithm>
#include <set>

#include "ledger/base/capnp_util.h"
#include "ledger/domain/catalogue.h"

namespace projections {

namespace domain = ledger::domain;
using W = domain::schema::DomainEvent::Which;

namespace {
const std::vector<std::string>& NoIds() {
  static const auto* const kNone = new std::vector<std::string>();
  return *kNone;
}
}  // namespace

std::string Directory::TargetKey(std::string_view kind, std::string_view target_id) {
  if (target_id.empty()) return "";
  return std::string(kind) + ":" + std::string(target_id);
}

std::string Directory::ComplainantKey(std::string_view phone, std::string_view name) {
  std::string digits;
  for (char c : phone)
    if (c >= '0' && c <= '9') digits += c;
  return digits.empty() ? "name:" + std::string(name) : digits;
}

namespace {

// The entry a ComplaintReceived event starts.
DirectoryEntry EntryOfReceived(const std::string& stream, const domain::EventView& e) {
  auto r = e.event.getReceived();
  DirectoryEntry d;
  d.id = stream;
  d.intake_position = e.position;
  d.received_at = e.occurred_at;
  d.headcount = r.getHeadcount();
  // A sealed intake names its data subject, whom the keystore found by the same phone or name
  // (docs/privacy.md): the subject tells complainants apart without the personal data.
  d.complainant_key =
      r.hasPersonal() ? "subject:" + ledger::TextCopy(r.getPersonal().getSubject())
                      : Directory::ComplainantKey(ledger::TextView(r.getComplainant().getPhone()),
                                                  ledger::TextView(r.getComplainant().getName()));
  if (r.hasTarget()) {
    auto target = r.getTarget();
    d.target_key =
        Directory::TargetKey(ledger::TextView(target.getKind()), ledger::TextView(target.getId()));
  }
  d.external_ref = ledger::TextCopy(r.getExternalRef());
  return d;
}

}  // namespace

std::optional<domain::CrossFacts::Subject> Directory::SubjectFacts(std::string_view subject) const {
  auto it = by_subject_.find(std::string(subject));
  if (it == by_subject_.end()) return std::nullopt;
  domain::CrossFacts::Subject s;
  s.id = std::string(subject);
  for (const std::string& id : it->second) {
    const DirectoryEntry* d = Find(id);
    if (d == nullptr) continue;
    s.complaints.push_back(
        {d->id, d->received_at, d->closed_at, d->level_handled, d->headcount, d->complainant_key});
  }
  if (const domain::SubjectRecord* r = privacy_.Find(subject)) s.record = *r;
  return s;
}

ledger::Status Directory::Apply(const ledger::RecordedEvent& event) {
  position_ = event.position();
  if (!event.has_payload()) return ledger::Status::Ok();
  ledger::Result<domain::EventView> view = domain::ViewOf(event);
  if (!view.ok()) return view.status();
  return ledger::GuardDecode("complaint event",
                             [&] {
                               OnEvent(std::string(event.stream()), *view);
                               return ledger::Status::Ok();
                             })
      .Annotate("position " + std::to_string(event.position()));
}

void Directory::OnEvent(const std::string& stream, const domain::EventView& e) {
  auto ev = e.event;
  if (stream == domain::kPrivacyStream) {
    domain::EvolvePrivacy(privacy_, e);
    return;
  }
  if (ev.which() == W::RECEIVED) {
    DirectoryEntry d = EntryOfReceived(stream, e);
    if (!d.external_ref.empty()) by_ref_.emplace(d.external_ref, stream);
    if (d.complainant_key.starts_with("subject:"))
      by_subject_[d.complainant_key.substr(8)].push_back(stream);
    if (!d.target_key.empty()) by_target_[d.target_key].push_back(stream);
    entries_[stream] = std::move(d);
    return;
  }
  auto it = entries_.find(stream);
  if (it == entries_.end()) return;
  DirectoryEntry& d = it->second;
  auto level_of = [](capnp::Text::Reader t, Level fallback) {
    auto l = domain::ParseLevel(std::string_view(t.begin(), t.size()));
    return l ? *l : fallback;
  };
  switch (ev.which()) {
    case W::LEVEL_SET:
      d.level = level_of(ev.getLevelSet().getLevel(), d.level);
      return;
    case W::LEVEL_ESCALATED:
      d.level = level_of(ev.getLevelEscalated().getLevel(), d.level);
      return;
    case W::CLOSED:
      d.closed_at = e.occurred_at;
      d.level_handled = std::max(d.level_handled, d.level);
      return;
    case W::REOPENED:
      d.closed_at.reset();
      return;
    case W::LINKED: {
      auto l = ev.getLinked();
      if (ledger::TextView(l.getRelation()) != "same_issue") return;
      std::string other = ledger::TextCopy(l.getOther());
      same_issue_[stream].push_back(other);
      same_issue_[other].push_back(stream);
      return;
    }
    case W::PERSONAL_DATA_SEALED: {
      // Personal data recorded in the clear, now sealed for a subject (found by the same phone
      // as a sealed intake would be): the complaint is one of the subject's from here on.
      std::string subject = ledger::TextCopy(ev.getPersonalDataSealed().getPersonal().getSubject());
      d.complainant_key = "subject:" + subject;
      std::vector<std::string>& of = by_subject_[subject];
      if (std::find(of.begin(), of.end(), stream) == of.end()) of.push_back(stream);
      return;
    }
    case W::CORRECTED: {
      auto c = ev.getCorrected();
      if (c.getEvent() != d.intake_position) return;
      std::string field = ledger::TextCopy(c.getField()), value = ledger::TextCopy(c.getValue());
      // std::stoll throws on a non-number: Decide records only counts for this field
      // (corrections.cc), and Apply runs this under GuardDecode, which makes a throw DataLoss.
      if (field == "headcount") d.headcount = std::stoll(value);
      // A sealed correction keeps the complainant's subject: the same person, a new number.
      if (field == "complainant.phone" && !c.hasPersonal())
        d.complainant_key = ComplainantKey(value, "");
      // A complainant recorded in the clear becomes a subject with its first sealed correction:
      // its complaint is then one of the subject's (erasure and access requests find it).
      if (c.hasPersonal()) {
        std::vector<std::string>& of = by_subject_[ledger::TextCopy(c.getPersonal().getSubject())];
        if (std::find(of.begin(), of.end(), stream) == of.end()) of.push_back(stream);
      }
      if (field == "occurred_at") {
        auto t = ledger::ParseRfc3339(value);
        if (t.ok()) d.received_at = *t;
      }
      return;
    }
    default:
      return;
  }
}

const DirectoryEntry* Directory::Find(std::string_view id) const {
  auto it = entries_.find(std::string(id));
  return it == entries_.end() ? nullptr : &it->second;
}

std::optional<std::string> Directory::FindByExternalRef(std::string_view ref) const {
  auto it = by_ref_.find(std::string(ref));
  if (it == by_ref_.end()) return std::nullopt;
  return it->second;
}

const std::vector<std::string>& Directory::ByTarget(const std::string& target_key) const {
  auto it = by_target_.find(target_key);
  return it == by_target_.end() ? NoIds() : it->second;
}

std::vector<std::string> Directory::SameIssueGroup(std::string_view id) const {
  std::vector<std::string> group{std::string(id)};
  std::set<std::string> seen{std::string(id)};
  for (size_t i = 0; i < group.size(); ++i) {
    auto it = same_issue_.find(group[i]);
    if (it == same_issue_.end()) continue;
    for (const std::string& next : it->second)
      if (seen.insert(next).second) group.push_back(next);
  }
  return group;
}

int64_t Directory::DistinctComplainants(std::string_view a, std::string_view b) const {
  std::set<std::string> members, complainants;
  for (const std::string& id : SameIssueGroup(a)) members.insert(id);
  if (!b.empty())
    for (const std::string& id : SameIssueGroup(b)) members.insert(id);
  for (const std::string& id : members)
    if (const DirectoryEntry* d = Find(id)) complainants.insert(d->complainant_key);
  return int64_t(complainants.size());
}

std::vector<Time> Directory::TargetIntakes(std::string_view id) const {
  std::vector<Time> out;
  const DirectoryEntry* self = Find(id);
  if (self == nullptr || self->target_key.empty()) return out;
  for (const std::string& other : ByTarget(self->target_key))
    if (const DirectoryEntry* o = Find(other)) out.push_back(o->received_at);
  std::sort(out.begin(), out.end());
  return out;
}

domain::CrossFacts Directory::FactsFor(const domain::Action& action, std::string_view id,
                                       Time at) const {
  domain::CrossFacts facts;
  const boost::json::object& f = action.fields;
  if (const domain::ActionSpec* spec = domain::FindAction(action.type);
      spec != nullptr && spec->target == domain::ActionTarget::kSubject) {
    if (auto s = f.find("subject"); s != f.end() && s->value().is_string())
      facts.subject = SubjectFacts(std::string_view(s->value().get_string()));
    return facts;
  }
  if (action.type == "receive") {
    if (auto t = f.find("target"); t != f.end() && t->value().is_object()) {
      const auto& obj = t->value().get_object();
      auto kind = obj.find("kind"), tid = obj.find("id");
      if (kind != obj.end() && tid != obj.end() && kind->value().is_string() &&
          tid->value().is_string()) {
        // On record by the receive's own business time, and itself.
        facts.target_complaints = 1;
        for (const std::string& other :
             ByTarget(TargetKey(kind->value().get_string(), tid->value().get_string())))
          if (const DirectoryEntry* o = Find(other); o && o->received_at <= at)
            ++facts.target_complaints;
      }
    }
  } else if (action.type == "link") {
    auto other = f.find("other");
    if (other != f.end() && other->value().is_string()) {
      std::string other_id(other->value().get_string());
      if (const DirectoryEntry* o = Find(other_id)) {
        facts.other =
            domain::OtherComplaint{o->id,        o->received_at,    o->closed_at, o->level_handled,
                                   o->headcount, o->complainant_key};
        facts.same_issue_complainants = DistinctComplainants(id, other_id);
      }
    }
  } else if (action.type == "assign") {
    const DirectoryEntry* self = Find(id);
    if (self && self->headcount >= 3) {
      for (const std::string& other : SameIssueGroup(id)) {
        const DirectoryEntry* o = Find(other);
        if (o && o->id != self->id && o->headcount < 3 && o->received_at < self->received_at)
          facts.group_after_individual = true;
      }
    }
  }
  return facts;
}

}  // namespace projections

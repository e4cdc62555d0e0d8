// The machinery of the refusal tables of the decide flow tests (decide_flow*_test.cc): a row
// says "given this complaint, this action by this actor is refused with this code, naming exactly
// these (field, rule) pairs", and ExpectRefusals checks every row on a fresh complaint, and that
// the refused decision left the complaint's version alone.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "flow_steps.h"

namespace testing_util {

using ledger::Code;
using ledger::CodeName;
using ledger::Duration;
using ledger::FieldError;
using ledger::ParseRfc3339;
using ledger::Status;

using Pairs = std::set<std::pair<std::string, std::string>>;
using Given = std::function<void(Complaint&)>;
using Cross = std::function<CrossFacts(const Complaint&)>;

inline const std::string kId = "CMP-2026-000001";  // the harness's complaint

inline Pairs PairsOf(const Status& s) {
  Pairs out;
  for (const FieldError& e : s.errors()) out.emplace(e.field, e.rule);
  return out;
}

inline std::string Show(const Pairs& pairs) {
  std::string out;
  for (const auto& [field, rule] : pairs) out += "(" + field + ", " + rule + ") ";
  return out;
}

inline Given Nothing() {
  return [](Complaint&) {};
}

inline Given At(Step step, const std::string& category = "property_service",
                const std::string& extra = "") {
  return [=](Complaint& k) { Reach(k, step, category, extra); };
}

// `first`, then `then` (further actions on the complaint).
inline Given And(Given first, Given then) {
  return [=](Complaint& k) {
    first(k);
    then(k);
  };
}

inline Given Doing(const std::string& json, Actor actor, Cross cross = nullptr) {
  return [=](Complaint& k) { k.Do(json, actor, cross ? cross(k) : CrossFacts{}); };
}

inline Given Later(Duration d) {
  return [=](Complaint& k) { k.Advance(d); };
}

inline Time Local(const std::string& local) { return *ParseRfc3339(local + "+08:00"); }

// The event at `position` of the harness's complaint, of `type`, for correct actions.
inline Cross Referencing(uint64_t position, schema::DomainEvent::Which type,
                         std::string stream = kId) {
  return [=](const Complaint&) {
    CrossFacts f;
    f.referenced = CrossFacts::Referenced{position, stream, type};
    return f;
  };
}

// Another complaint for link actions.
inline Cross Other(std::string id, Time received, std::optional<Time> closed,
                   Level handled = Level::kGeneral) {
  return [=](const Complaint&) {
    CrossFacts f;
    f.other = OtherComplaint{id, received, closed, handled, 1, "13800000001"};
    f.same_issue_complainants = 1;
    return f;
  };
}

struct Refusal {
  const char* name;
  Given given;
  std::string action;
  Actor actor;
  Code code;
  Pairs named;  // exactly the (field, rule) pairs of the error
  Cross cross = nullptr;
};

inline void ExpectRefusals(const std::vector<Refusal>& rows) {
  for (const Refusal& row : rows) {
    Complaint k;
    row.given(k);
    const uint64_t version = k.state().version;
    auto r = k.Try(row.action, row.actor, row.cross ? row.cross(k) : CrossFacts{});
    if (r.ok()) {
      ADD_FAILURE() << row.name << ": accepted, " << r->events.size() << " event(s)";
      continue;
    }
    EXPECT_EQ(CodeName(r.status().code()), CodeName(row.code))
        << row.name << ": " << r.status().ToString();
    EXPECT_EQ(PairsOf(r.status()), row.named)
        << row.name << ": expected " << Show(row.named) << "got " << r.status().ToString();
    EXPECT_EQ(k.state().version, version) << row.name;
  }
}

inline const Code kBad = Code::kInvalidArgument;
inline const Code kRefused = Code::kFailedPrecondition;
inline const Code kDenied = Code::kPermissionDenied;
inline const Pairs kPermission = {{"actor.role", "permission"}};

}  // namespace testing_util

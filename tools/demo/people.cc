#include "tools/demo/people.h"

#include <algorithm>
#include <cstdio>

#include "tools/demo/rng.h"

namespace demo {
namespace {

constexpr int kIntakePerDepartment = 3;
constexpr int kHandlersPerDepartment = 6;
constexpr int kCsAgents = 8;
constexpr int64_t kMinComplainedOf = 40;
constexpr int64_t kComplaintsPerComplainedOf = 100;

std::string Numbered(const std::string& prefix, int64_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "-%d", int(n));
  return prefix + buf;
}

}  // namespace

std::string PersonSlug(const std::string& department) {
  std::string out = department;
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

Staff::Staff(const ledger::domain::Policy& policy, int64_t complaints)
    : cs_(policy.organisation.customer_service),
      cs_head_(policy.organisation.cs_head),
      deputy_gm_(policy.organisation.deputy_gm),
      gm_(policy.organisation.gm),
      complained_of_(std::max(kMinComplainedOf, complaints / kComplaintsPerComplainedOf)) {
  for (const ledger::domain::Department& d : policy.organisation.departments) {
    heads_[d.id] = d.head;
    if (d.id != cs_) departments_.push_back(d.id);
  }
}

ledger::Actor Staff::Intake(Rng& rng, const std::string& department) const {
  return {Numbered("u-intake-" + PersonSlug(department), rng.Int(1, kIntakePerDepartment)),
          "intake", department};
}

ledger::Actor Staff::CsAgent(Rng& rng) const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "u-cs-%02d", int(rng.Int(1, kCsAgents)));
  return CsAgentNamed(buf);
}

ledger::Actor Staff::CsAgentNamed(const std::string& id) const { return {id, "cs_agent", cs_}; }

ledger::Actor Staff::CsHead() const { return {cs_head_, "cs_head", cs_}; }

ledger::Actor Staff::Handler(const std::string& id, const std::string& department) const {
  return {id, "handler", department};
}

std::string Staff::PickHandler(Rng& rng, const std::string& department) const {
  return Numbered("u-handler-" + PersonSlug(department), rng.Int(1, kHandlersPerDepartment));
}

ledger::Actor Staff::DeptHead(const std::string& department) const {
  auto it = heads_.find(department);
  return {it == heads_.end() ? "" : it->second, "dept_head", department};
}

ledger::Actor Staff::DeputyGm() const { return {deputy_gm_, "deputy_gm", ""}; }

ledger::Actor Staff::Gm() const { return {gm_, "gm", ""}; }

std::string Staff::PickComplainedOf(Rng& rng, const std::string& department) const {
  int64_t n = rng.Chance(0.4) ? rng.Int(1, complained_of_ / 10) : rng.Int(1, complained_of_);
  return Numbered("u-staff-" + PersonSlug(department), n);
}

ledger::Actor Staff::ForRole(const std::string& role, const std::string& department) const {
  if (role == "dept_head") return DeptHead(department);
  if (role == "cs_head") return CsHead();
  if (role == "deputy_gm") return DeputyGm();
  if (role == "gm") return Gm();
  return {"", role, department};
}

}  // namespace demo

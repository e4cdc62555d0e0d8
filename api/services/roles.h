// Roles: who an authenticated actor is allowed to be (docs/rules.md#roles), and sets of them.
//
// Every route names the roles that may call it (function-level authorization, see router.h);
// object-, row- and property-level checks live in authorization.h. The names are the wire and file
// spelling
// ("cs_agent") and never change.
//
// Thread-safety: values and free functions; no shared state.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace api {

enum class Role : uint8_t {
  kIntake = 0,      // customer-facing staff: receive, note, transmit
  kCsAgent,         // validity, category, level, assignment, callback, closure
  kCsHead,          // as cs_agent, plus plan approval for major, recorded fines
  kHandler,         // respond, plan, actions, resolve, ask for extensions
  kDeptHead,        // approve plans and extensions for general and important
  kDeputyGm,        // approve plans for crisis, extensions for major; fines, waivers
  kGm,              // extensions for crisis; fines, waivers
  kAuditor,         // reads everything including personal data, verifies, exports; writes nothing
  kReader,          // reads projections with personal data redacted
  kAdmin,           // tokens, policy versions
  kDataProtection,  // legal holds, erasure, the record of reads of personal data
};

inline constexpr int kRoleCount = 11;

// "cs_agent" for Role::kCsAgent.
std::string_view RoleName(Role role);

// The role named `name` (exact, lower case), or nullopt.
std::optional<Role> ParseRole(std::string_view name);

// Every role, in declaration order.
const std::vector<Role>& AllRoles();

// A set of roles (a bit set).
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  static constexpr RoleSet All() {
    RoleSet s;
    s.bits_ = (1u << kRoleCount) - 1;
    return s;
  }

  constexpr bool Has(Role r) const { return (bits_ & Bit(r)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr RoleSet operator|(RoleSet o) const {
    RoleSet s;
    s.bits_ = bits_ | o.bits_;
    return s;
  }
  constexpr bool operator==(const RoleSet&) const = default;

  // "auditor, admin": for docs and error messages.
  std::string ToString() const;

 private:
  static constexpr uint32_t Bit(Role r) { return 1u << static_cast<uint32_t>(r); }
  uint32_t bits_ = 0;
};

}  // namespace api

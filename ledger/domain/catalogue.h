// The action catalogue: every action type a client may send, its fields (name, type, whether
// required, limits, allowed codes, meaning), where it applies and the events it records. Defined
// once, in catalogue.cc. Derived from it: which types exist (action.h), which a closed complaint
// still accepts and which need an existing complaint (decide.cc), the policy's list of action
// types, GET /v1/catalogue (the web console builds its forms from it) and the action tables of
// docs/actions.md and docs/openapi.yaml. Checked against it by tests: the deciders read exactly
// the fields listed, with the listed types and limits (tests/domain/catalogue_test.cc), and the
// docs' tables are the ones the catalogue renders.
//
// Adding an action: docs/actions.md, "Adding an action", is the checklist.
//
// Thread-safety: constant data.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

#include "ledger/domain/vocabulary.h"

namespace ledger::domain {

enum class FieldType : uint8_t {
  kText,      // a JSON string of valid UTF-8, at most `max` bytes
  kCode,      // a string, one of the codes of `vocab`
  kCodeList,  // an array of distinct codes of `vocab`, at most `max` items
  kTextList,  // an array of distinct short strings, at most `max` items
  kBool,      // true or false
  kInt,       // an integer from `min` to `max`
  kMoney,     // a decimal string with two places, not negative: "1300.00"
  kTime,      // RFC 3339 with an offset: "2026-03-02T10:15:00+08:00"
  kObject,    // a JSON object whose fields are `members`
  kNumber,    // a JSON number from `min` to `max` (read by hand: see the deciding code)
  kVersion,   // expected_version: a number, or "any", "no_stream", "exists"
};

// The bound of an integer field that the policy sets (the callback survey's scores).
inline constexpr int64_t kPolicyBound = std::numeric_limits<int64_t>::min();

struct FieldSpec {
  std::string_view name;
  FieldType type = FieldType::kText;
  bool required = false;
  std::string_view meaning;
  int64_t max = 0;             // kText: bytes; lists: items; kInt, kNumber: the largest value
  int64_t min = 0;             // kInt, kNumber: the smallest value
  std::optional<Vocab> vocab;  // kCode, kCodeList
  std::span<const FieldSpec> members{};  // kObject
};

// What an action applies to.
enum class ActionTarget : uint8_t {
  kNewComplaint,  // receive: opens a complaint
  kComplaint,     // an existing complaint, named in the path
  kDepartment,    // rate_department: a department's month, no complaint
  kSubject,       // a data subject (stream "privacy"): legal holds and erasure
};

struct ActionSpec {
  std::string_view type;
  std::string_view summary;
  ActionTarget target = ActionTarget::kComplaint;
  bool when_closed = false;  // accepted by a closed complaint
  std::span<const FieldSpec> fields;
  // The events it may record (besides the ledger's own LevelEscalated), docs/events.md's names.
  std::span<const std::string_view> events;
};

// Every action type, in the order of the contract.
std::span<const ActionSpec> Actions();

// The spec of `type`, or null.
const ActionSpec* FindAction(std::string_view type);

// The fields every action may carry (type, occurred_at, expected_version, idempotency_key, note).
std::span<const FieldSpec> CommonFields();

// The fields an import line carries besides those (complaint, actor).
std::span<const FieldSpec> ImportFields();

// "text", "code", ...: the type's name in the catalogue and the docs.
std::string_view FieldTypeName(FieldType type);

}  // namespace ledger::domain

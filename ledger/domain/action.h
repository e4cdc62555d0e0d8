// Action: what a client asks the ledger to do (docs/actions.md), as parsed from JSON.
//
// ParseAction reads the common fields and keeps the type's own fields for the decider, which
// reads them with an ActionReader (action_reader.h) so that every problem is reported at once.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "ledger/log/append.h"

namespace ledger::domain {

struct Action {
  std::string type;
  std::optional<Time> occurred_at;
  std::optional<ExpectedVersion> expected_version;
  std::string idempotency_key;
  std::string note;
  // Import lines only: the complaint (an id, or "ref:<external_ref>") and the actor.
  std::string complaint;
  std::optional<Actor> actor;
  boost::json::object fields;  // the type's own fields, unread
};

// True for the action types of the catalogue (catalogue.h).
bool IsActionType(std::string_view type);

// Parses one action object. With `import_line`, `actor` {id, role, department} is required and
// `complaint` is required except for "receive". InvalidArgument lists every problem.
Result<Action> ParseAction(const boost::json::value& json, bool import_line = false);

// Parses JSON text (one object) strictly (ledger/base/strict_json.h): malformed JSON, invalid
// UTF-8, deep nesting and repeated keys are InvalidArgument naming field "body" ("line" for an
// import line, or the repeated key's path) and the rule.
Result<Action> ParseActionText(std::string_view text, bool import_line = false);

}  // namespace ledger::domain

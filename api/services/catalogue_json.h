// The action catalogue (ledger/domain/catalogue.h) and the vocabularies as JSON, for
// GET /v1/catalogue: what each action's fields are, their types, limits and allowed codes, and
// which roles the given policy lets send it. The web console builds its forms from this.
//
// Thread-safety: a pure function of the policy.
#pragma once

#include <boost/json/object.hpp>

#include "ledger/domain/policy.h"

namespace api {

boost::json::object CatalogueJson(const ledger::domain::Policy& policy, uint32_t policy_version);

}  // namespace api

// Strict JSON: one parse of untrusted JSON text that refuses what boost::json::parse lets pass
// quietly. Boost.JSON keeps the last of repeated object keys without a word, so a body with a
// second "type" would silently become another action; here every repeated key is an error, as
// are invalid UTF-8, nesting deeper than a limit and text after the value.
//
// Paths name a value inside the document with dots for object members and [i] for array
// elements ("complainant.phone", "people[2].name", "[0].type" when the root is an array) — the
// same paths the API's field errors use.
//
// Thread-safety: a free function, no shared state.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <string_view>

#include "ledger/base/status.h"

namespace ledger {

// Parses `text` as one JSON value. On failure InvalidArgument with field errors, in this order
// of checks (the first failing check decides, except for duplicates, which are all listed):
//   field `field`, rule "utf8"        not well-formed UTF-8 (the message gives the byte offset)
//   field `field`, rule "json"        a syntax error (with line and column) or text after the value
//   field `field`, rule "json_depth"  arrays and objects nested deeper than `max_depth`
//   field <path of the key>, rule "duplicate_key"   an object repeats a key, anywhere in the text
// `field` names the whole text in messages ("body", "line 3"). Never throws (bar std::bad_alloc).
Result<boost::json::value> ParseStrictJson(std::string_view text, size_t max_depth,
                                           std::string_view field);

}  // namespace ledger

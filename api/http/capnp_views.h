// Cap'n Proto renderings of the domain resources (api/http/api.capnp, "Domain resources"), made
// from the JSON views themselves (views_json.h): each struct names its fields' JSON names with
// $Json.name, so one generic decoder (capnp::JsonCodec) fills the message from the JSON document
// — the two encodings cannot drift apart, and a field added to a view and to the schema needs no
// code. Nulls in the JSON leave the field unset.
//
// Thread-safety: free functions.
#pragma once

#include <capnp/schema.h>

#include <boost/json/value.hpp>
#include <string_view>

#include "api/http/http_types.h"
#include "ledger/base/status.h"

namespace api {

// `doc` as a message of struct `schema`, Content-Type "application/x-capnp; type=<type_name>".
// Internal when the document does not fit the schema (a bug: the view and the schema disagree).
ledger::Result<Response> CapnpFromJson(const boost::json::value& doc, capnp::StructSchema schema,
                                       std::string_view type_name, unsigned status = 200);

template <typename T>
ledger::Result<Response> CapnpFromJson(const boost::json::value& doc, std::string_view type_name,
                                       unsigned status = 200) {
  return CapnpFromJson(doc, capnp::Schema::from<T>(), type_name, status);
}

}  // namespace api

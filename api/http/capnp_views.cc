#include "api/http/capnp_views.h"

#include <capnp/compat/json.h>
#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <kj/exception.h>

#include <boost/json/serialize.hpp>

#include "api/http/event_capnp.h"

namespace api {
namespace {

namespace json = boost::json;

// A copy of `v` without the object members whose value is null (unset in Cap'n Proto).
json::value WithoutNulls(const json::value& v) {
  if (v.is_object()) {
    json::object out;
    for (const auto& [key, member] : v.as_object())
      if (!member.is_null()) out.emplace(key, WithoutNulls(member));
    return out;
  }
  if (v.is_array()) {
    json::array out;
    for (const json::value& item : v.as_array()) out.push_back(WithoutNulls(item));
    return out;
  }
  return v;
}

}  // namespace

ledger::Result<Response> CapnpFromJson(const json::value& doc, capnp::StructSchema schema,
                                       std::string_view type_name, unsigned status) {
  const std::string text = json::serialize(WithoutNulls(doc));
  capnp::MallocMessageBuilder message;
  try {  // the decoder's edge: a mismatch between a view and its schema is a bug, not bad input
    capnp::JsonCodec codec;
    codec.handleByAnnotation(schema);
    codec.decode(kj::ArrayPtr<const char>(text.data(), text.size()),
                 message.initRoot<capnp::DynamicStruct>(schema));
  } catch (const kj::Exception& e) {
    return ledger::Status::Internal(
        "the " + std::string(type_name) +
        " view does not fit its Cap'n Proto schema: " + e.getDescription().cStr());
  }
  return CapnpResponse(message, type_name, status);
}

}  // namespace api

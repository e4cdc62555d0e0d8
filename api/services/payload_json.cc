#include "api/services/payload_json.h"

#include <capnp/dynamic.h>
#include <capnp/schema.h>
#include <kj/exception.h>

#include "api/services/authorization.h"
#include "api/services/redaction.h"
#include "ledger/base/capnp_util.h"
#include "ledger/base/hash.h"
#include "ledger/domain/events.capnp.h"
#include "ledger/domain/money.h"

namespace api {

namespace json = boost::json;
namespace schema = ledger::domain::schema;

namespace {

constexpr uint64_t kMoneyAnnotation = 0xbf35d01e825fb1abull;
constexpr uint64_t kTimeAnnotation = 0xbd902384e8aecbf1ull;

bool Annotated(capnp::StructSchema::Field field, uint64_t id) {
  for (auto a : field.getProto().getAnnotations())
    if (a.getId() == id) return true;
  return false;
}

json::value Render(capnp::DynamicValue::Reader v, std::chrono::minutes offset);

json::object RenderStruct(capnp::DynamicStruct::Reader s, std::chrono::minutes offset) {
  json::object out;
  auto add = [&](capnp::StructSchema::Field field) {
    std::string name = SnakeCase(field.getProto().getName().cStr());
    auto type = field.getType();
    if (type.isAnyPointer()) return;
    capnp::DynamicValue::Reader value = s.get(field);
    if (type.isInt64() && Annotated(field, kMoneyAnnotation)) {
      int64_t fen = value.as<int64_t>();
      out[name] = fen < 0 ? json::value(nullptr) : json::value(ledger::domain::FormatMoney(fen));
    } else if (type.isInt64() && Annotated(field, kTimeAnnotation)) {
      int64_t us = value.as<int64_t>();
      out[name] = us == 0 ? json::value(nullptr)
                          : json::value(ledger::FormatRfc3339(ledger::FromMicros(us), offset));
    } else if (type.isStruct() && !s.has(field)) {
      out[name] = nullptr;
    } else {
      out[name] = Render(value, offset);
    }
  };
  for (auto field : s.getSchema().getNonUnionFields()) add(field);
  KJ_IF_MAYBE (active, s.which()) {
    add(*active);
  }
  return out;
}

json::value Render(capnp::DynamicValue::Reader v, std::chrono::minutes offset) {
  switch (v.getType()) {
    case capnp::DynamicValue::VOID:
      return nullptr;
    case capnp::DynamicValue::BOOL:
      return v.as<bool>();
    case capnp::DynamicValue::INT:
      return v.as<int64_t>();
    case capnp::DynamicValue::UINT:
      return v.as<uint64_t>();
    case capnp::DynamicValue::FLOAT:
      return v.as<double>();
    case capnp::DynamicValue::TEXT: {
      capnp::Text::Reader t = v.as<capnp::Text>();
      return json::string(std::string_view(t.begin(), t.size()));
    }
    case capnp::DynamicValue::DATA: {
      capnp::Data::Reader d = v.as<capnp::Data>();
      return json::string(
          ledger::ToHex(std::string_view(reinterpret_cast<const char*>(d.begin()), d.size())));
    }
    case capnp::DynamicValue::LIST: {
      json::array a;
      for (auto item : v.as<capnp::DynamicList>()) a.push_back(Render(item, offset));
      return a;
    }
    case capnp::DynamicValue::ENUM: {
      KJ_IF_MAYBE (e, v.as<capnp::DynamicEnum>().getEnumerant()) {
        return json::string(SnakeCase(e->getProto().getName().cStr()));
      }
      return v.as<capnp::DynamicEnum>().getRaw();
    }
    case capnp::DynamicValue::STRUCT:
      return RenderStruct(v.as<capnp::DynamicStruct>(), offset);
    default:
      return nullptr;
  }
}

// Corrections of personal fields carry personal data in their values.
void RedactCorrection(json::object& payload) {
  auto field = payload.find("field");
  if (field == payload.end() || !field->value().is_string()) return;
  std::string_view f = field->value().get_string();
  if (f.substr(0, 12) != "complainant.") return;
  payload["value"] = kRedacted;
  payload["previous_value"] = kRedacted;
}

// Writes what a viewer is shown of one event's personal data into its payload: the fields, or
// the text shown instead of each.
void ShowPersonal(bool complainant, const std::optional<PersonalDataVault::Fields>& fields,
                  const std::string& shown, json::object& payload) {
  if (complainant) {
    auto c = payload.find("complainant");
    if (c == payload.end() || !c->value().is_object()) payload["complainant"] = json::object();
    json::object& o = payload["complainant"].as_object();
    o["name"] = fields ? json::value(fields->name) : json::value(shown);
    o["phone"] = fields ? json::value(fields->phone) : json::value(shown);
    o["unit"] = fields ? json::value(fields->unit) : json::value(shown);
  } else {
    payload["value"] = fields ? json::value(fields->value) : json::value(shown);
    payload["previous_value"] = fields ? json::value(fields->previous_value) : json::value(shown);
  }
}

// Fills the fields sealed personal data was sealed from, for a viewer who may see them, and
// records the read of personal data shown (sealed or in the clear). Personal data recorded in
// the clear is shown as recorded until its complaint is sealed for a subject
// (PersonalDataSealed), then as that subject's is.
void OpenSealed(const ledger::RecordedEvent& e, schema::DomainEvent::Reader root,
                const PersonalDataVault* vault, const Principal& viewer, json::object& payload) {
  const auto which = root.which();
  const bool received = which == schema::DomainEvent::RECEIVED;
  const bool migrated = which == schema::DomainEvent::PERSONAL_DATA_SEALED;
  if (!received && !migrated && which != schema::DomainEvent::CORRECTED) return;
  const bool has_sealed = received   ? root.getReceived().hasPersonal()
                          : migrated ? root.getPersonalDataSealed().hasPersonal()
                                     : root.getCorrected().hasPersonal();
  if (!has_sealed) {
    // A correction of the name, phone or unit (is_owner is a fact the rules need, not sealed).
    const std::string_view field =
        migrated || received ? std::string_view() : root.getCorrected().getField().cStr();
    const bool personal = received || field == "complainant.name" || field == "complainant.phone" ||
                          field == "complainant.unit";
    if (!personal || vault == nullptr) return;
    PersonalDataVault::ShownPiece piece = vault->RevealClear(e.stream(), viewer);
    if (piece.shown.empty()) return;  // shown as recorded
    if (piece.erased_position != 0) payload["erased_at_position"] = piece.erased_position;
    ShowPersonal(received, std::nullopt, piece.shown, payload);
    return;
  }
  auto sealed = received   ? root.getReceived().getPersonal()
                : migrated ? root.getPersonalDataSealed().getPersonal()
                           : root.getCorrected().getPersonal();
  std::optional<PersonalDataVault::Fields> fields;
  std::string shown = "[sealed]";  // no vault at hand
  uint64_t erased_position = 0;
  if (vault != nullptr) {
    auto bytes = sealed.getSealed();
    PersonalDataVault::ShownPiece piece =
        vault->RevealPiece(ledger::TextView(sealed.getSubject()), sealed.getKeyVersion(),
                           {reinterpret_cast<const char*>(bytes.begin()), bytes.size()}, e.stream(),
                           e.version(), e.type(), viewer);
    fields = std::move(piece.fields);
    shown = std::move(piece.shown);
    erased_position = piece.erased_position;
  }
  if (erased_position != 0) payload["erased_at_position"] = erased_position;
  ShowPersonal(received || migrated, fields, shown, payload);
}

}  // namespace

std::string SnakeCase(std::string_view camel) {
  std::string out;
  for (char c : camel) {
    if (c >= 'A' && c <= 'Z') {
      out += '_';
      out += char(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

PayloadRenderer DomainPayloadRenderer(std::chrono::minutes offset, const PersonalDataVault* vault) {
  return [offset, vault](const ledger::RecordedEvent& e,
                         const Principal* viewer) -> ledger::Result<json::value> {
    if (!e.has_payload()) return json::value(nullptr);
    json::value out;
    KJ_IF_MAYBE (ex, kj::runCatchingExceptions([&]() {
                   schema::DomainEvent::Reader root = e.payload<schema::DomainEvent>();
                   capnp::DynamicStruct::Reader dyn = root;
                   json::object payload;
                   KJ_IF_MAYBE (active, dyn.which()) {
                     capnp::DynamicValue::Reader member = dyn.get(*active);
                     if (member.getType() == capnp::DynamicValue::STRUCT)
                       payload = RenderStruct(member.as<capnp::DynamicStruct>(), offset);
                   }
                   if (root.hasNote() && root.getNote().size() > 0)
                     payload["note"] = root.getNote().cStr();
                   if (SeesPersonalData(viewer)) OpenSealed(e, root, vault, *viewer, payload);
                   if (root.which() == schema::DomainEvent::CORRECTED && !SeesPersonalData(viewer))
                     RedactCorrection(payload);
                   out = std::move(payload);
                 })) {
      return ledger::Status::DataLoss(std::string("payload does not decode: ") +
                                      ex->getDescription().cStr());
    }
    RedactPersonalData(viewer, out);
    return out;
  };
}

}  // namespace api

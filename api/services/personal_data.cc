#include "api/services/personal_data.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "ledger/base/aead.h"
#include "ledger/base/capnp_util.h"
#include "ledger/domain/events.capnp.h"
#include "ledger/keystore/keystore.h"

namespace api {
namespace {

namespace domain = ledger::domain;
namespace schema = ledger::domain::schema;
using ledger::Result;
using ledger::Status;

bool IsSealedField(std::string_view field) {
  return field == "complainant.name" || field == "complainant.phone" || field == "complainant.unit";
}

capnp::Data::Reader DataOf(std::string_view s) {
  return {reinterpret_cast<const capnp::byte*>(s.data()), s.size()};
}

// The canonical bytes of a PersonalData message holding what `fill` sets.
template <class Fill>
std::string PersonalBytes(Fill fill) {
  capnp::MallocMessageBuilder message;
  auto pd = message.initRoot<schema::PersonalData>();
  fill(pd);
  kj::Array<capnp::word> words = capnp::canonicalize(pd.asReader());
  auto bytes = words.asBytes();
  return {reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
}

using Plain = PersonalDataVault::Fields;

Result<Plain> ParsePersonal(const std::string& bytes) {
  // Sealed bytes are canonical: one segment, no segment table.
  kj::Array<capnp::word> words = ledger::AlignedCopy(bytes);
  Plain out;
  LEDGER_RETURN_IF_ERROR(ledger::GuardDecode("sealed personal data", [&] {
    kj::ArrayPtr<const capnp::word> segment = words;
    capnp::SegmentArrayMessageReader message(kj::arrayPtr(&segment, 1));
    auto pd = message.getRoot<schema::PersonalData>();
    out = {ledger::TextCopy(pd.getName()), ledger::TextCopy(pd.getPhone()),
           ledger::TextCopy(pd.getUnit()), ledger::TextCopy(pd.getValue()),
           ledger::TextCopy(pd.getPreviousValue())};
    return Status::Ok();
  }));
  return out;
}

// Seals what `fill` sets in a PersonalData message under `key`, bound to its event, into `out`.
template <class Fill>
Status SealInto(schema::SealedPersonalData::Builder out, const ledger::keystore::SubjectKey& key,
                std::string_view stream, uint64_t version, std::string_view type, Fill fill) {
  LEDGER_ASSIGN_OR_RETURN(
      std::string sealed,
      ledger::aead::Seal(key.key, PersonalBytes(fill),
                         PersonalDataAad(key.subject, key.version, stream, version, type)));
  out.setSubject(key.subject);
  out.setKeyVersion(key.version);
  out.setKeyCommitment(DataOf(ledger::AsBytes(key.commitment)));
  out.setSealed(DataOf(sealed));
  return Status::Ok();
}

}  // namespace

std::string PersonalDataAad(std::string_view subject, uint32_t key_version, std::string_view stream,
                            uint64_t version, std::string_view type) {
  std::string aad = "ledger-pii/v1";
  for (std::string_view part : {subject, std::string_view(std::to_string(key_version)), stream,
                                std::string_view(std::to_string(version)), type}) {
    aad += '\0';
    aad += part;
  }
  return aad;
}

Status PersonalDataVault::Seal(domain::Decision& decision, const std::string& stream,
                               uint64_t first_version, const domain::ComplaintState& state,
                               ledger::Time now) {
  if (keystore_ == nullptr) return Status::Ok();
  for (size_t i = 0; i < decision.events.size(); ++i) {
    domain::PendingEvent& p = decision.events[i];
    const uint64_t version = first_version + i;
    auto root = p.message->getRoot<schema::DomainEvent>();
    if (root.which() == schema::DomainEvent::RECEIVED) {
      auto r = root.getReceived();
      auto c = r.getComplainant();
      Plain plain{c.getName().cStr(), c.getPhone().cStr(), c.getUnit().cStr(), "", ""};
      LEDGER_ASSIGN_OR_RETURN(
          ledger::keystore::SubjectKey key,
          keystore_->SubjectFor(ledger::keystore::ComplainantLookup(plain.phone, plain.name),
                                ledger::ToMicros(now)));
      LEDGER_RETURN_IF_ERROR(SealInto(r.initPersonal(), key, stream, version, "ComplaintReceived",
                                      [&](schema::PersonalData::Builder pd) {
                                        pd.setName(plain.name);
                                        pd.setPhone(plain.phone);
                                        pd.setUnit(plain.unit);
                                      }));
      // Overwritten text is zeroed in the message, and the log stores a canonical copy.
      c.setName("");
      c.setPhone("");
      c.setUnit("");
      continue;
    }
    if (root.which() == schema::DomainEvent::PERSONAL_DATA_SEALED) {
      LEDGER_RETURN_IF_ERROR(SealClear(root.getPersonalDataSealed(), stream, version, state, now));
      continue;
    }
    if (root.which() != schema::DomainEvent::CORRECTED) continue;
    auto r = root.getCorrected();
    const std::string field = r.getField().cStr();
    if (!IsSealedField(field)) continue;
    const domain::ComplainantInfo& c = state.complainant;
    ledger::keystore::SubjectKey key;
    std::string previous = r.getPreviousValue().cStr();
    if (!c.subject.empty() && !c.sealed.empty()) {
      // The complainant's subject and newest key.
      key.subject = c.subject;
      key.version = c.sealed.back().key_version;
      Result<ledger::aead::SecretKey> held = keystore_->Key(key.subject, key.version);
      if (held.status().code() == ledger::Code::kNotFound)
        return Status::FailedPrecondition(
            "the complainant's personal data is erased: there is nothing to correct");
      LEDGER_RETURN_IF_ERROR(held.status());
      key.key = *held;
      key.commitment = ledger::keystore::KeyCommitment(key.subject, key.key);
      LEDGER_ASSIGN_OR_RETURN(OpenedComplainant opened, Open(c, state.id));
      previous = field == "complainant.name"    ? opened.name
                 : field == "complainant.phone" ? opened.phone
                                                : opened.unit;
    } else {
      // Recorded in the clear before sealing: the complainant becomes a subject now.
      LEDGER_ASSIGN_OR_RETURN(
          key, keystore_->SubjectFor(ledger::keystore::ComplainantLookup(c.phone, c.name),
                                     ledger::ToMicros(now)));
    }
    const std::string value = r.getValue().cStr();
    LEDGER_RETURN_IF_ERROR(SealInto(r.initPersonal(), key, stream, version, "EventCorrected",
                                    [&](schema::PersonalData::Builder pd) {
                                      pd.setValue(value);
                                      pd.setPreviousValue(previous);
                                    }));
    r.setValue("");
    r.setPreviousValue("");
    // The corrected phone finds the same person from now on.
    if (field == "complainant.phone")
      LEDGER_RETURN_IF_ERROR(
          keystore_->AddLookup(key.subject, ledger::keystore::ComplainantLookup(value, "")));
  }
  return Status::Ok();
}

Status PersonalDataVault::SealClear(schema::PersonalDataSealed::Builder out,
                                    const std::string& stream, uint64_t version,
                                    const domain::ComplaintState& state, ledger::Time now) {
  const domain::ComplainantInfo& c = state.complainant;
  // The values as they stand: the clear ones, with any sealed corrections applied.
  LEDGER_ASSIGN_OR_RETURN(OpenedComplainant current, Open(c, state.id));
  if (current.state == OpenedComplainant::State::kErased) {
    const std::string message =
        "complaint " + state.id + ": the complainant's data subject is erased; nothing to seal";
    return Status::WithErrors(ledger::Code::kFailedPrecondition, message,
                              {{"type", "erased", message}});
  }
  ledger::keystore::SubjectKey key;
  if (!c.subject.empty() && !c.sealed.empty()) {
    // A sealed correction already made the complainant a subject: the same subject, newest key.
    key.subject = c.subject;
    key.version = c.sealed.back().key_version;
    LEDGER_ASSIGN_OR_RETURN(ledger::aead::SecretKey held, keystore_->Key(key.subject, key.version));
    key.key = held;
    key.commitment = ledger::keystore::KeyCommitment(key.subject, key.key);
  } else {
    // Found by the phone, as a sealed intake would be: one person's complaints, recorded before
    // and after sealing, are one subject's.
    LEDGER_ASSIGN_OR_RETURN(
        key, keystore_->SubjectFor(ledger::keystore::ComplainantLookup(current.phone, current.name),
                                   ledger::ToMicros(now)));
  }
  LEDGER_RETURN_IF_ERROR(SealInto(out.initPersonal(), key, stream, version, "PersonalDataSealed",
                                  [&](schema::PersonalData::Builder pd) {
                                    pd.setName(current.name);
                                    pd.setPhone(current.phone);
                                    pd.setUnit(current.unit);
                                  }));
  if (!current.phone.empty())
    LEDGER_RETURN_IF_ERROR(
        keystore_->AddLookup(key.subject, ledger::keystore::ComplainantLookup(current.phone, "")));
  return Status::Ok();
}

Result<std::optional<PersonalDataVault::Fields>> PersonalDataVault::OpenPiece(
    std::string_view subject, uint32_t key_version, std::string_view sealed,
    std::string_view stream, uint64_t version, std::string_view type) const {
  if (keystore_ == nullptr) return std::optional<Fields>();
  Result<ledger::aead::SecretKey> key = keystore_->Key(subject, key_version);
  if (key.status().code() == ledger::Code::kNotFound) return std::optional<Fields>();
  LEDGER_RETURN_IF_ERROR(key.status());
  Result<std::string> bytes = ledger::aead::Open(
      *key, sealed, PersonalDataAad(subject, key_version, stream, version, type));
  if (!bytes.ok())
    return Status::DataLoss("sealed personal data of " + std::string(stream) + " version " +
                            std::to_string(version) +
                            " does not open with its subject's key: " + bytes.status().message());
  LEDGER_ASSIGN_OR_RETURN(Plain plain, ParsePersonal(*bytes));
  return std::optional<Fields>(std::move(plain));
}

Result<OpenedComplainant> PersonalDataVault::Open(const domain::ComplainantInfo& c,
                                                  const std::string& stream) const {
  OpenedComplainant out;
  out.name = c.name;
  out.phone = c.phone;
  out.unit = c.unit;
  if (c.sealed.empty()) return out;
  out.state = OpenedComplainant::State::kOpened;
  out.subject = c.subject.empty() ? c.sealed.front().subject : c.subject;
  auto erased = [&] {
    OpenedComplainant gone;
    gone.state = OpenedComplainant::State::kErased;
    gone.subject = out.subject;
    return gone;
  };
  for (const domain::SealedPiece& piece : c.sealed) {
    LEDGER_ASSIGN_OR_RETURN(std::optional<Fields> opened,
                            OpenPiece(piece.subject, piece.key_version, piece.sealed, stream,
                                      piece.version, piece.type));
    if (!opened) return erased();
    Plain plain = std::move(*opened);
    if (piece.field.empty()) {
      out.name = std::move(plain.name);
      out.phone = std::move(plain.phone);
      out.unit = std::move(plain.unit);
    } else if (piece.field == "complainant.name") {
      out.name = std::move(plain.value);
    } else if (piece.field == "complainant.phone") {
      out.phone = std::move(plain.value);
    } else if (piece.field == "complainant.unit") {
      out.unit = std::move(plain.value);
    }
  }
  return out;
}

Status PersonalDataVault::EraseSubject(std::string_view subject) {
  if (keystore_ == nullptr) return Status::Ok();
  return keystore_->Erase(subject);
}

Result<size_t> ReconcileErasures(ledger::EventLog& log, ledger::keystore::Keystore& keystore) {
  PrivacyRegister privacy(&log);
  LEDGER_ASSIGN_OR_RETURN(domain::PrivacyState state, privacy.Snapshot());
  return keystore.Reconcile(state.Erased());
}

Status PrivacyRegister::CatchUpLocked() {
  const uint64_t head = log_->GetHead().position;
  if (head == seen_head_) return Status::Ok();
  for (;;) {
    LEDGER_ASSIGN_OR_RETURN(
        std::vector<ledger::RecordedEvent> batch,
        log_->ReadStreamForward(domain::kPrivacyStream, stream_version_ + 1, 512));
    if (batch.empty()) break;
    for (const ledger::RecordedEvent& e : batch) {
      LEDGER_ASSIGN_OR_RETURN(domain::EventView view, domain::ViewOf(e));
      domain::EvolvePrivacy(state_, view);
      stream_version_ = e.version();
    }
  }
  seen_head_ = head;
  return Status::Ok();
}

Result<std::optional<domain::SubjectRecord>> PrivacyRegister::Find(std::string_view subject) {
  std::lock_guard<std::mutex> lock(mu_);
  LEDGER_RETURN_IF_ERROR(CatchUpLocked());
  const domain::SubjectRecord* r = state_.Find(subject);
  return r == nullptr ? std::nullopt : std::optional<domain::SubjectRecord>(*r);
}

Result<std::optional<std::string>> PrivacyRegister::SealedSubject(std::string_view complaint) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = sealed_clear_.try_emplace(std::string(complaint));
  auto& [subject, read] = it->second;
  if (!subject.empty()) return std::optional<std::string>(subject);
  LEDGER_ASSIGN_OR_RETURN(uint64_t version, log_->StreamVersion(complaint));
  while (read < version) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> batch,
                            log_->ReadStreamForward(complaint, read + 1, 256));
    if (batch.empty()) break;
    for (const ledger::RecordedEvent& e : batch) {
      read = e.version();
      if (e.type() != "PersonalDataSealed" && e.type() != "EventCorrected") continue;
      LEDGER_ASSIGN_OR_RETURN(domain::EventView view, domain::ViewOf(e));
      // The complaint's subject: its migration's, or its first sealed correction's (evolve.cc).
      LEDGER_RETURN_IF_ERROR(ledger::GuardDecode("complaint event", [&] {
        auto ev = view.event;
        if (ev.which() == schema::DomainEvent::PERSONAL_DATA_SEALED)
          subject = ledger::TextCopy(ev.getPersonalDataSealed().getPersonal().getSubject());
        else if (ev.which() == schema::DomainEvent::CORRECTED && ev.getCorrected().hasPersonal())
          subject = ledger::TextCopy(ev.getCorrected().getPersonal().getSubject());
        return Status::Ok();
      }));
      if (!subject.empty()) return std::optional<std::string>(subject);
    }
  }
  return std::optional<std::string>();
}

Result<domain::PrivacyState> PrivacyRegister::Snapshot() {
  std::lock_guard<std::mutex> lock(mu_);
  LEDGER_RETURN_IF_ERROR(CatchUpLocked());
  return state_;
}

PersonalDataVault::Gate PersonalDataVault::GateFor(std::string_view subject,
                                                   std::string_view complaint,
                                                   const Principal& viewer,
                                                   uint64_t* erased_position,
                                                   bool* restricted) const {
  if (privacy_ == nullptr) return Gate::kOpen;
  Result<std::optional<domain::SubjectRecord>> r = privacy_->Find(subject);
  // Not knowing whether a subject is restricted or erased shows nothing.
  if (!r.ok()) return Gate::kRestricted;
  if (!*r) return Gate::kOpen;
  if ((*r)->erased_position != 0) {
    *erased_position = (*r)->erased_position;
    return Gate::kErased;
  }
  // A restriction covers the complaints the erasure request named, not a later complaint of the
  // same person (handled as usual until they ask again).
  const auto& named = (*r)->requested_complaints;
  if (!(*r)->restricted || std::find(named.begin(), named.end(), complaint) == named.end())
    return Gate::kOpen;
  *restricted = true;
  const auto& roles = (*r)->visible_to;
  return std::find(roles.begin(), roles.end(), viewer.actor.role) != roles.end()
             ? Gate::kOpen
             : Gate::kRestricted;
}

void PersonalDataVault::RecordRead(const Principal& viewer, std::string_view subject,
                                   std::string_view complaint) const {
  if (reads_ == nullptr) return;
  ledger::AccessEntry e;
  e.actor = viewer.actor;
  e.route = viewer.route.empty() ? std::string("(unnamed)") : viewer.route;
  e.subject = std::string(subject);
  e.complaint = std::string(complaint);
  if (Status s = reads_->Record({std::move(e)}); !s.ok())
    std::fprintf(stderr, "ledger: the record of reads failed: %s\n", s.ToString().c_str());
}

OpenedComplainant PersonalDataVault::Reveal(const domain::ComplainantInfo& c,
                                            const std::string& stream,
                                            const Principal& viewer) const {
  OpenedComplainant out;
  if (c.sealed.empty()) {
    out.name = c.name;
    out.phone = c.phone;
    out.unit = c.unit;
    if (!out.name.empty() || !out.phone.empty() || !out.unit.empty())
      RecordRead(viewer, "", stream);
    return out;
  }
  const std::string subject = c.subject.empty() ? c.sealed.front().subject : c.subject;
  out.subject = subject;
  switch (GateFor(subject, stream, viewer, &out.erased_position, &out.restricted)) {
    case Gate::kErased:
      out.state = OpenedComplainant::State::kErased;
      return out;
    case Gate::kRestricted:
      out.state = OpenedComplainant::State::kRestricted;
      return out;
    case Gate::kOpen:
      break;
  }
  if (keystore_ == nullptr) {
    out.state = OpenedComplainant::State::kSealed;
    return out;
  }
  Result<OpenedComplainant> opened = Open(c, stream);
  if (!opened.ok()) {
    out.state = OpenedComplainant::State::kUnreadable;
    return out;
  }
  opened->restricted = out.restricted;
  if (opened->state == OpenedComplainant::State::kOpened) RecordRead(viewer, subject, stream);
  return std::move(opened).value();
}

PersonalDataVault::ShownPiece PersonalDataVault::RevealClear(std::string_view complaint,
                                                             const Principal& viewer) const {
  ShownPiece out;
  Result<std::optional<std::string>> subject =
      privacy_ != nullptr ? privacy_->SealedSubject(complaint) : std::optional<std::string>();
  if (!subject.ok()) {
    // Not knowing whether it was sealed (and so erased or restricted) shows nothing.
    out.shown = "[restricted]";
    return out;
  }
  if (!*subject) {
    RecordRead(viewer, "", complaint);
    return out;
  }
  if (!Withheld(**subject, complaint, viewer, &out)) RecordRead(viewer, **subject, complaint);
  return out;
}

bool PersonalDataVault::Withheld(std::string_view subject, std::string_view complaint,
                                 const Principal& viewer, ShownPiece* out) const {
  bool restricted = false;
  switch (GateFor(subject, complaint, viewer, &out->erased_position, &restricted)) {
    case Gate::kErased:
      out->shown = "[erased]";
      return true;
    case Gate::kRestricted:
      out->shown = "[restricted]";
      return true;
    case Gate::kOpen:
      break;
  }
  if (keystore_ == nullptr) {
    out->shown = "[sealed]";
    return true;
  }
  return false;
}

bool PersonalDataVault::ShowsStoredPayload(const ledger::RecordedEvent& e,
                                           const Principal& viewer) const {
  if (!e.has_payload() || (e.type() != "ComplaintReceived" && e.type() != "EventCorrected"))
    return true;
  Result<domain::EventView> view = domain::ViewOf(e);
  if (!view.ok()) return false;
  bool clear = false;
  if (Status s = ledger::GuardDecode(
          "complaint event",
          [&] {
            auto ev = view->event;
            if (ev.which() == schema::DomainEvent::RECEIVED)
              clear = !ev.getReceived().hasPersonal();
            else if (ev.which() == schema::DomainEvent::CORRECTED)
              clear = !ev.getCorrected().hasPersonal() &&
                      IsSealedField(ledger::TextView(ev.getCorrected().getField()));
            return Status::Ok();
          });
      !s.ok())
    return false;
  return !clear || RevealClear(e.stream(), viewer).shown.empty();
}

PersonalDataVault::ShownPiece PersonalDataVault::RevealPiece(
    std::string_view subject, uint32_t key_version, std::string_view sealed,
    std::string_view stream, uint64_t version, std::string_view type,
    const Principal& viewer) const {
  ShownPiece out;
  if (Withheld(subject, stream, viewer, &out)) return out;
  Result<std::optional<Fields>> opened =
      OpenPiece(subject, key_version, sealed, stream, version, type);
  if (!opened.ok()) {
    out.shown = "[unreadable]";
  } else if (!*opened) {
    out.shown = "[erased]";
  } else {
    out.fields = std::move(**opened);
    RecordRead(viewer, subject, stream);
  }
  return out;
}

}  // namespace api

#include "api/http/privacy_routes.h"

#include <boost/json.hpp>

#include "api/http/json_body.h"
#include "api/http/request_context.h"
#include "api/services/payload_json.h"
#include "api/services/views_json.h"
#include "ledger/domain/catalogue.h"
#include "ledger/keystore/keystore.h"

namespace api {
namespace {

namespace json = boost::json;
namespace domain = ledger::domain;
using ledger::Result;
using ledger::Status;

std::string TimeText(ledger::Time t, std::chrono::minutes offset) {
  return ledger::FormatRfc3339(t, offset);
}

json::object RecordJson(const domain::SubjectRecord& r, std::chrono::minutes offset) {
  json::object o;
  o["legal_hold"] = r.legal_hold;
  if (r.legal_hold) {
    o["hold_reason"] = r.hold_reason;
    o["hold_position"] = r.hold_position;
  }
  o["restricted"] = r.restricted;
  if (r.restricted) {
    json::array grounds(r.grounds.begin(), r.grounds.end());
    o["grounds"] = std::move(grounds);
    o["restricted_until"] = ledger::ToMicros(r.restricted_until) == 0
                                ? json::value(nullptr)
                                : json::value(TimeText(r.restricted_until, offset));
    o["visible_to"] = json::array(r.visible_to.begin(), r.visible_to.end());
    o["restricted_position"] = r.restricted_position;
  }
  o["erasure_requested_position"] = r.erasure_requested;
  o["erased"] = r.erased_position != 0;
  if (r.erased_position != 0) {
    o["erased_position"] = r.erased_position;
    o["erased_at"] = TimeText(r.erased_at, offset);
  }
  return o;
}

json::object ReadJson(const ledger::AccessEntry& e, std::chrono::minutes offset) {
  json::object o;
  o["seq"] = e.seq;
  o["at"] = TimeText(e.at, offset);
  o["actor"] = {{"id", e.actor.id}, {"role", e.actor.role}, {"department", e.actor.department}};
  o["route"] = e.route;
  o["subject"] = e.subject.empty() ? json::value(nullptr) : json::value(e.subject);
  o["complaint"] = e.complaint;
  o["hash"] = ledger::ToHex(e.hash);
  return o;
}

class PrivacyRoutes {
 public:
  explicit PrivacyRoutes(Application& app)
      : app_(app),
        render_(
            DomainPayloadRenderer(app.policies().current()->calendar.utc_offset, &app.vault())) {}

  std::chrono::minutes Offset() const { return app_.policies().current()->calendar.utc_offset; }

  Result<Response> Act(const RequestContext& ctx) const {
    LEDGER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(ctx.request()));
    LEDGER_ASSIGN_OR_RETURN(domain::Action action,
                            domain::ParseAction(json::value(std::move(body))));
    const domain::ActionSpec* spec = domain::FindAction(action.type);
    if (spec == nullptr || spec->target != domain::ActionTarget::kSubject)
      return InvalidField("type", "wrong_endpoint",
                          "POST /v1/privacy/actions takes place_legal_hold, lift_legal_hold or "
                          "request_erasure");
    LEDGER_ASSIGN_OR_RETURN(ActionOutcome out,
                            app_.commands().Execute(action, ctx.principal()->actor, ""));
    json::object o;
    o["id"] = out.id;
    o["version"] = out.version;
    o["position"] = out.position;
    json::array events;
    std::string outcome;
    for (const ledger::RecordedEvent& e : out.events) {
      events.push_back(EventToJson(e, render_, ctx.principal()));
      if (e.type() == "SubjectErased") outcome = "erased";
      if (e.type() == "ProcessingRestricted") outcome = "restricted";
      if (e.type() == "LegalHoldPlaced") outcome = "held";
      if (e.type() == "LegalHoldLifted") outcome = "lifted";
    }
    o["outcome"] = outcome;
    o["events"] = std::move(events);
    if (out.deduplicated) o["deduplicated"] = true;
    return JsonResponse(200, o);
  }

  Result<Response> Lookup(const RequestContext& ctx) const {
    LEDGER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(ctx.request()));
    const json::value* phone = body.if_contains("phone");
    if (phone == nullptr || !phone->is_string() || phone->get_string().empty())
      return InvalidField("phone", "required", "phone is required (a string)");
    for (const auto& member : body)
      if (member.key() != "phone")
        return InvalidField(std::string(member.key()), "unknown_field",
                            "unknown field '" + std::string(member.key()) + "'");
    if (app_.keystore() == nullptr)
      return Status::NotFound(
          "this ledger records personal data in the clear: it has no data subjects");
    const std::string lookup =
        ledger::keystore::ComplainantLookup(std::string_view(phone->get_string()), "");
    if (lookup.empty()) return InvalidField("phone", "no_digits", "phone has no digits");
    LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> subject,
                            app_.keystore()->FindSubject(lookup));
    if (!subject) return Status::NotFound("no data subject has this phone");
    // Who asked which phone belongs to whom is itself a read of the subject's personal data.
    app_.vault().RecordRead(*ctx.principal(), *subject, "");
    return JsonResponse(200, json::object{{"subject", *subject}});
  }

  Result<Response> Subject(const RequestContext& ctx) const {
    const std::string subject(ctx.Param("subject"));
    std::optional<domain::CrossFacts::Subject> facts = app_.commands().SubjectFacts(subject);
    if (!facts)
      return Status::NotFound("no complaint's personal data is sealed for data subject '" +
                              subject + "'");
    const std::chrono::minutes offset = Offset();
    json::object o;
    o["subject"] = subject;
    o["record"] = RecordJson(facts->record, offset);
    ViewContext v{offset, ctx.principal(), &app_.vault()};
    json::array complaints;
    for (const domain::OtherComplaint& c : facts->complaints) {
      LEDGER_ASSIGN_OR_RETURN(domain::ComplaintState state, app_.commands().LoadState(c.id));
      json::object row;
      row["id"] = c.id;
      row["stage"] = domain::StageName(state.stage());
      row["received_at"] = TimeText(c.received_at, offset);
      row["closed_at"] = c.closed_at ? json::value(TimeText(*c.closed_at, offset)) : nullptr;
      row["complainant"] = ComplainantToJson(state.complainant, c.id, v);
      complaints.push_back(std::move(row));
    }
    o["complaints"] = std::move(complaints);
    ledger::AccessQuery q;
    q.subject = subject;
    q.limit = 1000;
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::AccessEntry> reads, app_.reads().Find(q));
    json::array rows;
    for (const ledger::AccessEntry& e : reads) rows.push_back(ReadJson(e, offset));
    o["reads"] = std::move(rows);
    o["reads_complete"] = reads.size() < q.limit;
    return JsonResponse(200, o);
  }

  Result<Response> Reads(const RequestContext& ctx) const {
    ledger::AccessQuery q;
    q.subject = std::string(ctx.Query("subject").value_or(""));
    q.complaint = std::string(ctx.Query("complaint").value_or(""));
    q.actor = std::string(ctx.Query("actor").value_or(""));
    for (const char* name : {"from", "to"}) {
      std::optional<std::string_view> t = ctx.Query(name);
      if (!t || t->empty()) continue;
      Result<ledger::Time> parsed = ledger::ParseRfc3339(*t);
      if (!parsed.ok())
        return InvalidField(name, "rfc3339",
                            std::string(name) + " must be RFC 3339 with an offset");
      (std::string_view(name) == "from" ? q.from : q.to) = *parsed;
    }
    LEDGER_ASSIGN_OR_RETURN(q.after, ctx.QueryUint("after", 0, 0, UINT64_MAX - 1));
    LEDGER_ASSIGN_OR_RETURN(uint64_t limit, ctx.QueryUint("limit", 100, 1, 1000));
    q.limit = size_t(limit);
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::AccessEntry> reads, app_.reads().Find(q));
    const std::chrono::minutes offset = Offset();
    json::array rows;
    for (const ledger::AccessEntry& e : reads) rows.push_back(ReadJson(e, offset));
    json::object o;
    o["reads"] = std::move(rows);
    o["next_after"] = reads.size() == q.limit ? json::value(reads.back().seq) : nullptr;
    return JsonResponse(200, o);
  }

 private:
  Application& app_;
  PayloadRenderer render_;
};

}  // namespace

Status RegisterPrivacyRoutes(Router& router, Application& app) {
  auto routes = std::make_shared<PrivacyRoutes>(app);
  auto sync = [routes](Result<Response> (PrivacyRoutes::*fn)(const RequestContext&) const) {
    return [routes, fn](const RequestContext& ctx) { return ((*routes).*fn)(ctx); };
  };
  LEDGER_RETURN_IF_ERROR(router.Add("POST", "/v1/privacy/actions",
                                    {.resource = Resource::kPrivacyAction},
                                    sync(&PrivacyRoutes::Act)));
  LEDGER_RETURN_IF_ERROR(router.Add("POST", "/v1/privacy/lookup", {.resource = Resource::kPrivacy},
                                    sync(&PrivacyRoutes::Lookup)));
  LEDGER_RETURN_IF_ERROR(router.Add("GET", "/v1/privacy/subjects/{subject}",
                                    {.resource = Resource::kPrivacy},
                                    sync(&PrivacyRoutes::Subject)));
  return router.Add("GET", "/v1/privacy/reads", {.resource = Resource::kPrivacy},
                    sync(&PrivacyRoutes::Reads));
}

}  // namespace api

#include "api/http/complaint_routes.h"

#include <malloc.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "api/http/api.capnp.h"
#include "api/http/capnp_views.h"
#include "api/http/event_capnp.h"
#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "api/http/request_context.h"
#include "api/services/authorization.h"
#include "api/services/complaint_access.h"
#include "api/services/redaction.h"
#include "api/services/views_json.h"
#include "ledger/domain/catalogue.h"
#include "projections/timeline.h"

namespace api {

namespace json = boost::json;
namespace domain = ledger::domain;
using ledger::Result;
using ledger::Status;

namespace {

constexpr size_t kMaxStreamEvents = 100000;
// Fine line items per page of GET /v1/fines (the tallies are always whole): default and most.
constexpr uint64_t kFineLinesPage = 1000;
constexpr uint64_t kFineLinesMax = 10000;

// A complaint's events per page of GET .../events (default and most), and timeline entries per
// page (each carries the clocks after it: a few KiB).
constexpr uint64_t kEventsPage = 1000;
constexpr uint64_t kTimelinePage = 200;

// Rows per page of the long reports (findings, responsibility records): default and most.
constexpr uint64_t kReportPage = 500;
constexpr uint64_t kReportPageMax = 5000;

json::value NextCursor(const std::string& cursor) {
  return cursor.empty() ? json::value(nullptr) : json::value(cursor);
}

Result<std::optional<ledger::Time>> QueryTime(const RequestContext& ctx, std::string_view name) {
  std::optional<std::string_view> v = ctx.Query(name);
  if (!v || v->empty()) return std::optional<ledger::Time>();
  Result<ledger::Time> t = ledger::ParseRfc3339(*v);
  if (!t.ok())
    return InvalidField(name, "rfc3339",
                        std::string(name) + " must be an RFC 3339 time with offset");
  return std::optional<ledger::Time>(*t);
}

std::string QueryText(const RequestContext& ctx, std::string_view name) {
  std::optional<std::string_view> v = ctx.Query(name);
  return v ? std::string(*v) : std::string();
}

// Bounds the reports that fold the whole log afresh (as of, known at, what-if): each holds a
// projection of every complaint while it runs.
class HeavyGate {
 public:
  explicit HeavyGate(size_t slots) : free_(slots) {}
  // Waits up to `wait` for a slot.
  bool Acquire(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, wait, [&] { return free_ > 0; })) return false;
    --free_;
    return true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t free_;
};

// A held slot of a HeavyGate. On release it also hands the freed heap back to the system: a
// fold's many small allocations otherwise stay in the allocator's arenas, and the server's
// memory would ratchet up with every concurrent heavy query (seen: 53 to 891 MB).
class HeavySlot {
 public:
  HeavySlot(HeavyGate& gate, std::chrono::milliseconds wait)
      : gate_(gate), held_(gate.Acquire(wait)) {}
  ~HeavySlot() {
    if (!held_) return;
    malloc_trim(0);
    gate_.Release();
  }
  HeavySlot(const HeavySlot&) = delete;
  HeavySlot& operator=(const HeavySlot&) = delete;
  bool held() const { return held_; }

 private:
  HeavyGate& gate_;
  const bool held_;
};

class Routes : public std::enable_shared_from_this<Routes> {
 public:
  explicit Routes(ComplaintRoutesOptions o) : o_(std::move(o)), heavy_(o_.heavy_queries) {}

  Status Register(Router& r);

 private:
  // --- registration, one family at a time ----------------------------------------------------
  // A handler calling `method`. It holds the routes alive for as long as the router keeps it.
  template <typename Method>
  auto Sync(Method method) {
    return [self = shared_from_this(), method](const RequestContext& ctx) {
      return (self.get()->*method)(ctx);
    };
  }
  Status RegisterComplaints(Router& r);
  Status RegisterReports(Router& r);
  Status RegisterPolicies(Router& r);
  void AddMetrics();

  // --- shared pieces -----------------------------------------------------------------------
  const domain::Policy& Current() const { return *o_.policies->current(); }
  ViewContext View(const RequestContext& ctx) const {
    return ViewContext{Current().calendar.utc_offset, ctx.principal(), o_.vault};
  }
  projections::PolicyLookup Lookup() const {
    domain::PolicyStore* store = o_.policies;
    return [store](uint32_t v) { return store->ForVersion(v); };
  }

  // Evaluation options from as_of, known_at and policy (what-if).
  struct Eval {
    std::optional<ledger::Time> as_of, known_at;
    std::shared_ptr<const domain::Policy> what_if;
    uint32_t what_if_version = 0;
    bool as_of_given = false;
    ledger::Time at() const { return *as_of; }
  };
  Result<Eval> ReadEval(const RequestContext& ctx) const {
    Eval e;
    LEDGER_ASSIGN_OR_RETURN(e.as_of, QueryTime(ctx, "as_of"));
    e.as_of_given = e.as_of.has_value();
    LEDGER_ASSIGN_OR_RETURN(e.known_at, QueryTime(ctx, "known_at"));
    if (!e.as_of) e.as_of = e.known_at ? *e.known_at : o_.clock->Now();
    if (ctx.Query("policy")) {
      LEDGER_ASSIGN_OR_RETURN(uint64_t v, ctx.QueryUint("policy", 0, 1, UINT32_MAX));
      e.what_if = o_.policies->Get(uint32_t(v));
      if (!e.what_if)
        return InvalidField("policy", "unknown_version",
                            "policy version " + std::to_string(v) + " is not published");
      e.what_if_version = uint32_t(v);
    }
    return e;
  }
  projections::PolicyLookup LookupFor(const Eval& e) const {
    if (!e.what_if) return Lookup();
    const domain::Policy* p = e.what_if.get();
    return [p](uint32_t) { return p; };
  }

  // The complaint as the kept projection holds it, when that is its latest version. The
  // projection follows the log asynchronously, so a complaint acted on a moment ago may not be
  // there yet: then nullopt, and the caller folds the stream (a client always reads its writes).
  std::optional<projections::TrackedComplaint> KeptCurrent(const std::string& id) const {
    if (!o_.projections) return std::nullopt;
    Result<uint64_t> version = o_.log->StreamVersion(id);
    if (!version.ok() || *version == 0) return std::nullopt;
    return o_.projections->Read([&](const projections::LedgerProjection& p)
                                    -> std::optional<projections::TrackedComplaint> {
      const projections::TrackedComplaint* t = p.Find(id);
      if (t == nullptr || t->state.version != *version) return std::nullopt;
      return *t;
    });
  }

  // The complaint folded as `e` asks. At "now" under the policies in force it is the kept
  // projection's copy when current (no stream read, no fold); otherwise its stream, folded.
  Result<projections::TrackedComplaint> LoadTracked(const std::string& id, const Eval& e) const {
    const bool plain = !e.as_of_given && !e.known_at && e.what_if == nullptr;
    if (plain && id.substr(0, 4) == "CMP-") {
      if (std::optional<projections::TrackedComplaint> kept = KeptCurrent(id)) {
        tickets_kept_.fetch_add(1, std::memory_order_relaxed);
        return std::move(*kept);
      }
    }
    tickets_folded_.fetch_add(1, std::memory_order_relaxed);
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events,
                            o_.log->ReadStreamForward(id, 1, kMaxStreamEvents));
    if (events.empty() || id.substr(0, 4) != "CMP-")
      return Status::NotFound("complaint '" + id + "' does not exist");
    domain::FoldOptions options{e.as_of_given ? e.as_of : std::nullopt, e.known_at};
    const domain::Policy& fb = e.what_if ? *e.what_if : Current();
    LEDGER_ASSIGN_OR_RETURN(projections::TrackedComplaint t,
                            projections::FoldTracked(id, events, LookupFor(e), fb, options));
    if (!t.state.exists())
      return Status::NotFound("complaint '" + id + "' did not exist as of the time asked");
    return t;
  }

  Evaluation Evaluated(const Eval& e, const domain::ComplaintState* s) const {
    Evaluation at;
    at.as_of = e.at();
    at.known_at = e.known_at;
    at.what_if = e.what_if != nullptr;
    at.policy_version = e.what_if ? e.what_if_version
                        : s       ? s->policy_version
                                  : o_.policies->current_version();
    return at;
  }

  // The projection to answer from: the kept one, or a fresh fold for as_of/known_at/what-if.
  // Only the complaints the caller may see take part (access: the route's, authorization.h).
  template <typename F>
  Result<Response> WithProjection(const RequestContext& ctx, const Eval& e, F&& answer) const {
    auto visible = ctx.access().RowsInScope()
                       ? VisibleTo(ctx.access())
                       : std::function<bool(const domain::ComplaintState&)>();
    if (!e.known_at && !e.what_if && !e.as_of_given) {
      return o_.projections->Read([&](const projections::LedgerProjection& p) {
        return answer(projections::Scope{p, Lookup(), Current(), e.at(), visible});
      });
    }
    // A fresh fold of the whole log: memory in proportion to the ledger. At most a few run at
    // once; the others wait a while, then are told to come back (429). The slot is released
    // (and the fold's memory given back) after the projection is gone.
    HeavySlot slot(heavy_, o_.heavy_wait);
    if (!slot.held()) return Busy(ctx);
    domain::FoldOptions options{e.as_of_given ? e.as_of : std::nullopt, e.known_at};
    LEDGER_ASSIGN_OR_RETURN(projections::LedgerProjection p,
                            o_.projections->FoldAt(options, e.what_if.get()));
    const domain::Policy& fb = e.what_if ? *e.what_if : Current();
    return answer(projections::Scope{p, LookupFor(e), fb, e.at(), visible});
  }

  Response Busy(const RequestContext& ctx) const {
    Response r = ProblemResponse(
        MakeProblem(429, kRateLimited,
                    "too many as-of, known-at or what-if reports are being computed; retry shortly",
                    ctx.request().path));
    r.headers.Set("Retry-After", "2");
    return r;
  }

  // The JSON view `doc`, or its Cap'n Proto rendering (struct T) for Accept: application/x-capnp.
  template <typename T>
  Result<Response> Reply(const RequestContext& ctx, unsigned status, const json::value& doc,
                         std::string_view type) const {
    if (ctx.format() == Format::kCapnp) return CapnpFromJson<T>(doc, type, status);
    return JsonResponse(status, doc);
  }

  // What an action did, as JSON or as an ActionResult message.
  Response OutcomeResponse(const ActionOutcome& out, const RequestContext& ctx,
                           unsigned status) const {
    if (ctx.format() != Format::kCapnp) return JsonResponse(status, Outcome(out, ctx));
    capnp::MallocMessageBuilder message;
    schema::ActionResult::Builder r = message.initRoot<schema::ActionResult>();
    r.setId(out.id);
    r.setVersion(out.version);
    r.setPosition(out.position);
    FillEnvelopes(r.initEvents(unsigned(out.events.size())), out.events, ctx.principal(), o_.vault);
    r.setDeduplicated(out.deduplicated);
    r.setExisting(out.existing);
    return CapnpResponse(message, "ActionResult", status);
  }

  json::object Outcome(const ActionOutcome& out, const RequestContext& ctx) const {
    json::object o;
    o["id"] = out.id;
    o["version"] = out.version;
    o["position"] = out.position;
    json::array events;
    for (const ledger::RecordedEvent& e : out.events)
      events.push_back(EventToJson(e, o_.render, ctx.principal()));
    o["events"] = std::move(events);
    if (out.deduplicated) o["deduplicated"] = true;
    if (out.existing) o["existing"] = true;
    return o;
  }

  Result<domain::Action> ReadAction(const RequestContext& ctx) const {
    LEDGER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(ctx.request()));
    return domain::ParseAction(json::value(std::move(body)));
  }

  // --- handlers ------------------------------------------------------------------------------
  Result<Response> Receive(const RequestContext& ctx) const {
    LEDGER_ASSIGN_OR_RETURN(domain::Action action, ReadAction(ctx));
    if (action.type != "receive")
      return InvalidField("type", "receive_only",
                          "POST /v1/complaints takes a receive action; other actions go to "
                          "/v1/complaints/{id}/actions");
    LEDGER_ASSIGN_OR_RETURN(ActionOutcome out,
                            o_.commands->Execute(action, ctx.principal()->actor, ""));
    if (out.existing) {
      // The complaint an external_ref names is shown only to a caller who may read it; others
      // learn that the reference is taken, and nothing about the complaint (not even its id).
      Access read = Authorize(*ctx.principal(), Resource::kComplaint);
      Result<domain::ComplaintState> state = o_.commands->LoadState(out.id);
      if (!state.ok() || !read.MayReadComplaint(HoldersOf(*state)))
        return Status::WithErrors(
            ledger::Code::kAlreadyExists,
            "a complaint with this external_ref is already on record, held by another department",
            {{"external_ref", "already_on_record",
              "this external_ref is already on record; ask customer service"}});
    }
    Response r = OutcomeResponse(out, ctx, out.existing ? 200 : 201);
    r.headers.Set("Location", "/v1/complaints/" + out.id);
    return r;
  }

  Result<Response> Act(const RequestContext& ctx) const {
    const std::string id(ctx.Param("id"));
    LEDGER_ASSIGN_OR_RETURN(domain::Action action, ReadAction(ctx));
    const domain::ActionSpec* spec = domain::FindAction(action.type);
    if (spec != nullptr && spec->target == domain::ActionTarget::kSubject)
      return InvalidField("type", "wrong_endpoint",
                          action.type + " goes to POST /v1/privacy/actions");
    if (action.type == "receive" || action.type == "rate_department")
      return InvalidField("type", "wrong_endpoint",
                          action.type == "receive" ? "receive goes to POST /v1/complaints"
                                                   : "rate_department goes to POST /v1/ratings");
    Result<domain::ComplaintState> state = o_.commands->LoadState(id);
    if (!state.ok()) return state.status();
    LEDGER_RETURN_IF_ERROR(ctx.access().CheckComplaint(HoldersOf(*state)));
    LEDGER_ASSIGN_OR_RETURN(ActionOutcome out,
                            o_.commands->Execute(action, ctx.principal()->actor, id));
    return OutcomeResponse(out, ctx, 200);
  }

  Result<Response> RateDepartment(const RequestContext& ctx) const {
    LEDGER_ASSIGN_OR_RETURN(domain::Action action, ReadAction(ctx));
    if (action.type != "rate_department")
      return InvalidField("type", "rate_department_only",
                          "POST /v1/ratings takes a rate_department action");
    LEDGER_ASSIGN_OR_RETURN(ActionOutcome out,
                            o_.commands->Execute(action, ctx.principal()->actor, ""));
    return OutcomeResponse(out, ctx, 201);
  }

  Result<Response> Ticket(const RequestContext& ctx) const {
    LEDGER_ASSIGN_OR_RETURN(Eval e, ReadEval(ctx));
    LEDGER_ASSIGN_OR_RETURN(projections::TrackedComplaint t,
                            LoadTracked(std::string(ctx.Param("id")), e));
    LEDGER_RETURN_IF_ERROR(ctx.access().CheckComplaint(HoldersOf(t.state)));
    const domain::Policy& fb = e.what_if ? *e.what_if : Current();
    projections::Derived d = projections::Derive(t, LookupFor(e), fb, e.at());
    const domain::Policy& own = projections::OwnPolicy(t.state, LookupFor(e), fb);
    return Reply<schema::ComplaintState>(
        ctx, 200, TicketToJson(t, d, own, Evaluated(e, &t.state), View(ctx)), "ComplaintState");
  }

  Result<Response> Events(const RequestContext& ctx) const {
    const std::string id(ctx.Param("id"));
    LEDGER_ASSIGN_OR_RETURN(uint64_t from, ctx.QueryUint("from_version", 1, 1, UINT64_MAX));
    LEDGER_ASSIGN_OR_RETURN(uint64_t limit, ctx.QueryUint("limit", kEventsPage, 1, kEventsPage));
    Eval now;
    now.as_of = o_.clock->Now();
    LEDGER_ASSIGN_OR_RETURN(projections::TrackedComplaint t, LoadTracked(id, now));
    LEDGER_RETURN_IF_ERROR(ctx.access().CheckComplaint(HoldersOf(t.state)));
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events,
                            o_.log->ReadStreamForward(id, from, limit + 1));
    uint64_t next = 0;
    if (events.size() > limit) {
      next = events[limit].version();
      events.resize(limit);
    }
    if (ctx.format() == Format::kCapnp) {
      capnp::MallocMessageBuilder message;
      schema::ComplaintEvents::Builder r = message.initRoot<schema::ComplaintEvents>();
      r.setId(id);
      FillEnvelopes(r.initEvents(unsigned(events.size())), events, ctx.principal(), o_.vault);
      r.setNextVersion(next);
      return CapnpResponse(message, "ComplaintEvents");
    }
    json::object o;
    o["id"] = id;
    json::array list;
    for (const ledger::RecordedEvent& ev : events)
      list.push_back(EventToJson(ev, o_.render, ctx.principal()));
    o["events"] = std::move(list);
    o["next_version"] = next == 0 ? json::value(nullptr) : json::value(next);
    return JsonResponse(200, o);
  }

  Result<Response> TimelineRoute(const RequestContext& ctx) const {
    const std::string id(ctx.Param("id"));
    LEDGER_ASSIGN_OR_RETURN(Eval e, ReadEval(ctx));
    projections::TimelineWindow window;
    LEDGER_ASSIGN_OR_RETURN(window.from_version, ctx.QueryUint("from_version", 1, 1, UINT64_MAX));
    LEDGER_ASSIGN_OR_RETURN(window.limit, ctx.QueryUint("limit", kTimelinePage, 1, kTimelinePage));
    LEDGER_ASSIGN_OR_RETURN(projections::TrackedComplaint t, LoadTracked(id, e));
    LEDGER_RETURN_IF_ERROR(ctx.access().CheckComplaint(HoldersOf(t.state)));
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events,
                            o_.log->ReadStreamForward(id, 1, kMaxStreamEvents));
    const domain::Policy& fb = e.what_if ? *e.what_if : Current();
    domain::FoldOptions options{e.as_of_given ? e.as_of : std::nullopt, e.known_at};
    LEDGER_ASSIGN_OR_RETURN(
        projections::Timeline timeline,
        projections::BuildTimeline(id, events, LookupFor(e), fb, e.at(), options, window));
    return Reply<schema::Timeline>(
        ctx, 200, TimelineToJson(id, timeline, Evaluated(e, &t.state), View(ctx)), "Timeline");
  }

  Result<Response> List(const RequestContext& ctx) const {
    projections::ListFilter f;
    f.status = QueryText(ctx, "status");
    if (!f.status.empty() && f.status != "open" && f.status != "closed")
      return InvalidField("status", "unknown_code", "status must be open or closed");
    f.level = QueryText(ctx, "level");
    if (!f.level.empty() && !domain::ParseLevel(f.level))
      return InvalidField("level", "unknown_code",
                          "level must be general, important, major or crisis");
    f.category = QueryText(ctx, "category");
    f.department = QueryText(ctx, "department");
    f.handler = QueryText(ctx, "handler");
    f.project = QueryText(ctx, "project");
    std::string overdue = QueryText(ctx, "overdue");
    if (overdue == "true")
      f.overdue = true;
    else if (overdue == "false")
      f.overdue = false;
    else if (!overdue.empty())
      return InvalidField("overdue", "boolean", "overdue must be true or false");
    LEDGER_ASSIGN_OR_RETURN(f.from, QueryTime(ctx, "from"));
    LEDGER_ASSIGN_OR_RETURN(f.to, QueryTime(ctx, "to"));
    LEDGER_ASSIGN_OR_RETURN(uint64_t limit, ctx.QueryUint("limit", 50, 1, 1000));
    f.limit = limit;
    f.cursor = QueryText(ctx, "cursor");
    ViewContext v = View(ctx);
    auto visible = VisibleTo(ctx.access());
    return o_.projections->Read([&](const projections::LedgerProjection& p) -> Result<Response> {
      projections::Scope scope{p, Lookup(), Current(), o_.clock->Now(), visible};
      return Reply<schema::ComplaintPage>(
          ctx, 200, ListToJson(projections::ListComplaints(scope, f), v), "ComplaintPage");
    });
  }

  // The department a report's rows are limited to: the caller's own when the table says so
  // (RowScope::kOwnDepartment; whatever `department` asks), else the query's filter.
  std::string ScopedDepartment(const RequestContext& ctx) const {
    std::string own = ctx.access().RowDepartment();
    return own.empty() ? QueryText(ctx, "department") : own;
  }

  Result<projections::Period> MonthParam(const RequestContext& ctx, bool required) const {
    std::string m = QueryText(ctx, "month");
    if (m.empty()) {
      if (required) return InvalidField("month", "required", "month (YYYY-MM) is required");
      m = ledger::MonthKey(o_.clock->Now(), Current().calendar.utc_offset);
    }
    Result<projections::Period> p = projections::ParsePeriod(m, Current().calendar.utc_offset);
    if (!p.ok())
      return InvalidField("month", "yyyy_mm", "month must be YYYY-MM (or YYYY for /v1/metrics)");
    LEDGER_RETURN_IF_ERROR(projections::CheckPeriodInPolicy(*p, Current(), o_.clock->Now()));
    return p;
  }

  Result<Response> Fines(const RequestContext& ctx) const {
    LEDGER_ASSIGN_OR_RETURN(projections::Period month, MonthParam(ctx, true));
    LEDGER_ASSIGN_OR_RETURN(Eval e, ReadEval(ctx));
    std::string dept = ScopedDepartment(ctx), person = QueryText(ctx, "person");
    LEDGER_ASSIGN_OR_RETURN(uint64_t limit,
                            ctx.QueryUint("limit", kFineLinesPage, 1, kFineLinesMax));
    projections::FineQuery q{month, dept, person, QueryText(ctx, "cursor"), limit};
    ViewContext v = View(ctx);
    auto reply = [&](Result<projections::FinePage> page) -> Result<Response> {
      if (!page.ok()) {
        if (page.status().code() == ledger::Code::kInvalidArgument)
          return InvalidField("cursor", "cursor", page.status().message());
        return page.status();
      }
      Evaluation at = Evaluated(e, nullptr);
      at.as_of = page->evaluated_at;  // the index may answer as of a moment later (fine_index.h)
      json::object doc = FinesToJson(page->report, at, v);
      doc["line_count"] = page->line_count;
      doc["next_cursor"] =
          page->next_cursor.empty() ? json::value(nullptr) : json::value(page->next_cursor);
      return Reply<schema::FinesReport>(ctx, 200, doc, "FinesReport");
    };
    // Now, on the kept projection: from its fine index. As of, known at or what-if: a fresh fold.
    if (!e.known_at && !e.what_if && !e.as_of_given) return reply(o_.projections->Fines(e.at(), q));
    return WithProjection(ctx, e, [&](const projections::Scope& s) -> Result<Response> {
      return reply(projections::FinesPage(s, q));
    });
  }

  Result<Response> Rewards(const RequestContext& ctx) const {
    LEDGER_ASSIGN_OR_RETURN(projections::Period month, MonthParam(ctx, true));
    LEDGER_ASSIGN_OR_RETURN(Eval e, ReadEval(ctx));
    const Access& access = ctx.access();
    return WithProjection(ctx, e, [&](const projections::Scope& s) -> Result<Response> {
      std::vector<projections::RewardRow> rows = projections::RewardsQuery(s, month);
      std::erase_if(rows, [&](const projections::RewardRow& r) {
        return !access.SeesDepartmentRow(r.department);
      });
      return Reply<schema::Rewards>(ctx, 200, RewardsToJson(month.key, rows), "Rewards");
    });
  }

  Result<Response> MetricsRoute(const RequestContext& ctx) const {
    LEDGER_ASSIGN_OR_RETURN(projections::Period period, MonthParam(ctx, true));
    LEDGER_ASSIGN_OR_RETURN(Eval e, ReadEval(ctx));
    std::string project = QueryText(ctx, "project");
    ViewContext v = View(ctx);
    return WithProjection(ctx, e, [&](const projections::Scope& s) -> Result<Response> {
      return Reply<schema::Metrics>(
          ctx, 200,
          MetricsToJson(projections::MetricsQuery(s, period, project), Evaluated(e, nullptr), v),
          "Metrics");
    });
  }

  Result<Response> Findings(const RequestContext& ctx) const {
    LEDGER_ASSIGN_OR_RETURN(std::optional<ledger::Time> from, QueryTime(ctx, "from"));
    LEDGER_ASSIGN_OR_RETURN(std::optional<ledger::Time> to, QueryTime(ctx, "to"));
    LEDGER_ASSIGN_OR_RETURN(Eval e, ReadEval(ctx));
    LEDGER_ASSIGN_OR_RETURN(uint64_t limit, ctx.QueryUint("limit", kReportPage, 1, kReportPageMax));
    std::string cursor = QueryText(ctx, "cursor");
    ViewContext v = View(ctx);
    return WithProjection(ctx, e, [&](const projections::Scope& s) -> Result<Response> {
      Result<projections::Page<projections::Finding>> page =
          projections::PageOfFindings(projections::FindingsQuery(s, from, to), cursor, limit);
      if (!page.ok()) return InvalidField("cursor", "cursor", page.status().message());
      json::object doc = FindingsToJson(page->items, v);
      doc["count"] = page->total;
      doc["next_cursor"] = NextCursor(page->next_cursor);
      return Reply<schema::Findings>(ctx, 200, doc, "Findings");
    });
  }

  Result<Response> Responsibility(const RequestContext& ctx) const {
    std::optional<projections::Period> month;
    if (!QueryText(ctx, "month").empty()) {
      LEDGER_ASSIGN_OR_RETURN(projections::Period p, MonthParam(ctx, true));
      month = p;
    }
    LEDGER_ASSIGN_OR_RETURN(Eval e, ReadEval(ctx));
    std::string dept = ScopedDepartment(ctx), person = QueryText(ctx, "person");
    LEDGER_ASSIGN_OR_RETURN(uint64_t limit, ctx.QueryUint("limit", kReportPage, 1, kReportPageMax));
    std::string cursor = QueryText(ctx, "cursor");
    ViewContext v = View(ctx);
    return WithProjection(ctx, e, [&](const projections::Scope& s) -> Result<Response> {
      Result<projections::Page<projections::ResponsibilityRecord>> page =
          projections::PageOfResponsibility(
              projections::ResponsibilityQuery(s, dept, person, month), cursor, limit);
      if (!page.ok()) return InvalidField("cursor", "cursor", page.status().message());
      json::object o;
      json::array records;
      for (const projections::ResponsibilityRecord& r : page->items)
        records.push_back(ResponsibilityToJson(r, v));
      o["records"] = std::move(records);
      o["count"] = page->total;
      o["next_cursor"] = NextCursor(page->next_cursor);
      return Reply<schema::ResponsibilityRecords>(ctx, 200, o, "ResponsibilityRecords");
    });
  }

  Result<Response> Policies(const RequestContext& ctx) const {
    std::optional<uint64_t> want;
    if (ctx.Query("version")) {
      LEDGER_ASSIGN_OR_RETURN(uint64_t v, ctx.QueryUint("version", 0, 1, UINT32_MAX));
      want = v;
    }
    json::object o;
    json::array list;
    for (const domain::PublishedPolicy& p : o_.policies->List()) {
      if (want && p.version != *want) continue;
      json::object x;
      x["version"] = p.version;
      x["name"] = p.policy->name;
      x["sha256"] = p.sha256;
      x["published_at"] = ledger::FormatRfc3339(p.published_at, Current().calendar.utc_offset);
      x["published_by"] = p.published_by;
      x["event"] = p.position;
      if (want) x["document"] = p.document;
      list.push_back(std::move(x));
    }
    if (want && list.empty())
      return Status::NotFound("policy version " + std::to_string(*want) + " is not published");
    o["current"] = o_.policies->current_version();
    o["policies"] = std::move(list);
    return Reply<schema::Policies>(ctx, 200, o, "Policies");
  }

  Result<Response> Publish(const RequestContext& ctx) const {
    const uint32_t before = o_.policies->current_version();
    LEDGER_ASSIGN_OR_RETURN(uint32_t version,
                            o_.policies->Publish(ctx.request().body, ctx.principal()->actor));
    json::object o;
    o["version"] = version;
    o["published"] = version != before;
    return JsonResponse(version != before ? 201 : 200, o);
  }

  ComplaintRoutesOptions o_;
  mutable HeavyGate heavy_;
  // Complaint loads served from the kept projection, and folded from the log.
  mutable std::atomic<uint64_t> tickets_kept_{0}, tickets_folded_{0};
};

Status Routes::Register(Router& r) {
  LEDGER_RETURN_IF_ERROR(RegisterComplaints(r));
  LEDGER_RETURN_IF_ERROR(RegisterReports(r));
  LEDGER_RETURN_IF_ERROR(RegisterPolicies(r));
  if (o_.metrics) AddMetrics();
  return Status::Ok();
}

// The complaints: their actions (and the ratings, an action on no complaint) and their reads.
Status Routes::RegisterComplaints(Router& r) {
  LEDGER_RETURN_IF_ERROR(r.Add("POST", "/v1/complaints",
                               {.resource = Resource::kReceive, .capnp = true},
                               Sync(&Routes::Receive)));
  LEDGER_RETURN_IF_ERROR(r.Add("POST", "/v1/complaints/{id}/actions",
                               {.resource = Resource::kAction, .capnp = true}, Sync(&Routes::Act)));
  LEDGER_RETURN_IF_ERROR(r.Add("POST", "/v1/ratings",
                               {.resource = Resource::kRating, .capnp = true},
                               Sync(&Routes::RateDepartment)));
  LEDGER_RETURN_IF_ERROR(r.Add("GET", "/v1/complaints/{id}",
                               {.resource = Resource::kComplaint, .capnp = true},
                               Sync(&Routes::Ticket)));
  LEDGER_RETURN_IF_ERROR(r.Add("GET", "/v1/complaints/{id}/events",
                               {.resource = Resource::kComplaint, .capnp = true},
                               Sync(&Routes::Events)));
  LEDGER_RETURN_IF_ERROR(r.Add("GET", "/v1/complaints/{id}/timeline",
                               {.resource = Resource::kComplaint, .capnp = true},
                               Sync(&Routes::TimelineRoute)));
  return r.Add("GET", "/v1/complaints", {.resource = Resource::kComplaintList, .capnp = true},
               Sync(&Routes::List));
}

// The reports over every complaint, from the projections.
Status Routes::RegisterReports(Router& r) {
  LEDGER_RETURN_IF_ERROR(r.Add("GET", "/v1/responsibility",
                               {.resource = Resource::kResponsibility, .capnp = true},
                               Sync(&Routes::Responsibility)));
  LEDGER_RETURN_IF_ERROR(r.Add("GET", "/v1/fines", {.resource = Resource::kFines, .capnp = true},
                               Sync(&Routes::Fines)));
  LEDGER_RETURN_IF_ERROR(r.Add("GET", "/v1/rewards",
                               {.resource = Resource::kRewards, .capnp = true},
                               Sync(&Routes::Rewards)));
  LEDGER_RETURN_IF_ERROR(r.Add("GET", "/v1/metrics",
                               {.resource = Resource::kMetrics, .capnp = true},
                               Sync(&Routes::MetricsRoute)));
  return r.Add("GET", "/v1/findings", {.resource = Resource::kFindings, .capnp = true},
               Sync(&Routes::Findings));
}

// The policy versions; publishing one is an admin action, answered in JSON only.
Status Routes::RegisterPolicies(Router& r) {
  LEDGER_RETURN_IF_ERROR(r.Add("GET", "/v1/policies",
                               {.resource = Resource::kPolicies, .capnp = true},
                               Sync(&Routes::Policies)));
  return r.Add("POST", "/v1/policies", {.resource = Resource::kPublishPolicy},
               Sync(&Routes::Publish));
}

// The gauges and counters these routes add to /metrics.
void Routes::AddMetrics() {
  ledger::EventLog* log = o_.log;
  projections::ProjectionRunner* runner = o_.projections;  // both outlive the server's metrics
  o_.metrics->AddGauge(
      "ledger_projection_lag_events", "Events the projections are behind the log",
      [log, runner] { return double(log->GetHead().position - runner->position()); });
  o_.metrics->AddCounterFamily(
      "ledger_complaint_loads_total",
      "Complaints loaded for a request: from the kept projection (current at now), or folded "
      "from the log (as of / known at / what-if, or the projection not caught up yet)",
      [self = shared_from_this()] {
        return std::vector<Metrics::Sample>{
            {{{"source", "projection"}}, double(self->tickets_kept_.load())},
            {{{"source", "log"}}, double(self->tickets_folded_.load())}};
      });
  o_.metrics->AddGauge("ledger_fine_index_lines",
                       "Fine lines kept by the fine index that GET /v1/fines reads",
                       [runner] { return double(runner->fine_index_stats().lines); });
  o_.metrics->AddCounterFamily(
      "ledger_fine_index_evaluations_total",
      "Complaints whose fine lines the fine index evaluated: indexing a month, touched by "
      "events, or one of their deadlines or overdue periods passed",
      [runner] {
        return std::vector<Metrics::Sample>{{{}, double(runner->fine_index_stats().evaluations)}};
      });
  o_.metrics->AddCounterFamily(
      "ledger_fine_index_restarts_total",
      "Times the fine index dropped what it kept by itself: the clock stepped back, or the "
      "projection moved without telling it",
      [runner] {
        return std::vector<Metrics::Sample>{{{}, double(runner->fine_index_stats().restarts)}};
      });
}

}  // namespace

Status RegisterComplaintRoutes(Router& router, ComplaintRoutesOptions options) {
  if (!options.commands || !options.projections || !options.policies || !options.log ||
      !options.clock)
    return Status::Internal("RegisterComplaintRoutes needs every service");
  return std::make_shared<Routes>(std::move(options))->Register(router);
}

}  // namespace api

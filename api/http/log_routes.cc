#include "api/http/log_routes.h"

#include <boost/json.hpp>

#include "api/http/event_capnp.h"
#include "api/http/json_body.h"
#include "api/http/log_stream.h"
#include "api/http/tile_routes.h"
#include "ledger/base/hash.h"
#include "ledger/base/merkle.h"
#include "ledger/base/signed_note.h"

namespace api {
namespace {

using ledger::Result;
using ledger::Status;

boost::json::object HeadJson(const ledger::Head& head) {
  return {{"position", head.position}, {"hash", ledger::ToHex(head.hash)}};
}

Result<Response> EventsPage(const LogRoutesOptions& o, const RequestContext& ctx) {
  LEDGER_ASSIGN_OR_RETURN(uint64_t from, ctx.QueryUint("from", 1, 0, UINT64_MAX));
  LEDGER_ASSIGN_OR_RETURN(uint64_t limit,
                          ctx.QueryUint("limit", kDefaultPageSize, 1, kMaxPageSize));
  from = std::max<uint64_t>(from, 1);
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events, o.log->ReadAll(from, limit));
  ledger::Head head = o.log->GetHead();  // after the read: has_more is then never a false "no"

  // Trim the page to kMaxPageBytes (keeping at least one event).
  size_t bytes = 0, keep = 0;
  boost::json::array rendered;
  for (; keep < events.size(); ++keep) {
    size_t size = events[keep].canonical_bytes().size();
    if (ctx.format() == Format::kJson) {
      boost::json::object e = EventToJson(events[keep], o.render, ctx.principal());
      size = boost::json::serialize(e).size();
      if (keep > 0 && bytes + size > kMaxPageBytes) break;
      rendered.push_back(std::move(e));
    } else if (keep > 0 && bytes + size > kMaxPageBytes) {
      break;
    }
    bytes += size;
  }
  events.resize(keep);
  uint64_t next = events.empty() ? from : events.back().position() + 1;
  bool has_more = next <= head.position;

  if (ctx.format() == Format::kCapnp) {
    capnp::MallocMessageBuilder message;
    auto page = message.initRoot<schema::EventPage>();
    FillEnvelopes(page.initEvents(static_cast<unsigned>(events.size())), events, ctx.principal(),
                  o.vault);
    page.setNext(next);
    page.setHasMore(has_more);
    FillHead(page.initHead(), head);
    return CapnpResponse(message, "EventPage");
  }
  return JsonResponse(200, boost::json::object{{"events", std::move(rendered)},
                                               {"next", next},
                                               {"has_more", has_more},
                                               {"head", HeadJson(head)}});
}

Result<Response> EventStream(const LogRoutesOptions& o, const RequestContext& ctx) {
  uint64_t from = 1;
  if (auto last = ctx.request().headers.Get("Last-Event-ID"); last && !last->empty()) {
    // The client saw `last`: resume right after it, whatever `from` says.
    LEDGER_ASSIGN_OR_RETURN(uint64_t seen, ParseUint(*last, "Last-Event-ID"));
    if (seen == UINT64_MAX) return Status::InvalidArgument("Last-Event-ID is out of range");
    from = seen + 1;
  } else {
    LEDGER_ASSIGN_OR_RETURN(from, ctx.QueryUint("from", 1, 0, UINT64_MAX));
  }
  std::optional<Principal> viewer;
  if (ctx.principal() != nullptr) viewer = *ctx.principal();
  return Response::EventStream(
      std::make_shared<LogEventSource>(o.log, from, o.render, std::move(viewer)));
}

Result<Response> Verify(const LogRoutesOptions& o, const RequestContext& ctx) {
  LEDGER_ASSIGN_OR_RETURN(ledger::VerifyReport report, o.log->Verify());
  if (ctx.format() == Format::kCapnp) {
    capnp::MallocMessageBuilder message;
    auto out = message.initRoot<schema::VerifyResult>();
    out.setOk(report.ok);
    out.setChecked(report.checked);
    FillHead(out.initHead(), report.head);
    out.setFirstBadPosition(report.first_bad_position);
    out.setProblem(report.problem);
    if (report.tree_checked)
      out.setTreeRoot(capnp::Data::Reader(report.tree_root.data(), report.tree_root.size()));
    return CapnpResponse(message, "VerifyResult");
  }
  boost::json::object body{
      {"ok", report.ok}, {"checked", report.checked}, {"head", HeadJson(report.head)}};
  if (report.tree_checked) body["tree_root"] = ledger::ToHex(report.tree_root);
  if (!report.ok) {
    body["first_bad_position"] = report.first_bad_position;
    body["problem"] = report.problem;
  }
  return JsonResponse(200, body);
}

// The checkpoint a proof is given against: of the size asked (the latest's or one of the
// series), or the latest. NotFound when none was signed, or none of that size.
Result<ledger::StoredCheckpoint> CheckpointFor(const LogRoutesOptions& o,
                                               const RequestContext& ctx) {
  std::optional<ledger::StoredCheckpoint> c;
  if (ctx.Query("size") && !ctx.Query("size")->empty()) {
    LEDGER_ASSIGN_OR_RETURN(uint64_t size, ctx.QueryUint("size", 0, 1, UINT64_MAX));
    LEDGER_ASSIGN_OR_RETURN(c, o.log->CheckpointOfSize(size));
    if (!c)
      return Status::WithErrors(
          ledger::Code::kNotFound, "no signed checkpoint of size " + std::to_string(size),
          {{"size", "no_checkpoint",
            "the size of a signed checkpoint: the latest, or one of the hourly series"}});
  } else {
    LEDGER_ASSIGN_OR_RETURN(c, o.log->LatestCheckpoint());
    if (!c)
      return Status::NotFound(
          "no checkpoint has been signed: the server signs them when started with "
          "--signing-key (docs/operations.md, \"Checkpoints and proofs\")");
  }
  return *c;
}

boost::json::array Hashes(const std::vector<ledger::Hash>& hashes) {
  boost::json::array a;
  for (const ledger::Hash& h : hashes) a.emplace_back(ledger::note::Base64(ledger::AsBytes(h)));
  return a;
}

Result<Response> Checkpoint(const LogRoutesOptions& o, const RequestContext& ctx) {
  LEDGER_ASSIGN_OR_RETURN(ledger::StoredCheckpoint c, CheckpointFor(o, ctx));
  return Response::Text(200, "text/plain; charset=utf-8", c.note);
}

Result<Response> SignCheckpoint(const LogRoutesOptions& o, const RequestContext&) {
  if (o.checkpointer == nullptr)
    return Status::FailedPrecondition(
        "this server signs no checkpoints: it was started without --signing-key "
        "(docs/operations.md, \"Checkpoints and proofs\")");
  LEDGER_ASSIGN_OR_RETURN(ledger::StoredCheckpoint c, o.checkpointer->SignNow());
  return Response::Text(200, "text/plain; charset=utf-8", c.note);
}

// The event at `position` must be in the checkpoint's tree.
Result<uint64_t> PositionIn(const RequestContext& ctx, const ledger::StoredCheckpoint& c) {
  LEDGER_ASSIGN_OR_RETURN(uint64_t position, ctx.QueryUint("position", 0, 1, UINT64_MAX));
  if (position == 0)
    return Status::WithErrors(ledger::Code::kInvalidArgument, "position is required",
                              {{"position", "required", "the event's position"}});
  if (position > c.size)
    return Status::WithErrors(ledger::Code::kNotFound,
                              "position " + std::to_string(position) +
                                  " is not in the checkpoint of size " + std::to_string(c.size),
                              {{"position", "after_checkpoint",
                                "at most the checkpoint's size (a newer one comes within a "
                                "second of an append)"}});
  return position;
}

Result<Response> InclusionProof(const LogRoutesOptions& o, const RequestContext& ctx) {
  LEDGER_ASSIGN_OR_RETURN(ledger::StoredCheckpoint c, CheckpointFor(o, ctx));
  LEDGER_ASSIGN_OR_RETURN(uint64_t position, PositionIn(ctx, c));
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof, o.log->InclusionProof(position, c.size));
  LEDGER_ASSIGN_OR_RETURN(ledger::RecordedEvent e, o.log->ReadAt(position));
  const ledger::Hash leaf = ledger::merkle::LeafHash(e.canonical_bytes());
  return JsonResponse(200, boost::json::object{
                               {"position", position},
                               {"leaf_index", position - 1},
                               {"size", c.size},
                               {"leaf_hash", ledger::note::Base64(ledger::AsBytes(leaf))},
                               {"event_hash", ledger::ToHex(e.hash())},
                               {"proof", Hashes(proof)},
                               {"checkpoint", c.note},
                           });
}

Result<Response> ConsistencyProof(const LogRoutesOptions& o, const RequestContext& ctx) {
  LEDGER_ASSIGN_OR_RETURN(ledger::StoredCheckpoint c, CheckpointFor(o, ctx));
  LEDGER_ASSIGN_OR_RETURN(uint64_t from, ctx.QueryUint("from", 0, 1, UINT64_MAX));
  if (from == 0 || from > c.size)
    return Status::WithErrors(
        ledger::Code::kInvalidArgument,
        "from must be a size from 1 to the checkpoint's " + std::to_string(c.size),
        {{"from", "range", "the size of the checkpoint you hold"}});
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof, o.log->ConsistencyProof(from, c.size));
  return JsonResponse(
      200, boost::json::object{
               {"from", from}, {"size", c.size}, {"proof", Hashes(proof)}, {"checkpoint", c.note}});
}

// C2SP tlog-proof@v1: the event's canonical bytes (extra), its index, the inclusion proof and
// the signed checkpoint: all a reviewer needs offline (docs/verify.md).
Result<Response> Bundle(const LogRoutesOptions& o, const RequestContext& ctx) {
  // The event's bytes hold personal data, with no way to redact them (the proof covers them).
  if (!ctx.access().personal_data())
    return Status::PermissionDenied("a proof bundle carries the event, personal data included");
  LEDGER_ASSIGN_OR_RETURN(ledger::StoredCheckpoint c, CheckpointFor(o, ctx));
  LEDGER_ASSIGN_OR_RETURN(uint64_t position, PositionIn(ctx, c));
  LEDGER_ASSIGN_OR_RETURN(std::string bundle, ProofBundle(*o.log, position, c));
  return Response::Text(200, "text/plain; charset=utf-8", std::move(bundle));
}

void AddLogMetrics(Metrics& metrics, ledger::EventLog* log) {
  auto counter = [&](const char* name, const char* help, uint64_t ledger::LogStats::*field) {
    metrics.AddCounterFamily(name, help, [log, field] {
      return std::vector<Metrics::Sample>{{{}, static_cast<double>(log->GetStats().*field)}};
    });
  };
  counter("ledger_log_commits_total", "Group commits written (one sync each)",
          &ledger::LogStats::commits);
  counter("ledger_log_appends_total", "Appends that wrote events", &ledger::LogStats::appends);
  counter("ledger_log_events_total", "Events written", &ledger::LogStats::events);
  counter("ledger_log_deduplicated_total", "Appends answered from an idempotency key",
          &ledger::LogStats::deduplicated);
  counter("ledger_log_conflicts_total", "Appends refused for a version conflict",
          &ledger::LogStats::conflicts);
  counter("ledger_log_refused_total",
          "Appends refused because the disk could not take them (nearly full, full, failed)",
          &ledger::LogStats::refused);
  metrics.AddGauge("ledger_storage_writable",
                   "1 while the ledger accepts appends, 0 while the disk refuses them (/healthz "
                   "says why)",
                   [log] { return log->storage().writable ? 1.0 : 0.0; });
  metrics.AddGauge("ledger_storage_available_bytes",
                   "Bytes available on the ledger's file system at the last look",
                   [log] { return static_cast<double>(log->storage().available_bytes); });
  metrics.AddCounterFamily(
      "ledger_storage_resumed_total", "Times appends resumed by themselves after a refusal", [log] {
        return std::vector<Metrics::Sample>{{{}, static_cast<double>(log->storage().resumed)}};
      });
  metrics.AddCounterFamily(
      "ledger_log_group_commits_total", "Group commits by how many appends shared the sync", [log] {
        static constexpr const char* kSizes[] = {"1",     "2-3",   "4-7",    "8-15",
                                                 "16-31", "32-63", "64-127", "128+"};
        ledger::LogStats stats = log->GetStats();
        std::vector<Metrics::Sample> out;
        for (size_t i = 0; i < stats.group_appends.size(); ++i)
          out.push_back({{{"appends", kSizes[i]}}, static_cast<double>(stats.group_appends[i])});
        return out;
      });
  metrics.AddGauge("ledger_log_head_position", "Position of the last event in the log",
                   [log] { return static_cast<double>(log->GetHead().position); });
}

}  // namespace

Result<std::string> ProofBundle(ledger::EventLog& log, uint64_t position,
                                const ledger::StoredCheckpoint& c) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof, log.InclusionProof(position, c.size));
  LEDGER_ASSIGN_OR_RETURN(ledger::RecordedEvent e, log.ReadAt(position));
  std::string out = "c2sp.org/tlog-proof@v1\nextra " + ledger::note::Base64(e.canonical_bytes()) +
                    "\nindex " + std::to_string(position - 1) + "\n";
  for (const ledger::Hash& h : proof) out += ledger::note::Base64(ledger::AsBytes(h)) + "\n";
  return out + "\n" + c.note;
}

Status RegisterLogRoutes(Router& router, LogRoutesOptions options) {
  if (options.log == nullptr) return Status::InvalidArgument("RegisterLogRoutes needs a log");
  if (options.metrics != nullptr) AddLogMetrics(*options.metrics, options.log);
  auto o = std::make_shared<const LogRoutesOptions>(std::move(options));
  LEDGER_RETURN_IF_ERROR(
      router.Add("GET", "/v1/events", {.resource = Resource::kLog, .capnp = true},
                 [o](const RequestContext& ctx) { return EventsPage(*o, ctx); }));
  LEDGER_RETURN_IF_ERROR(
      router.Add("GET", "/v1/events/stream", {.resource = Resource::kLog, .any_accept = true},
                 [o](const RequestContext& ctx) { return EventStream(*o, ctx); }));
  LEDGER_RETURN_IF_ERROR(router.Add("GET", "/v1/ledger/verify",
                                    {.resource = Resource::kVerify, .capnp = true},
                                    [o](const RequestContext& ctx) { return Verify(*o, ctx); }));
  LEDGER_RETURN_IF_ERROR(router.Add(
      "GET", "/v1/ledger/checkpoint", {.resource = Resource::kVerify, .any_accept = true},
      [o](const RequestContext& ctx) { return Checkpoint(*o, ctx); }));
  LEDGER_RETURN_IF_ERROR(router.Add(
      "POST", "/v1/ledger/checkpoint", {.resource = Resource::kVerify, .any_accept = true},
      [o](const RequestContext& ctx) { return SignCheckpoint(*o, ctx); }));
  LEDGER_RETURN_IF_ERROR(
      router.Add("GET", "/v1/ledger/proof/inclusion", {.resource = Resource::kVerify},
                 [o](const RequestContext& ctx) { return InclusionProof(*o, ctx); }));
  LEDGER_RETURN_IF_ERROR(
      router.Add("GET", "/v1/ledger/proof/consistency", {.resource = Resource::kVerify},
                 [o](const RequestContext& ctx) { return ConsistencyProof(*o, ctx); }));
  // The bundle carries the event itself: the roles that read the log.
  LEDGER_RETURN_IF_ERROR(router.Add("GET", "/v1/ledger/proof/bundle",
                                    {.resource = Resource::kLog, .any_accept = true},
                                    [o](const RequestContext& ctx) { return Bundle(*o, ctx); }));
  return RegisterTileRoutes(router, *o);
}

}  // namespace api

// Writes the fuzz targets' seed corpora (tests/fuzz/corpus/<target>/, docs/fuzzing.md): real
// inputs made by the product itself. Actions of every type, each accepted by Decide at some
// stage of a complaint; import files of such lines; the default policy and variants that
// validate; and the stored bytes of the events a real EventLog wrote for two complaints, a policy
// publication, a rating and an import record (envelope seeds one event each, payload seeds whole
// streams). Deterministic: a manual clock, fixed ids.
//
//   ledger_fuzz_corpus OUT_DIR     (tools/fuzz.sh --seeds OUT_DIR runs it)
//
// Exits non-zero when a seed that should be valid is refused: the seeds stay realistic.
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "ledger/base/clock.h"
#include "ledger/domain/import_record.h"
#include "ledger/domain/policy_store.h"
#include "ledger/log/event_log.h"
#include "payload_format.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
namespace domain = ledger::domain;

int g_failures = 0;

void Fail(const std::string& what) {
  std::fprintf(stderr, "ledger_fuzz_corpus: %s\n", what.c_str());
  ++g_failures;
}

void Write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

// Actions beyond the lifecycle, each with the stage (fuzz::Stages()) it is accepted at.
struct Extra {
  std::string json;
  size_t stage;
};
const std::vector<Extra>& Extras() {
  static const std::vector<Extra> kExtras = {
      {R"({"type":"rate_department","department":"property","month":"2026-02",)"
       R"("score":"95.50"})",
       0},
      {R"({"type":"assess_validity","valid":false,"reason":"misunderstanding"})", 1},
      {R"({"type":"set_level","level":"major","reason":"VIP owner"})", 1},
      {R"({"type":"add_flag","flag":"safety_risk","detail":"exposed wiring"})", 1},
      {R"({"type":"link","other":"CMP-2026-000002","relation":"same_issue"})", 1},
      {R"({"type":"attach_evidence","name":"photo.jpg","media_type":"image/jpeg","size":2048,)"
       R"("sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"})",
       1},
      {R"({"type":"correct","event":1,"field":"channel","value":"visit","reason":"typo"})", 1},
      {R"({"type":"pause_clock","reason":"awaiting_customer"})", 2},
      {R"({"type":"record_progress","summary":"pipe ordered","expected_version":"4"})", 2},
      {R"({"type":"request_extension","clock":"closure","until":"2026-03-10T10:00:00+08:00",)"
       R"("reason":"parts"})",
       2},
      {R"({"type":"review_plan","approved":false,"comment":"too vague"})", 3},
      {R"({"type":"record_fine","rule":"misconduct","people":["u-handler-1"],"reason":"rude",)"
       R"("amount":"500.00"})",
       3},
      {R"({"type":"confirm","method":"recorded_call",)"
       R"("occurred_at":"2026-03-02T09:55:00+08:00"})",
       4},
      {R"({"type":"record_callback","acknowledged":true,"contacted":true,"timeliness":9,"plan":8,)"
       R"("attitude":9})",
       5},
      {R"({"type":"reopen","reason":"leaks again"})", 5},
  };
  return kExtras;
}

// A second complaint, received by a department about one of its staff, escalated and paused.
const std::vector<std::string>& SecondComplaint() {
  static const std::vector<std::string> kSteps = {
      R"({"type":"receive","channel":"visit","complainant":{"name":"Wang","phone":"13900000002",)"
      R"("unit":"B-1203","is_owner":true},"project":"p-lakeside","subject":"Rude guard",)"
      R"("description":"Shouted at my child","demands":"an apology","headcount":12,)"
      R"("claimed_compensation":"12000.00","flags":["media"],"target":{"kind":"person",)"
      R"("id":"u-staff-3","department":"property"},"receiving_department":"property",)"
      R"("receiving_staff":"u-intake-1","external_ref":"OLD-7","idempotency_key":"k-1",)"
      R"("note":"first call","occurred_at":"2026-03-02T08:00:00+08:00"})",
      R"({"type":"transmit","to_department":"customer_service","to_person":"u-cs-1"})",
      R"({"type":"assess_validity","valid":true})",
      R"({"type":"classify","category":"service_attitude"})",
      R"({"type":"add_flag","flag":"litigation","detail":"a lawyer called"})",
      R"({"type":"link","other":"CMP-2026-000001","relation":"same_issue"})",
      R"({"type":"attach_evidence","name":"call.mp3","media_type":"audio/mpeg","size":99000,)"
      R"("sha256":"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"})",
      R"({"type":"assign","department":"property","handler":"u-fuzz-handler",)"
      R"("cooperating":["project_engineering"]})",
      R"({"type":"pause_clock","reason":"awaiting_customer"})",
      R"({"type":"resume_clock","reason":"awaiting_customer"})",
      R"({"type":"request_extension","clock":"closure","until":"2026-03-20T10:00:00+08:00",)"
      R"("reason":"waiting for the court"})",
      R"({"type":"record_staff_decision","person":"u-staff-3","decision":"warning"})",
      R"({"type":"rate_department","department":"property","month":"2026-02","score":"88.00"})",
  };
  return kSteps;
}

// Decides `text` at stage `stage` as fuzz::ActorFor's actor; the decision, or nothing (reported).
std::optional<domain::Decision> DecideAt(const std::string& text, const domain::ComplaintState& s,
                                         const domain::Policy& policy, bool import_line = false,
                                         const domain::CrossFacts* cross = nullptr) {
  ledger::Result<domain::Action> a = domain::ParseActionText(text, import_line);
  if (!a.ok()) {
    Fail("does not parse: " + text + ": " + a.status().ToString());
    return std::nullopt;
  }
  ledger::Actor actor = a->actor ? *a->actor : fuzz::ActorFor(policy, *a);
  domain::DecideInput in = fuzz::Input(s, policy, actor, import_line);
  if (cross != nullptr) in.cross = *cross;
  ledger::Result<domain::Decision> d = domain::Decide(*a, in);
  if (!d.ok()) {
    Fail("refused: " + text + ": " + d.status().ToString());
    return std::nullopt;
  }
  return std::move(d).value();
}

void WriteActions(const fs::path& out, const domain::Policy& policy) {
  const fs::path dir = out / "action";
  const std::vector<domain::ComplaintState>& stages = fuzz::Stages();
  int n = 0;
  char name[64];
  for (const std::string& step : fuzz::Lifecycle()) {  // each accepted in fuzz::Stages()
    std::snprintf(name, sizeof name, "%02d-lifecycle", ++n);
    Write(dir, name, step);
  }
  for (const Extra& e : Extras()) {
    std::snprintf(name, sizeof name, "%02d-extra", ++n);
    if (DecideAt(e.json, stages[e.stage], policy)) Write(dir, name, e.json);
  }
  for (const std::string& step : SecondComplaint()) {  // accepted in WriteLog()
    std::snprintf(name, sizeof name, "%02d-second", ++n);
    Write(dir, name, step);
  }
  // Refused and malformed ones too: the paths that report problems.
  const std::vector<std::string> refused = {
      R"({"type":"receive"})",
      R"({"type":"resolve","resolution":"r","root_cause":"gremlins","corrective_action":"c"})",
      R"({"type":"record_callback","acknowledged":true,"contacted":true,"timeliness":11,"plan":8,)"
      R"("attitude":8,"colour":"red"})",
      R"({"type":"assign","department":"legal","handler":"u-h",)"
      R"("occurred_at":"2030-01-01T00:00:00Z"})",
      R"({"type":"decide_extension","request":5,"approved":false,"expected_version":-3})",
      R"({"type":"waive_fine","fine":"CMP-2026-000001:response_late","reason":"customer abroad"})",
      R"({"type":"nothing"})",
      R"([1,2,{"type":"receive"}])",
  };
  for (const std::string& r : refused) {
    std::snprintf(name, sizeof name, "%02d-refused", ++n);
    Write(dir, name, r);
  }
}

// An import line: `action` with the actor and complaint fields added.
std::string ImportLine(const std::string& action, const domain::Policy& policy,
                       const std::string& complaint) {
  json::object o = json::parse(action).as_object();
  auto parsed = domain::ParseActionText(action);
  ledger::Actor a =
      parsed.ok() ? fuzz::ActorFor(policy, *parsed) : fuzz::ActorFor(policy, o["type"].as_string());
  o["actor"] = {{"id", a.id}, {"role", a.role}, {"department", a.department}};
  if (!complaint.empty() && o["type"] != "receive") o["complaint"] = complaint;
  return json::serialize(o);
}

void WriteImports(const fs::path& out, const domain::Policy& policy) {
  const fs::path dir = out / "import";
  std::vector<std::string> lifecycle;
  for (std::string step : fuzz::Lifecycle()) {
    if (step.find("\"receive\"") != std::string::npos)
      step.insert(step.size() - 1, R"(,"external_ref":"OLD-1")");
    lifecycle.push_back(ImportLine(step, policy, "ref:OLD-1"));
  }
  auto join = [](const std::vector<std::string>& lines, const std::string& eol) {
    std::string s;
    for (const std::string& l : lines) s += l + eol;
    return s;
  };
  Write(dir, "01-lifecycle", join(lifecycle, "\n"));
  Write(dir, "02-lifecycle-crlf", join(lifecycle, "\r\n"));
  std::vector<std::string> by_id = {ImportLine(fuzz::Lifecycle()[0], policy, "")};
  for (size_t i = 1; i < 5; ++i)
    by_id.push_back(ImportLine(fuzz::Lifecycle()[i], policy, "CMP-2026-000001"));
  Write(dir, "03-by-id-blank-lines", "\n" + join(by_id, "\n  \t\n"));
  std::vector<std::string> two = {lifecycle[0],
                                  lifecycle[1],
                                  ImportLine(SecondComplaint()[0], policy, ""),
                                  ImportLine(SecondComplaint()[1], policy, "ref:OLD-7"),
                                  ImportLine(SecondComplaint()[2], policy, "ref:OLD-7"),
                                  ImportLine(Extras()[0].json, policy, "")};
  Write(dir, "04-two-complaints", join(two, "\n"));
  std::vector<std::string> stops = {
      lifecycle[0], lifecycle[1],
      ImportLine(R"({"type":"close","basis":"whim"})", policy, "ref:OLD-1"), lifecycle[2]};
  Write(dir, "05-stops-at-refused", join(stops, "\n"));
  Write(dir, "06-no-actor", fuzz::Lifecycle()[0] + "\n");
  Write(dir, "07-no-trailing-newline", lifecycle[0] + "\n" + lifecycle[1]);
  // The lines cmd_import would apply must be accepted (each against the complaint so far).
  domain::ComplaintState s;
  s.id = "CMP-2026-000001";
  for (const std::string& line : lifecycle) {
    std::optional<domain::Decision> d = DecideAt(line, s, policy, /*import_line=*/true);
    if (!d) break;
    fuzz::Apply(s, *d);
  }
}

void WritePolicies(const fs::path& out) {
  const fs::path dir = out / "policy";
  const std::string text(domain::DefaultPolicyText());
  std::vector<std::pair<std::string, std::string>> variants = {{"01-default", text}};
  auto edit = [&](const std::string& name, auto fn) {
    json::value v = json::parse(text);
    fn(v.as_object());
    variants.push_back({name, json::serialize(v)});
  };
  edit("02-default-compact", [](json::object&) {});
  edit("03-no-holidays-six-day-week", [](json::object& p) {
    json::object& c = p["calendar"].as_object();
    c["holidays"] = json::array{};
    c["weekend"] = json::array{"sunday"};
  });
  edit("04-slow-clocks", [](json::object& p) {
    json::object& g = p["clocks"].as_object()["general"].as_object();
    g["transmission"] = "1 day";
    g["response"] = "3 working days";
    g["plan"] = "48 hours";
  });
  edit("05-one-tier", [](json::object& p) {
    json::object& f = p["fines"].as_object();
    f["closure_overdue"] =
        json::array{json::object{{"from_day", 1}, {"to_day", 30}, {"per_day", "50.00"}}};
  });
  edit("06-more-escalation", [](json::object& p) {
    p["escalation"].as_array().push_back(json::object{
        {"code", "unresolved_5"},
        {"level", "major"},
        {"when", json::object{{"unresolved_for", "5 working days"}, {"headcount_min", 2}}}});
  });
  edit("07-utc", [](json::object& p) {
    p["calendar"].as_object()["utc_offset"] = "+00:00";
    p["calendar"].as_object()["opening"] = "08:30";
  });
  edit("08-no-rewards-exclusions", [](json::object& p) {
    p["rewards"].as_object()["excluded_departments"] = json::array{};
    p["survey"].as_object()["reason_below"] = 4;
  });
  edit("09-invalid-unknown-department", [](json::object& p) {
    p["categories"].as_array()[0].as_object()["first_responsible"] = "nobody";
  });
  edit("10-invalid-negative", [](json::object& p) {
    p["fines"].as_object()["no_plan"] = "-1.00";
    p["clocks"].as_object()["general"].as_object()["plan"] = "-4 hours";
  });
  edit("11-invalid-missing", [](json::object& p) {
    p.erase("permissions");
    p.erase("clocks");
  });
  for (const auto& [name, doc] : variants) {
    bool valid = name.find("invalid") == std::string::npos;
    ledger::Result<std::shared_ptr<const domain::Policy>> parsed = domain::ParsePolicy(doc);
    if (parsed.ok() != valid)
      Fail("policy seed " + name +
           (valid ? " does not validate: " + parsed.status().ToString() : " validates"));
    Write(dir, name, doc);
  }
  Write(dir, "12-not-json", "{\"format\": 1, \"name\": ");
}

// Two complaints, a policy publication, a rating and an import record, written by a real log;
// the stored bytes of every event, by stream.
std::map<std::string, std::vector<std::string>> WriteLog(const domain::Policy& policy) {
  const fs::path tmp =
      fs::temp_directory_path() / ("ledger-fuzz-corpus-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  ledger::ManualClock clock(fuzz::Now());
  ledger::Options options;
  options.clock = &clock;
  std::map<std::string, std::vector<std::string>> streams;
  {
    auto log = ledger::EventLog::Open(tmp.string(), options);
    if (!log.ok()) {
      Fail("cannot open a log: " + log.status().ToString());
      return streams;
    }
    domain::PolicyStore store(log->get());
    if (auto v = store.Publish(std::string(domain::DefaultPolicyText()), {"u-admin", "admin", ""});
        !v.ok())
      Fail("publish: " + v.status().ToString());
    else if (ledger::Result<ledger::RecordedEvent> e = (*log)->ReadAt(1); e.ok())
      streams[domain::kPolicyStream].push_back(e->stored_bytes());
    std::map<std::string, domain::ComplaintState> states;
    int key = 0;
    // Decides and appends `text` on complaint `id`; the events' stored bytes go to `streams`.
    auto act = [&](const std::string& id, const std::string& text) {
      domain::ComplaintState& s = states[id];
      s.id = id;
      domain::CrossFacts cross = fuzz::Cross(s);  // a correction names the intake
      cross.referenced->position = s.intake.position;
      std::optional<domain::Decision> d = DecideAt(text, s, policy, false, &cross);
      if (!d) return;
      ledger::AppendRequest r;
      r.stream = d->events.front().event().which() == domain::schema::DomainEvent::DEPARTMENT_RATED
                     ? "ratings"
                     : id;
      r.idempotency_key = ++key % 3 == 0 ? "idem-" + std::to_string(key) : "";
      r.correlation_id = key % 2 == 0 ? "corr-" + std::to_string(key) : "";
      r.events = domain::ToNewEvents(*d, 1, /*imported=*/key % 5 == 0);
      ledger::Result<ledger::AppendResult> done = (*log)->Append(std::move(r));
      if (!done.ok()) return Fail("append: " + done.status().ToString());
      for (uint64_t p = done->first_position; p <= done->last_position; ++p) {
        ledger::Result<ledger::RecordedEvent> e = (*log)->ReadAt(p);
        if (!e.ok()) return Fail("read: " + e.status().ToString());
        streams[std::string(e->stream())].push_back(e->stored_bytes());
        if (e->stream() != id) continue;
        ledger::Result<domain::EventView> view = domain::ViewOf(*e);
        if (!view.ok()) return Fail("view: " + view.status().ToString());
        domain::Evolve(s, *view);
      }
      clock.Advance(std::chrono::minutes(7));
    };
    for (const std::string& step : fuzz::Lifecycle()) act("CMP-2026-000001", step);
    act("CMP-2026-000001", R"({"type":"reopen","reason":"leaks again"})");
    act("CMP-2026-000001", R"({"type":"correct","event":2,"field":"channel","value":"visit",)"
                           R"("reason":"typo"})");
    for (const std::string& step : SecondComplaint()) act("CMP-2026-000002", step);
    domain::ImportSummary summary{"old.jsonl", std::string(64, 'a'), 3, 2, 5, 9, 3, "line 3: x"};
    if (auto r = domain::RecordImport(**log, summary, {"cli:fuzz", "admin", ""}, 1); !r.ok())
      Fail("import record: " + r.status().ToString());
    else
      streams[domain::kImportStream].push_back((*log)->ReadAt(r->last_position)->stored_bytes());
    (void)(*log)->Close();
  }
  fs::remove_all(tmp);
  return streams;
}

void WriteEvents(const fs::path& out, const domain::Policy& policy) {
  std::map<std::string, std::vector<std::string>> streams = WriteLog(policy);
  int n = 0;
  char name[64];
  for (const auto& [stream, events] : streams)
    for (const std::string& e : events) {
      std::snprintf(name, sizeof name, "%02d-%s", ++n, stream.c_str());
      Write(out / "envelope", name, e);
    }
  n = 0;
  for (const char* id : {"CMP-2026-000001", "CMP-2026-000002"}) {
    const std::vector<std::string>& events = streams[id];
    for (size_t upto : {size_t(1), size_t(4), events.size()}) {
      if (upto > events.size()) continue;
      std::vector<std::string> prefix(events.begin(), events.begin() + long(upto));
      std::snprintf(name, sizeof name, "%02d-%s-%zu-events", ++n, id, upto);
      Write(out / "payload", name, fuzz::JoinRecords(prefix));
    }
  }
  // A stream that does not start with its intake, and a policy event as if a complaint's.
  std::snprintf(name, sizeof name, "%02d-no-intake", ++n);
  if (streams[domain::kPolicyStream].empty() || streams["CMP-2026-000001"].empty())
    return Fail("no policy or complaint events");
  Write(out / "payload", name,
        fuzz::JoinRecords({streams["CMP-2026-000001"].back(), streams["policy"].front()}));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  std::shared_ptr<const domain::Policy> policy = domain::DefaultPolicy();
  WriteActions(out, *policy);
  WriteImports(out, *policy);
  WritePolicies(out);
  WriteEvents(out, *policy);
  std::printf("ledger_fuzz_corpus: seeds written to %s, %d problem(s)\n", out.c_str(), g_failures);
  return g_failures == 0 ? 0 : 1;
}

// The golden log: a checked-in ledger of realistic events (golden/log.jsonl, first an audit export
// of `ledgerctl --data g demo --no-serve --complaints 40 --seed 11`; kept as it is since, so the
// demo of today no longer reproduces it byte for byte; its policy publication's description was
// later edited, with the document hash and the chain recomputed) that must replay to the same
// chain, hash for hash, and whose projections must equal the checked-in expected outputs
// (golden/*.json) — every ticket state, the timelines of complaints with a reopening, a
// correction, a waiver and a pause, and every report of every month. LEDGER_UPDATE_GOLDEN=1
// rewrites the expected outputs (review the diff: a change there is a change in what the ledger
// says about its history).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/services/views_json.h"
#include "ledger/domain/policy_store.h"
#include "ledger/log/projection_store.h"
#include "ledger/log/record_format.h"
#include "projections/derive.h"
#include "projections/fine_index.h"
#include "projections/queries.h"
#include "projections/runner.h"
#include "projections/serialize.h"
#include "projections/timeline.h"
#include "testing/export_replay.h"
#include "testing/raw_db.h"
#include "testing/temp_dir.h"

namespace projections {
namespace {

namespace json = boost::json;
namespace domain = ledger::domain;

const std::string kGolden = std::string(LEDGER_SOURCE_DIR) + "/tests/projections/golden/";
const ledger::Time kNow = *ledger::ParseRfc3339("2026-11-20T18:00:00+08:00");  // the demo's "now"
const api::Principal kAuditor{{"u-auditor", "auditor", ""}, api::Role::kAuditor, "", ""};

// Pretty-printed JSON, two spaces, keys in the order they were built: reviewable diffs.
void Pretty(const json::value& v, std::string& out, int indent = 0) {
  const std::string pad(size_t(indent + 2), ' '), end(size_t(indent), ' ');
  if (v.is_object() && !v.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [k, member] : v.as_object()) {
      out += (first ? "" : ",\n") + pad + json::serialize(json::value(k)) + ": ";
      Pretty(member, out, indent + 2);
      first = false;
    }
    out += "\n" + end + "}";
  } else if (v.is_array() && !v.as_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const json::value& item : v.as_array()) {
      out += (first ? "" : ",\n") + pad;
      Pretty(item, out, indent + 2);
      first = false;
    }
    out += "\n" + end + "]";
  } else {
    out += json::serialize(v);
  }
}

void ExpectGolden(const std::string& name, const json::value& actual) {
  std::string text;
  Pretty(actual, text);
  text += "\n";
  const std::string path = kGolden + name;
  if (std::getenv("LEDGER_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << text;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path << " is missing; run with LEDGER_UPDATE_GOLDEN=1";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_TRUE(expected.str() == text) << name << " differs from the golden output; to see how: "
                                      << "LEDGER_UPDATE_GOLDEN=1 and git diff " << path;
}

class GoldenLog : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger::Options options;
    options.clock = &clock_;
    options.durability = ledger::Durability::kBulk;
    auto log = ledger::EventLog::Open(dir_.Sub("ledger"), options);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
    replay_ = testing_util::ReplayExport(kGolden + "log.jsonl", *log_, clock_);
    ASSERT_TRUE(replay_.status.ok()) << replay_.status.ToString();
    ASSERT_TRUE(log_->Sync().ok());
    policies_ = std::make_unique<domain::PolicyStore>(log_.get());
    {
      auto st = policies_->Load();
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
    store_ = std::make_unique<ledger::ProjectionStore>(log_.get());
    runner_ = std::make_unique<ProjectionRunner>(log_.get(), policies_.get(), store_.get(),
                                                 RunnerOptions{dir_.Sub("snapshot")});
    std::string how;
    ASSERT_TRUE(runner_->Open(&how).ok());
  }

  PolicyLookup Lookup() {
    return [this](uint32_t v) { return policies_->ForVersion(v); };
  }
  const domain::Policy& Current() { return *policies_->current(); }
  api::ViewContext View() { return {std::chrono::minutes(480), &kAuditor}; }
  api::Evaluation At(ledger::Time t) { return {t, std::nullopt, 1, false}; }

  testing_util::TempDir dir_;
  ledger::ManualClock clock_{ledger::FromMicros(0)};
  std::unique_ptr<ledger::EventLog> log_;
  testing_util::ReplayResult replay_;
  std::unique_ptr<domain::PolicyStore> policies_;
  std::unique_ptr<ledger::ProjectionStore> store_;
  std::unique_ptr<ProjectionRunner> runner_;
};

TEST_F(GoldenLog, ReplaysToTheSameChainHashForHash) {
  EXPECT_EQ(replay_.events, 632u);
  ledger::Head head = log_->GetHead();
  EXPECT_EQ(head.position, replay_.events);
  EXPECT_EQ(ledger::ToHex(head.hash), replay_.last_hash);
  EXPECT_EQ(ledger::ToHex(head.hash), replay_.head_hash);
  auto verified = log_->Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

TEST_F(GoldenLog, EveryTicketStateIsAsRecorded) {
  json::object tickets;
  runner_->Read([&](const LedgerProjection& p) {
    for (const auto& [id, tracked] : p.complaints()) {
      Derived d = Derive(tracked, Lookup(), Current(), kNow);
      const domain::Policy& own = OwnPolicy(tracked.state, Lookup(), Current());
      tickets[id] = api::TicketToJson(tracked, d, own, At(kNow), View());
    }
    return 0;
  });
  EXPECT_EQ(tickets.size(), 40u);
  ExpectGolden("tickets.json", tickets);
}

TEST_F(GoldenLog, TimelinesReplayAsRecorded) {
  // A reopening, a correction, waivers, a pause, a second complaint.
  std::set<std::string> chosen;
  runner_->Read([&](const LedgerProjection& p) {
    for (const auto& [id, tracked] : p.complaints()) {
      const domain::ComplaintState& s = tracked.state;
      if (s.cycles.size() > 1 || !s.pauses.empty() || !s.links.empty() ||
          !tracked.event_findings.empty())
        chosen.insert(id);
    }
    return 0;
  });
  ASSERT_GE(chosen.size(), 4u);
  json::object timelines;
  for (const std::string& id : chosen) {
    auto events = log_->ReadStreamForward(id, 1, 10000);
    ASSERT_TRUE(events.ok());
    auto timeline = BuildTimeline(id, *events, Lookup(), Current(), kNow);
    ASSERT_TRUE(timeline.ok()) << timeline.status().ToString();
    timelines[id] = api::TimelineToJson(id, *timeline, At(kNow), View());
  }
  ExpectGolden("timelines.json", timelines);
}

TEST_F(GoldenLog, ATimelineReadPageByPageIsTheWholeTimeline) {
  std::vector<std::string> ids;
  runner_->Read([&](const LedgerProjection& p) {
    for (const auto& [id, tracked] : p.complaints())
      if (tracked.state.version >= 8) ids.push_back(id);
    return 0;
  });
  ASSERT_GE(ids.size(), 20u);
  int compared = 0;
  for (const std::string& id : ids) {
    auto events = log_->ReadStreamForward(id, 1, 10000);
    ASSERT_TRUE(events.ok());
    auto whole = BuildTimeline(id, *events, Lookup(), Current(), kNow);
    ASSERT_TRUE(whole.ok());
    const json::value expected = api::TimelineToJson(id, *whole, At(kNow), View());
    for (size_t page : {size_t(1), size_t(3), size_t(7)}) {
      json::array entries;
      json::value last;
      TimelineWindow window{1, page};
      int pages = 0;
      for (;;) {
        auto part = BuildTimeline(id, *events, Lookup(), Current(), kNow, {}, window);
        ASSERT_TRUE(part.ok());
        ASSERT_LE(part->entries.size(), page);
        ++pages;
        json::object doc = api::TimelineToJson(id, *part, At(kNow), View());
        for (json::value& e : doc.at("entries").as_array()) entries.push_back(e);
        if (part->next_version == 0) {
          doc["entries"] = entries;
          last = doc;
          break;
        }
        // Every page but the last leaves the lines after the last event to the last page.
        EXPECT_TRUE(part->since_last.empty());
        EXPECT_EQ(part->next_version, part->entries.back().version + 1);
        window.from_version = part->next_version;
      }
      EXPECT_EQ(last, expected) << id << " in pages of " << page;
      EXPECT_EQ(pages, int((expected.at("entries").as_array().size() + page - 1) / page));
      ++compared;
    }
  }
  EXPECT_GE(compared, 60);
}

TEST_F(GoldenLog, EveryReportOfEveryMonthIsAsRecorded) {
  json::object fines, rewards, metrics, responsibility;
  json::value findings;
  runner_->Read([&](const LedgerProjection& p) {
    Scope scope{p, Lookup(), Current(), kNow};
    for (const char* m :
         {"2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"}) {
      Period month = *ParsePeriod(m, std::chrono::minutes(480));
      fines[m] = api::FinesToJson(FinesQuery(scope, month, "", ""), At(kNow), View());
      rewards[m] = api::RewardsToJson(m, RewardsQuery(scope, month));
      metrics[m] = api::MetricsToJson(MetricsQuery(scope, month, ""), At(kNow), View());
      json::array records;
      for (const ResponsibilityRecord& r : ResponsibilityQuery(scope, "", "", month))
        records.push_back(api::ResponsibilityToJson(r, View()));
      responsibility[m] = std::move(records);
    }
    metrics["2026"] = api::MetricsToJson(
        MetricsQuery(scope, *ParsePeriod("2026", std::chrono::minutes(480)), ""), At(kNow), View());
    findings = api::FindingsToJson(FindingsQuery(scope, {}, {}), View());
    return 0;
  });
  ExpectGolden("fines.json", fines);
  ExpectGolden("rewards.json", rewards);
  ExpectGolden("metrics.json", metrics);
  ExpectGolden("responsibility.json", responsibility);
  ExpectGolden("findings.json", findings);
}

// FinesQuery only evaluates complaints that can have a line in the month (a closed complaint's
// lines accrue by its last closure). The pruning must lose nothing: every month, evaluated at
// several times (as of mid-history too), equals the tally over every complaint.
TEST_F(GoldenLog, AMonthsFineTallyEqualsTheTallyOverEveryComplaint) {
  const std::vector<std::string> months = {"2026-04", "2026-05", "2026-06", "2026-07", "2026-08",
                                           "2026-09", "2026-10", "2026-11", "2026-12"};
  size_t compared_lines = 0;
  runner_->Read([&](const LedgerProjection& p) {
    for (const char* at : {"2026-06-15T12:00:00+08:00", "2026-09-01T00:00:00+08:00",
                           "2026-11-20T18:00:00+08:00", "2027-03-01T00:00:00+08:00"}) {
      const ledger::Time now = *ledger::ParseRfc3339(at);
      Scope scope{p, Lookup(), Current(), now};
      std::vector<domain::FineLine> all;  // every line of every complaint at `now`
      for (const auto& [id, t] : p.complaints()) {
        const domain::Policy& own = OwnPolicy(t.state, Lookup(), Current());
        for (domain::FineLine& l :
             domain::FineLines(t.state, own, ClocksOf(t.state, Lookup(), Current(), now), now))
          all.push_back(std::move(l));
      }
      for (const std::string& m : months) {
        Period month = *ParsePeriod(m, std::chrono::minutes(480));
        FinesReport expected = FinesFor(month, all, "", "");
        FinesReport actual = FinesQuery(scope, month, "", "");
        ASSERT_EQ(actual.lines.size(), expected.lines.size()) << m << " as of " << at;
        for (size_t i = 0; i < actual.lines.size(); ++i)
          EXPECT_EQ(actual.lines[i].id, expected.lines[i].id) << m << " as of " << at;
        EXPECT_EQ(actual.total, expected.total) << m << " as of " << at;
        EXPECT_EQ(actual.waived, expected.waived) << m << " as of " << at;
        compared_lines += actual.lines.size();
      }
    }
  });
  EXPECT_GT(compared_lines, 100u);  // the log has fines to compare
}

// The projection's hashed index follows it through copies, moves, snapshots and resets: a copy
// is independent of its original and finds its own complaints.
TEST_F(GoldenLog, ACopiedOrMovedProjectionFindsItsOwnComplaints) {
  auto fresh = runner_->FoldAt({});
  ASSERT_TRUE(fresh.ok());
  LedgerProjection original = std::move(fresh).value();
  ASSERT_FALSE(original.complaints().empty());
  const std::string id = original.complaints().begin()->first;
  LedgerProjection copy = original;
  ASSERT_NE(copy.Find(id), nullptr);
  EXPECT_NE(copy.Find(id), original.Find(id));  // its own storage
  EXPECT_EQ(&copy.complaints().begin()->second, copy.Find(id));
  EXPECT_EQ(copy.Digest(), original.Digest());
  LedgerProjection assigned;
  assigned = copy;
  EXPECT_EQ(&assigned.complaints().begin()->second, assigned.Find(id));
  LedgerProjection moved = std::move(copy);
  EXPECT_EQ(&moved.complaints().begin()->second, moved.Find(id));
  EXPECT_EQ(moved.Find("CMP-2099-000001"), nullptr);
  LedgerProjection reset;
  reset.Reset(original.position(), original.last_hash(),
              std::map<std::string, TrackedComplaint>(original.complaints()), original.ratings());
  EXPECT_EQ(&reset.complaints().begin()->second, reset.Find(id));
  EXPECT_EQ(reset.Digest(), original.Digest());
  // A snapshot's round trip (cereal, as the runner writes and loads it).
  std::stringstream bytes;
  {
    cereal::BinaryOutputArchive out(bytes);
    out(original);
  }
  LedgerProjection loaded;
  {
    cereal::BinaryInputArchive in(bytes);
    in(loaded);
  }
  EXPECT_EQ(&loaded.complaints().begin()->second, loaded.Find(id));
  EXPECT_EQ(loaded.Digest(), original.Digest());
}

// A rebuild folds stream by stream, from the stream index's copies: each complaint's events
// together. Complaints are independent, so it equals the fold in the log's order, event by event.
// On a ledger whose index holds no copies (format 1) it folds in the log's order: the same again.
TEST_F(GoldenLog, ARebuildStreamByStreamEqualsTheFoldInLogOrder) {
  auto one_by_one = runner_->FoldAt({});
  ASSERT_TRUE(one_by_one.ok());
  std::vector<std::pair<uint64_t, uint64_t>> progress;
  auto by_stream = FoldLog(*log_, Lookup(), Current(), [&](uint64_t done, uint64_t total) {
    progress.emplace_back(done, total);
  });
  ASSERT_TRUE(by_stream.ok()) << by_stream.status().ToString();
  EXPECT_TRUE(*by_stream == *one_by_one);
  EXPECT_EQ(by_stream->position(), 632u);
  EXPECT_EQ(by_stream->Digest(), one_by_one->Digest());
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(uint64_t{632}, uint64_t{632}));
  const std::string digest = one_by_one->Digest();

  runner_.reset();
  store_.reset();
  policies_.reset();
  log_.reset();
  {
    testing_util::RawDb raw(dir_.Sub("ledger"));
    for (uint64_t p = 1; p <= 632; ++p) {
      auto e =
          ledger::RecordedEvent::Decode(raw.Get(ledger::kEventsFamily, ledger::PositionKey(p)));
      ASSERT_TRUE(e.ok());
      raw.Put(ledger::kStreamsFamily, ledger::StreamKey(e->stream(), e->version()),
              ledger::PositionKey(p));
    }
  }
  ledger::Options options;
  options.read_only = true;
  auto log = ledger::EventLog::Open(dir_.Sub("ledger"), options);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  domain::PolicyStore policies(log->get());
  ASSERT_TRUE(policies.Load().ok());
  auto in_log_order = FoldLog(
      **log, [&](uint32_t v) { return policies.ForVersion(v); }, *policies.current());
  ASSERT_TRUE(in_log_order.ok()) << in_log_order.status().ToString();
  EXPECT_EQ(in_log_order->Digest(), digest);
}

// Interned texts (ledger::Sym) are written as the bytes of a std::string, so rows and snapshots
// written before the state's strings were interned load unchanged (kProjectionFormat stays).
TEST(SnapshotFormat, AnInternedTextIsWrittenAsItsString) {
  domain::TargetInfo target{"person", "u-eng-07", "engineering"};
  std::stringstream as_syms, as_strings;
  {
    cereal::BinaryOutputArchive out(as_syms);
    out(target);
  }
  {
    cereal::BinaryOutputArchive out(as_strings);
    out(std::string("person"), std::string("u-eng-07"), std::string("engineering"));
  }
  EXPECT_EQ(as_syms.str(), as_strings.str());
  domain::TargetInfo loaded;
  {
    cereal::BinaryInputArchive in(as_strings);
    in(loaded);
  }
  EXPECT_EQ(loaded, target);
  EXPECT_EQ(loaded.id.index(), target.id.index());
}

TEST_F(GoldenLog, TheKeptProjectionEqualsAFreshFoldAndItsSnapshot) {
  auto check = runner_->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->detail;
  auto fresh = runner_->FoldAt({});
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->Digest(), runner_->Read([](const LedgerProjection& p) { return p.Digest(); }));
  ASSERT_TRUE(runner_->WriteSnapshot().ok());
  ProjectionRunner again(log_.get(), policies_.get(), store_.get(),
                         RunnerOptions{dir_.Sub("snapshot")});
  std::string how;
  ASSERT_TRUE(again.Open(&how).ok());
  EXPECT_NE(how.find("snapshot"), std::string::npos) << how;
  EXPECT_EQ(again.digest(), runner_->digest());
}

// Every page of `query` from `index` equals the reference's (every complaint evaluated), walking
// the pages with their cursors. Returns the lines compared.
size_t ExpectSamePages(FineIndex& index, const Scope& scope, FineQuery query,
                       const std::string& at) {
  size_t lines = 0;
  for (int page = 0; page < 1000; ++page) {
    auto actual = index.Query(scope, query);
    auto expected = FinesPage(scope, query);
    const std::string where = query.month.key + " as of " + at + " person '" + query.person +
                              "' department '" + query.department + "' page " +
                              std::to_string(page);
    EXPECT_TRUE(actual.ok() && expected.ok()) << where;
    if (!actual.ok() || !expected.ok()) return lines;
    EXPECT_EQ(actual->line_count, expected->line_count) << where;
    EXPECT_EQ(actual->next_cursor, expected->next_cursor) << where;
    EXPECT_EQ(actual->report.total, expected->report.total) << where;
    EXPECT_EQ(actual->report.waived, expected->report.waived) << where;
    EXPECT_TRUE(actual->report.by_person == expected->report.by_person) << where;
    EXPECT_TRUE(actual->report.by_department == expected->report.by_department) << where;
    EXPECT_EQ(actual->report.lines.size(), expected->report.lines.size()) << where;
    for (size_t i = 0; i < actual->report.lines.size() && i < expected->report.lines.size(); ++i)
      EXPECT_TRUE(actual->report.lines[i] == expected->report.lines[i])
          << where << ": " << actual->report.lines[i].id << " vs " << expected->report.lines[i].id;
    lines += actual->report.lines.size();
    if (expected->next_cursor.empty()) break;
    query.cursor = expected->next_cursor;
  }
  return lines;
}

// The fine index keeps each complaint's lines until an event or the passing of a deadline or of
// an overdue period can change them. Evaluated at times that move forward a day at a time and
// across months (from mid-history, where recorded facts still lie ahead, to after the last), every
// page of every month, whole and filtered by a person and a department, equals the reference.
// Keeping lines past a deadline, or past the start of an overdue period, fails it.
TEST_F(GoldenLog, TheFineIndexAnswersAsEvaluatingEveryComplaint) {
  const std::vector<std::string> months = {"2026-05", "2026-06", "2026-07", "2026-08",
                                           "2026-09", "2026-10", "2026-11", "2026-12"};
  std::vector<ledger::Time> times;
  for (const char* at : {"2026-06-15T12:00:00+08:00", "2026-09-01T00:00:00+08:00"})
    times.push_back(*ledger::ParseRfc3339(at));
  for (int day = 0; day < 8; ++day)  // overdue periods start a day apart
    times.push_back(kNow - std::chrono::hours(24 * 3) +
                    std::chrono::hours(24 * day + 7 * (day % 3)));
  times.push_back(*ledger::ParseRfc3339("2027-03-01T00:00:00+08:00"));
  size_t compared = 0;
  runner_->Read([&](const LedgerProjection& p) {
    FineIndex index;
    for (ledger::Time now : times) {
      Scope scope{p, Lookup(), Current(), now};
      const std::string at = ledger::FormatRfc3339(now, std::chrono::minutes(480));
      for (const std::string& m : months) {
        FineQuery q{*ParsePeriod(m, std::chrono::minutes(480)), "", "", "", 7};
        compared += ExpectSamePages(index, scope, q, at);
        auto whole = FinesPage(scope, q);
        if (!whole.ok()) {
          ADD_FAILURE() << whole.status().ToString();
          continue;
        }
        if (!whole->report.by_person.empty()) {  // filtered by one person, then one department
          FineQuery by = q;
          by.person = whole->report.by_person.rbegin()->first;
          compared += ExpectSamePages(index, scope, by, at);
          by.person.clear();
          by.department = whole->report.by_department.begin()->first;
          compared += ExpectSamePages(index, scope, by, at);
        }
        FineQuery nobody = q;
        nobody.person = "nobody-at-all";
        compared += ExpectSamePages(index, scope, nobody, at);
      }
    }
    FineIndex::Stats stats = index.stats();
    EXPECT_EQ(stats.restarts, 0u);
    EXPECT_GT(stats.lines, 50u);
    // Going back in time (a clock stepped back): it starts over at the earlier time.
    Scope earlier{p, Lookup(), Current(), times.front()};
    ExpectSamePages(index, earlier,
                    {*ParsePeriod("2026-06", std::chrono::minutes(480)), "", "", "", 1000},
                    "earlier");
    EXPECT_EQ(index.stats().restarts, 1u);
    auto bad =
        index.Query(Scope{p, Lookup(), Current(), times.back()},
                    {*ParsePeriod("2026-06", std::chrono::minutes(480)), "", "", "no-comma", 10});
    EXPECT_EQ(bad.status().code(), ledger::Code::kInvalidArgument);
    return 0;
  });
  EXPECT_GT(compared, 1000u);
}

// Following a projection as it grows: the log applied in batches, each batch's touched complaints
// passed to Touch(), queried between batches. Without the touched complaints re-evaluated, the
// kept lines go stale and it fails. A batch the index is not told about makes it start over.
TEST_F(GoldenLog, TheFineIndexFollowsTheTouchedComplaints) {
  std::vector<ledger::RecordedEvent> events;
  ASSERT_TRUE(log_->ForEach(1, 0,
                            [&](const ledger::RecordedEvent& e) {
                              events.push_back(e);
                              return ledger::Status::Ok();
                            })
                  .ok());
  LedgerProjection p;
  p.set_track_touched(true);
  FineIndex index;
  ledger::Time now = ledger::FromMicros(0);
  size_t compared = 0;
  for (size_t at = 0; at < events.size(); at += 41) {
    const uint64_t from = p.position();
    for (size_t i = at; i < std::min(events.size(), at + 41); ++i) {
      ASSERT_TRUE(p.Apply(events[i], Lookup(), Current()).ok());
      now = std::max(now, events[i].recorded_at() + std::chrono::minutes(10));
    }
    index.Touch(p, from, p.TakeTouched());
    Scope scope{p, Lookup(), Current(), now};
    const std::string when = ledger::FormatRfc3339(now, std::chrono::minutes(480));
    for (const char* m : {"2026-08", "2026-09", "2026-10", "2026-11"})
      compared += ExpectSamePages(
          index, scope, {*ParsePeriod(m, std::chrono::minutes(480)), "", "", "", 1000}, when);
  }
  EXPECT_GT(compared, 200u);
  EXPECT_EQ(index.stats().restarts, 0u);
  const Period november = *ParsePeriod("2026-11", std::chrono::minutes(480));
  // Another projection object at the same position (a copy: its complaints at other addresses):
  // the index starts over on it, and over again on the first one once the copy is gone (else it
  // would read the copy's freed complaints: AddressSanitizer's run catches that).
  {
    LedgerProjection copy = p;
    index.Clear();  // so that what it keeps comes from the copy
    EXPECT_GT(ExpectSamePages(index, Scope{copy, Lookup(), Current(), now},
                              {november, "", "", "", 1000}, "copy"),
              0u);
  }
  EXPECT_GT(ExpectSamePages(index, Scope{p, Lookup(), Current(), now}, {november, "", "", "", 1000},
                            "original"),
            0u);
  // A batch applied without Touch(): the next Touch() names another starting position, and the
  // index starts over instead of trusting its lines.
  index.Touch(p, p.position() + 1, {});
  EXPECT_GT(ExpectSamePages(index, Scope{p, Lookup(), Current(), now}, {november, "", "", "", 1000},
                            "after"),
            0u);
  EXPECT_EQ(index.stats().restarts, 2u);  // back on the original, and the unannounced batch
}

// The runner answers GET /v1/fines at "now" from its index: the same as the reference, and still
// after a rebuild replaced its projection (the index must not keep the old one's complaints).
TEST_F(GoldenLog, TheRunnersFinesEqualTheReferenceAcrossARebuild) {
  FineQuery q{*ParsePeriod("2026-11", std::chrono::minutes(480)), "", "", "", 50};
  auto reference = [&] {
    return runner_->Read([&](const LedgerProjection& p) {
      return FinesPage(Scope{p, Lookup(), Current(), kNow}, q);
    });
  };
  for (int round = 0; round < 2; ++round) {
    auto actual = runner_->Fines(kNow, q);
    auto expected = reference();
    ASSERT_TRUE(actual.ok() && expected.ok());
    EXPECT_GT(expected->line_count, 0u);
    EXPECT_EQ(actual->line_count, expected->line_count);
    EXPECT_EQ(actual->next_cursor, expected->next_cursor);
    EXPECT_TRUE(actual->report.lines == expected->report.lines);
    EXPECT_TRUE(actual->report.by_person == expected->report.by_person);
    ASSERT_TRUE(runner_->Rebuild().ok());
  }
  EXPECT_EQ(runner_->fine_index_stats().restarts, 0u);  // a rebuild clears it: not a restart
}

// Warming indexes a month ahead of its first query: that query then evaluates nothing more and
// answers as the reference does. A warm-up that arrives after a later query does nothing (it
// would otherwise make the index start over at an earlier time).
TEST_F(GoldenLog, AWarmedMonthIsReadyForItsFirstQuery) {
  const Period november = *ParsePeriod("2026-11", std::chrono::minutes(480));
  runner_->WarmFines(kNow, {november});
  const FineIndex::Stats warmed = runner_->fine_index_stats();
  EXPECT_GT(warmed.evaluations, 0u);
  EXPECT_GT(warmed.lines, 0u);
  FineQuery q{november, "", "", "", 1000};
  auto actual = runner_->Fines(kNow, q);
  auto expected = runner_->Read([&](const LedgerProjection& p) {
    return FinesPage(Scope{p, Lookup(), Current(), kNow}, q);
  });
  ASSERT_TRUE(actual.ok() && expected.ok());
  EXPECT_GT(expected->line_count, 0u);
  EXPECT_TRUE(actual->report.lines == expected->report.lines);
  EXPECT_TRUE(actual->report.by_department == expected->report.by_department);
  EXPECT_EQ(runner_->fine_index_stats().evaluations, warmed.evaluations);  // nothing left to do
  runner_->WarmFines(kNow - std::chrono::hours(24),
                     {*ParsePeriod("2026-10", std::chrono::minutes(480))});
  EXPECT_EQ(runner_->fine_index_stats().evaluations, warmed.evaluations);
  EXPECT_EQ(runner_->fine_index_stats().restarts, 0u);
}

// Two requests that read the clock a moment apart may reach the index in the other order: the
// later-arriving earlier one is answered as of the first one's time, and says so; it does not
// make the index start over.
TEST_F(GoldenLog, AMomentLateQueryIsAnsweredAsOfTheLatestTime) {
  const Period november = *ParsePeriod("2026-11", std::chrono::minutes(480));
  FineQuery q{november, "", "", "", 1000};
  ASSERT_TRUE(runner_->Fines(kNow, q).ok());
  auto late = runner_->Fines(kNow - std::chrono::milliseconds(300), q);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->evaluated_at, kNow);
  auto expected = runner_->Read([&](const LedgerProjection& p) {
    return FinesPage(Scope{p, Lookup(), Current(), kNow}, q);
  });
  ASSERT_TRUE(expected.ok());
  EXPECT_TRUE(late->report.lines == expected->report.lines);
  EXPECT_EQ(runner_->fine_index_stats().restarts, 0u);
  auto stepped_back = runner_->Fines(kNow - std::chrono::hours(1), q);  // beyond the lateness
  ASSERT_TRUE(stepped_back.ok());
  EXPECT_EQ(stepped_back->evaluated_at, kNow - std::chrono::hours(1));
  EXPECT_EQ(runner_->fine_index_stats().restarts, 1u);
}

}  // namespace
}  // namespace projections

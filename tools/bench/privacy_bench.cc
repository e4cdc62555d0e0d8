// privacy_bench: what personal data's protection costs (docs/performance.md, "Personal data").
//
//   privacy_bench [--dir DIR] [--subjects 1000,10000] [--reads 20000]
//
// Two measurements, each against a baseline in the same run:
//   - the erasure's write pause: Keystore::Erase (delete the subject's keys and index entries,
//     sync, flush, compact the whole keystore to its bottom level) in a keystore of N subjects,
//     against the synced write that makes one new subject (Keystore::SubjectFor) in the same
//     keystore; complaint writes wait for the whole erasure (CommandService's erasure_mu_);
//   - a read that shows sealed personal data (PersonalDataVault::Reveal: the privacy register's
//     check, AES-256-GCM open, and its entry in the record of reads: one unsynced RocksDB write),
//     against the same Reveal without the record of reads.
// The ledger and keystore are made fresh under DIR (a temporary directory by default).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <vector>

#include "api/services/command_service.h"
#include "api/services/personal_data.h"
#include "ledger/base/aead.h"
#include "ledger/domain/evolve.h"
#include "ledger/domain/policy_store.h"
#include "ledger/keystore/keystore.h"
#include "ledger/log/access_record.h"
#include "ledger/log/event_log.h"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) n += e.file_size();
  return n;
}

std::string Phone(size_t i) {
  std::string digits = std::to_string(13000000000ull + i);
  return digits;
}

int Fail(const ledger::Status& s) {
  std::fprintf(stderr, "privacy_bench: %s\n", s.ToString().c_str());
  return 1;
}

// The erasure's pause in a keystore of `subjects` subjects.
int ErasurePause(const std::string& dir, size_t subjects, const ledger::aead::SecretKey& kek) {
  if (subjects < 7) {
    std::fprintf(stderr, "privacy_bench: --subjects: each size must be at least 7\n");
    return 2;
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(std::filesystem::path(dir).parent_path());
  auto ks = ledger::keystore::Keystore::Open(dir, kek);
  if (!ks.ok()) return Fail(ks.status());
  std::vector<std::string> ids;
  ids.reserve(subjects);
  for (size_t i = 0; i < subjects; ++i) {
    auto key = (*ks)->SubjectFor(ledger::keystore::ComplainantLookup(Phone(i), ""), 1);
    if (!key.ok()) return Fail(key.status());
    ids.push_back(key->subject);
  }
  const uint64_t bytes = DirBytes(dir);
  std::vector<double> create, erase;
  for (size_t round = 0; round < 7; ++round) {
    Clock::time_point t0 = Clock::now();
    auto added =
        (*ks)->SubjectFor(ledger::keystore::ComplainantLookup(Phone(subjects + round), ""), 2);
    create.push_back(Millis(Clock::now() - t0));
    if (!added.ok()) return Fail(added.status());
    t0 = Clock::now();
    if (ledger::Status s = (*ks)->Erase(ids[round * (subjects / 7)]); !s.ok()) return Fail(s);
    erase.push_back(Millis(Clock::now() - t0));
  }
  const double c = Median(create), e = Median(erase);
  std::printf("| %zu | %.1f MiB | %.2f ms | %.1f ms | %.0f× |\n", subjects,
              double(bytes) / (1024 * 1024), c, e, e / std::max(c, 1e-9));
  return 0;
}

// A read of sealed personal data, with and without its entry in the record of reads.
int ReadCost(const std::string& dir, size_t reads, const ledger::aead::SecretKey& kek) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ledger::SystemClock clock;
  ledger::Options options;
  auto log = ledger::EventLog::Open(dir + "/ledger", options);
  if (!log.ok()) return Fail(log.status());
  ledger::domain::PolicyStore policies(log->get());
  if (ledger::Status s = policies.Load(); !s.ok()) return Fail(s);
  if (auto v = policies.Publish(std::string(ledger::domain::DefaultPolicyText()),
                                {"u-admin", "admin", ""});
      !v.ok())
    return Fail(v.status());
  auto ks = ledger::keystore::Keystore::Open(dir + "/keystore", kek);
  if (!ks.ok()) return Fail(ks.status());
  api::PersonalDataVault vault(ks->get());
  api::CommandService service(log->get(), &policies, &clock, &vault);
  if (ledger::Status s = service.Start(); !s.ok()) return Fail(s);
  auto action = ledger::domain::ParseActionText(
      R"({"type":"receive","channel":"hotline","complainant":{"name":"Huang Xiaoming",)"
      R"("phone":"13912345678","unit":"12-1203"},"project":"p-lakeside","subject":"Leak",)"
      R"("description":"Water from the ceiling","receiving_department":"customer_service"})");
  if (!action.ok()) return Fail(action.status());
  auto made = service.Execute(*action, {"u-cs-01", "cs_agent", "customer_service"}, "");
  if (!made.ok()) return Fail(made.status());
  auto state = service.LoadState(made->id);
  if (!state.ok()) return Fail(state.status());
  api::PrivacyRegister privacy(log->get());
  ledger::AccessRecord record(log->get(), &clock);
  const api::Principal auditor{{"u-audit", "auditor", ""}, api::Role::kAuditor, "", "GET /x"};
  auto run = [&](ledger::AccessRecord* with) {
    vault.Attach(&privacy, with);
    Clock::time_point t0 = Clock::now();
    for (size_t i = 0; i < reads; ++i) {
      api::OpenedComplainant shown = vault.Reveal(state->complainant, made->id, auditor);
      if (shown.name.empty()) std::abort();
    }
    return Millis(Clock::now() - t0) * 1000.0 / double(reads);
  };
  std::vector<double> without, with;
  for (int round = 0; round < 5; ++round) {
    without.push_back(run(nullptr));
    with.push_back(run(&record));
  }
  const double a = Median(without), b = Median(with);
  std::printf("| %zu | %.1f µs | %.1f µs | %.2f× |\n", reads, a, b, b / std::max(a, 1e-9));
  return 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  CLI::App app{"privacy_bench: the erasure's write pause and the record of reads' cost"};
  std::string dir, subjects = "1000,10000";
  size_t reads = 20000;
  app.add_option("--dir", dir,
                 "where to make the keystores and the ledger (default: a temporary "
                 "directory, removed afterwards)");
  app.add_option("--subjects", subjects, "keystore sizes, comma-separated")->capture_default_str();
  app.add_option("--reads", reads, "reads per round (5 rounds)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const bool temporary = dir.empty();
  if (temporary)
    dir = (std::filesystem::temp_directory_path() / ("privacy_bench." + std::to_string(::getpid())))
              .string();
  auto kek = ledger::aead::SecretKey::Random();
  if (!kek.ok()) return bench::Fail(kek.status());
  std::printf("## Erasure: the write pause (median of 7)\n\n");
  std::printf(
      "| subjects | keystore | one new subject (synced write) | one erasure (delete, sync, "
      "flush, full compaction) | ratio |\n|---|---|---|---|---|\n");
  std::stringstream list(subjects);
  for (std::string n; std::getline(list, n, ',');)
    if (int code = bench::ErasurePause(dir + "/keystore-" + n, std::stoul(n), *kek); code != 0)
      return code;
  std::printf("\n## A read of sealed personal data (median of 5 rounds)\n\n");
  std::printf(
      "| reads per round | without the record of reads | with it | ratio |\n"
      "|---|---|---|---|\n");
  if (int code = bench::ReadCost(dir + "/reads", reads, *kek); code != 0) return code;
  if (temporary) std::filesystem::remove_all(dir);
  return 0;
}

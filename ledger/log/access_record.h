// AccessRecord: who read which complainant's personal data, when, and by which route
// (docs/privacy.md, "The record of reads"). Kept in the ledger's database (column family
// "access"), so that backups carry it; numbered 1, 2, 3, ... with no gaps; append-only (nothing
// here deletes or rewrites an entry); hash-chained like the log: each entry names the SHA-256 of
// the one before, so that Verify() finds an entry altered, removed or inserted.
//
// Records (keys in access_record.cc):
//   'e' BE64(seq)                       canonical AccessEntry || SHA-256(it)
//   's' subject 0 BE64(seq)             (empty)   the entries of one data subject
//   'c' complaint 0 BE64(seq)           (empty)   the entries of one complaint
//
// Durability: Record() writes without a sync, like the outbox: a process crash (kill -9) loses
// nothing; a crash of the machine may lose the last entries (the next synced append of the log
// syncs them too: one write-ahead log).
//
// Thread-safety: all methods may be called from any thread; keep one AccessRecord per EventLog.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ledger/base/clock.h"
#include "ledger/base/hash.h"
#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "ledger/log/event_log.h"

namespace ledger {

struct AccessEntry {
  uint64_t seq = 0;
  Time at{};
  Actor actor;
  std::string route;      // why: "GET /v1/complaints/{id}", "ledgerctl export", ...
  std::string subject;    // the data subject ("" when the data is recorded in the clear)
  std::string complaint;  // whose complainant
  Hash hash{};            // SHA-256 of the stored entry (which names the one before)
};

struct AccessQuery {
  std::string subject;           // only this subject's reads
  std::string complaint;         // only this complaint's
  std::string actor;             // only this actor's (id)
  std::optional<Time> from, to;  // at >= from, at < to
  uint64_t after = 0;            // entries after this seq (a cursor)
  size_t limit = 100;
};

class AccessRecord {
 public:
  // Neither owned; both must outlive the record.
  AccessRecord(EventLog* log, Clock* clock) : log_(log), clock_(clock) {}

  // Appends the reads (seq, at and hash are filled in), in one batch. FailedPrecondition on a
  // ledger too old to have the family, opened read-only.
  Status Record(std::vector<AccessEntry> entries);

  // The entries that match, in seq order, at most `limit`.
  Result<std::vector<AccessEntry>> Find(const AccessQuery& query);

  // Checks every entry's hash and link; the number of entries, or DataLoss naming the first bad
  // seq.
  Result<uint64_t> Verify();

 private:
  Status LoadTipLocked();

  EventLog* log_;
  Clock* clock_;
  std::mutex mu_;
  bool loaded_ = false;
  uint64_t last_seq_ = 0;
  Hash last_hash_{};
};

}  // namespace ledger

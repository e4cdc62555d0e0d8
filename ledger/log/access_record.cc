#include "ledger/log/access_record.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstring>
#include <memory>

#include "ledger/base/capnp_util.h"
#include "ledger/log/access.capnp.h"
#include "ledger/log/record_format.h"
#include "ledger/log/rocks_status.h"

namespace ledger {
namespace {

constexpr char kEntry = 'e';
constexpr char kBySubject = 's';
constexpr char kByComplaint = 'c';

std::string EntryKey(uint64_t seq) {
  std::string k(1, kEntry);
  PutBigEndian64(&k, seq);
  return k;
}

std::string IndexPrefix(char kind, std::string_view id) {
  std::string k(1, kind);
  k += id;
  k.push_back('\0');
  return k;
}

std::string Encode(const AccessEntry& e, const Hash& previous) {
  capnp::MallocMessageBuilder message;
  auto b = message.initRoot<schema::AccessEntry>();
  b.setAt(ToMicros(e.at));
  b.setActorId(e.actor.id);
  b.setActorRole(e.actor.role);
  b.setActorDepartment(e.actor.department);
  b.setRoute(e.route);
  b.setSubject(e.subject);
  b.setComplaint(e.complaint);
  b.setPrevious(capnp::Data::Reader(previous.data(), previous.size()));
  return ToFlatBytes(message);
}

// The entry of `key` -> `value`, and the hash of the entry before it.
Status Decode(std::string_view key, std::string_view value, AccessEntry* e, Hash* previous) {
  if (key.size() != 9 || value.size() < 32) return Status::DataLoss("an access entry is damaged");
  e->seq = GetBigEndian64(key.substr(1));
  std::string_view body = value.substr(0, value.size() - 32);
  std::memcpy(e->hash.data(), value.data() + body.size(), 32);
  if (Sha256(body) != e->hash)
    return Status::DataLoss("access entry " + std::to_string(e->seq) + " does not match its hash");
  kj::Array<capnp::word> words = AlignedCopy(body);
  return GuardDecode("access entry " + std::to_string(e->seq), [&] {
    capnp::FlatArrayMessageReader reader(words);
    auto r = reader.getRoot<schema::AccessEntry>();
    e->at = FromMicros(r.getAt());
    e->actor = {TextCopy(r.getActorId()), TextCopy(r.getActorRole()),
                TextCopy(r.getActorDepartment())};
    e->route = TextCopy(r.getRoute());
    e->subject = TextCopy(r.getSubject());
    e->complaint = TextCopy(r.getComplaint());
    auto p = r.getPrevious();
    if (p.size() != 32)
      return Status::DataLoss("access entry " + std::to_string(e->seq) + " has no previous hash");
    std::memcpy(previous->data(), p.begin(), 32);
    return Status::Ok();
  });
}

Status NoFamily() {
  return Status::FailedPrecondition(
      "this ledger has no record of reads yet: open it for writing once (ledgerctl serve)");
}

}  // namespace

Status AccessRecord::LoadTipLocked() {
  if (loaded_) return Status::Ok();
  LEDGER_RETURN_IF_ERROR(
      log_->WithAccessRecord([&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* f) {
        if (f == nullptr) return Status::Ok();
        std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), f));
        it->SeekForPrev(EntryKey(UINT64_MAX));
        if (it->Valid() && it->key().size() == 9 && it->key()[0] == kEntry) {
          AccessEntry e;
          Hash previous{};
          LEDGER_RETURN_IF_ERROR(
              Decode(it->key().ToStringView(), it->value().ToStringView(), &e, &previous));
          last_seq_ = e.seq;
          last_hash_ = e.hash;
        }
        return FromRocks(it->status(), "reading the record of reads");
      }));
  loaded_ = true;
  return Status::Ok();
}

Status AccessRecord::Record(std::vector<AccessEntry> entries) {
  if (entries.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mu_);
  LEDGER_RETURN_IF_ERROR(LoadTipLocked());
  const Time now = clock_->Now();
  return log_->WithAccessRecord([&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* f) {
    if (f == nullptr) return NoFamily();
    rocksdb::WriteBatch batch;
    uint64_t seq = last_seq_;
    Hash previous = last_hash_;
    for (AccessEntry& e : entries) {
      e.seq = ++seq;
      e.at = now;
      std::string body = Encode(e, previous);
      e.hash = Sha256(body);
      body.append(reinterpret_cast<const char*>(e.hash.data()), e.hash.size());
      batch.Put(f, EntryKey(e.seq), body);
      std::string be;
      PutBigEndian64(&be, e.seq);
      if (!e.subject.empty()) batch.Put(f, IndexPrefix(kBySubject, e.subject) + be, "");
      if (!e.complaint.empty()) batch.Put(f, IndexPrefix(kByComplaint, e.complaint) + be, "");
      previous = e.hash;
    }
    LEDGER_RETURN_IF_ERROR(
        FromRocks(db.Write(rocksdb::WriteOptions(), &batch), "recording reads of personal data"));
    last_seq_ = seq;
    last_hash_ = previous;
    return Status::Ok();
  });
}

Result<std::vector<AccessEntry>> AccessRecord::Find(const AccessQuery& q) {
  std::vector<AccessEntry> out;
  LEDGER_RETURN_IF_ERROR(
      log_->WithAccessRecord([&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* f) {
        if (f == nullptr) return Status::Ok();
        auto matches = [&](const AccessEntry& e) {
          return (q.subject.empty() || e.subject == q.subject) &&
                 (q.complaint.empty() || e.complaint == q.complaint) &&
                 (q.actor.empty() || e.actor.id == q.actor) && (!q.from || e.at >= *q.from) &&
                 (!q.to || e.at < *q.to);
        };
        auto read_entry = [&](uint64_t seq) -> Status {
          std::string value;
          rocksdb::Status s = db.Get(rocksdb::ReadOptions(), f, EntryKey(seq), &value);
          if (!s.ok()) return FromRocks(s, "reading the record of reads");
          AccessEntry e;
          Hash previous{};
          LEDGER_RETURN_IF_ERROR(Decode(EntryKey(seq), value, &e, &previous));
          if (matches(e)) out.push_back(std::move(e));
          return Status::Ok();
        };
        std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), f));
        if (!q.subject.empty() || !q.complaint.empty()) {
          const std::string prefix = !q.subject.empty() ? IndexPrefix(kBySubject, q.subject)
                                                        : IndexPrefix(kByComplaint, q.complaint);
          std::string start = prefix;
          PutBigEndian64(&start, q.after + 1);
          for (it->Seek(start); it->Valid() && out.size() < q.limit; it->Next()) {
            std::string_view k = it->key().ToStringView();
            if (!k.starts_with(prefix) || k.size() != prefix.size() + 8) break;
            LEDGER_RETURN_IF_ERROR(read_entry(GetBigEndian64(k.substr(prefix.size()))));
          }
        } else {
          for (it->Seek(EntryKey(q.after + 1)); it->Valid() && out.size() < q.limit; it->Next()) {
            if (it->key().size() != 9 || it->key()[0] != kEntry) break;
            AccessEntry e;
            Hash previous{};
            LEDGER_RETURN_IF_ERROR(
                Decode(it->key().ToStringView(), it->value().ToStringView(), &e, &previous));
            if (matches(e)) out.push_back(std::move(e));
          }
        }
        return FromRocks(it->status(), "reading the record of reads");
      }));
  return out;
}

Result<uint64_t> AccessRecord::Verify() {
  uint64_t count = 0;
  LEDGER_RETURN_IF_ERROR(log_->WithAccessRecord([&](rocksdb::DB& db,
                                                    rocksdb::ColumnFamilyHandle* f) {
    if (f == nullptr) return Status::Ok();
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), f));
    Hash expected{};
    for (it->Seek(EntryKey(1)); it->Valid(); it->Next()) {
      if (it->key().size() != 9 || it->key()[0] != kEntry) break;
      AccessEntry e;
      Hash previous{};
      LEDGER_RETURN_IF_ERROR(
          Decode(it->key().ToStringView(), it->value().ToStringView(), &e, &previous));
      if (e.seq != count + 1)
        return Status::DataLoss("the record of reads has no entry " + std::to_string(count + 1));
      if (previous != expected)
        return Status::DataLoss("access entry " + std::to_string(e.seq) +
                                " does not follow the entry before it");
      expected = e.hash;
      ++count;
    }
    return FromRocks(it->status(), "reading the record of reads");
  }));
  return count;
}

}  // namespace ledger

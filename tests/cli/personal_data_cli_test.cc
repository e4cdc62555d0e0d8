// `ledgerctl serve --kek` as the real program (docs/privacy.md): a complaint received over HTTP is
// recorded with its complainant's personal data sealed (no event of the log holds it in the
// clear); an auditor reads it opened, in the ticket and in the event's payload; a reader gets
// "[redacted]" and never the data subject; a server started without the KEK on a ledger that has
// a keystore refuses to start; with a key erased from the keystore the same reads say "[erased]"
// and the log still verifies.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include "ledger/base/aead.h"
#include "ledger/keystore/keystore.h"
#include "ledger/log/event_log.h"
#include "testing/http_client.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace {

using testing_util::EveryFileUnder;

using testing_util::BackgroundProcess;
using testing_util::HttpClient;
using testing_util::HttpReply;
using testing_util::RunProcess;
using testing_util::TempDir;

const std::string kLedgerctl = std::string(LEDGER_BINARY_DIR) + "/tools/ledgerctl/ledgerctl";

const std::string kReceive =
    R"({"type":"receive","channel":"hotline","complainant":{"name":"Huang Xiaoming",)"
    R"("phone":"13912345678","unit":"12-1203"},"project":"p-lakeside","subject":"Leak",)"
    R"("description":"Water from the ceiling","receiving_department":"customer_service"})";

class PersonalDataCli : public ::testing::Test {
 protected:
  std::string Data() { return dir_.Sub("ledger"); }
  std::string Token(const std::string& actor, const std::string& role,
                    const std::string& department = "") {
    std::vector<std::string> args = {kLedgerctl, "--data", Data(),   "token", "add",
                                     "--actor",  actor,    "--role", role};
    if (!department.empty()) args.insert(args.end(), {"--department", department});
    auto r = RunProcess(args, dir_.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }
  // Starts `serve`; the port, or 0 when it did not start (its output in `out`).
  uint16_t Serve(std::unique_ptr<BackgroundProcess>& server, std::vector<std::string> extra,
                 std::string* out) {
    std::vector<std::string> args = {kLedgerctl,    "--data",           Data(),
                                     "serve",       "--create",         "--listen",
                                     "127.0.0.1:0", "--min-free-bytes", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    server = std::make_unique<BackgroundProcess>(args, dir_.path());
    *out = server->WaitForOutput(std::regex("listening on http://127\\.0\\.0\\.1:[0-9]+"));
    std::smatch m;
    if (!std::regex_search(*out, m, std::regex("127\\.0\\.0\\.1:([0-9]+)"))) return 0;
    return uint16_t(std::stoi(m[1]));
  }

  TempDir dir_;
};

TEST_F(PersonalDataCli, SealedWhenServedWithAKekAndOpenedOnlyForThoseWhoMaySeeIt) {
  ASSERT_EQ(::mkdir(Data().c_str(), 0700), 0);
  const std::string kek = dir_.Sub("ledger.kek");
  ASSERT_EQ(RunProcess({kLedgerctl, "keystore", "new-kek", "--out", kek}, dir_.path()).exit_code,
            0);
  const std::string cs = Token("u-cs-01", "cs_agent", "customer_service");
  const std::string auditor = Token("u-audit", "auditor");
  const std::string reader = Token("u-read", "reader");

  std::string id, subject;
  {
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    uint16_t port = Serve(server, {"--kek", kek}, &out);
    ASSERT_NE(port, 0) << out;
    EXPECT_NE(out.find("personal data: sealed"), std::string::npos) << out;
    HttpClient client("127.0.0.1", port);
    client.SetBearer(cs);
    HttpReply made = client.Post("/v1/complaints", kReceive);
    ASSERT_EQ(made.status, 201u) << made.body;
    const boost::json::value made_doc = made.Json();
    id = made_doc.as_object().at("id").as_string().c_str();
    const uint64_t intake = made_doc.as_object().at("position").to_number<uint64_t>();
    // A correction of the phone is sealed too; the timeline does not quote it.
    HttpReply corrected =
        client.Post("/v1/complaints/" + id + "/actions",
                    R"({"type":"correct","event":)" + std::to_string(intake) +
                        R"(,"field":"complainant.phone","value":"13987654321","reason":"typo"})");
    ASSERT_EQ(corrected.status, 200u) << corrected.body;

    client.SetBearer(auditor);
    HttpReply ticket = client.Get("/v1/complaints/" + id);
    ASSERT_EQ(ticket.status, 200u) << ticket.body;
    const boost::json::value doc = ticket.Json();
    const auto& c = doc.as_object().at("complainant").as_object();
    EXPECT_EQ(c.at("name").as_string(), "Huang Xiaoming");
    EXPECT_EQ(c.at("phone").as_string(), "13987654321");
    EXPECT_EQ(c.at("personal_data").as_string(), "sealed");
    subject = c.at("data_subject").as_string().c_str();
    EXPECT_EQ(subject.size(), 36u);
    HttpReply events = client.Get("/v1/complaints/" + id + "/events");
    ASSERT_EQ(events.status, 200u) << events.body;
    EXPECT_NE(events.body.find("Huang Xiaoming"), std::string::npos);
    EXPECT_NE(events.body.find("13987654321"), std::string::npos);  // the correction, opened
    HttpReply timeline = client.Get("/v1/complaints/" + id + "/timeline");
    ASSERT_EQ(timeline.status, 200u) << timeline.body;
    EXPECT_NE(timeline.body.find("sealed personal data"), std::string::npos) << timeline.body;
    EXPECT_EQ(timeline.body.find("13987654321"), std::string::npos);

    client.SetBearer(reader);
    HttpReply redacted = client.Get("/v1/complaints/" + id);
    ASSERT_EQ(redacted.status, 200u) << redacted.body;
    EXPECT_EQ(redacted.body.find("Huang Xiaoming"), std::string::npos);
    EXPECT_EQ(redacted.body.find("13912345678"), std::string::npos);
    EXPECT_EQ(redacted.body.find("13987654321"), std::string::npos);
    HttpReply redacted_events = client.Get("/v1/complaints/" + id + "/events");
    EXPECT_EQ(redacted_events.body.find("13987654321"), std::string::npos);
    EXPECT_EQ(redacted_events.body.find(subject), std::string::npos);
    EXPECT_EQ(redacted.body.find(subject), std::string::npos);
    EXPECT_NE(redacted.body.find("[redacted]"), std::string::npos);
    EXPECT_EQ(server->Stop(), 0);
  }

  // `import` into this ledger seals too, and without the KEK it refuses.
  {
    const std::string line =
        R"({"type":"receive","actor":{"id":"u-cs-01","role":"cs_agent",)"
        R"("department":"customer_service"},"channel":"hotline",)"
        R"("complainant":{"name":"Imported Person",)"
        R"("phone":"13811110000"},"project":"p-lakeside","subject":"Noise",)"
        R"("description":"Night works","receiving_department":"customer_service",)"
        R"("occurred_at":"2026-03-02T09:00:00+08:00"})"
        "\n";
    const std::string file = dir_.Sub("lines.jsonl");
    { std::ofstream(file) << line; }
    auto refused = RunProcess({kLedgerctl, "--data", Data(), "import", file}, dir_.path());
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("--kek"), std::string::npos) << refused.err;
    auto imported =
        RunProcess({kLedgerctl, "--data", Data(), "import", file, "--kek", kek}, dir_.path());
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
  }

  // No event of the log holds the personal data in the clear.
  {
    ledger::Options o;
    o.read_only = true;
    auto log = ledger::EventLog::Open(Data(), o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    auto all = (*log)->ReadAll(1, 100000);
    ASSERT_TRUE(all.ok());
    std::string bytes;
    for (const auto& e : *all) bytes += e.stored_bytes();
    EXPECT_EQ(bytes.find("Huang Xiaoming"), std::string::npos);
    EXPECT_EQ(bytes.find("13912345678"), std::string::npos);
    EXPECT_EQ(bytes.find("12-1203"), std::string::npos);
    EXPECT_EQ(bytes.find("13987654321"), std::string::npos);
    EXPECT_EQ(bytes.find("Imported Person"), std::string::npos);
    EXPECT_EQ(bytes.find("13811110000"), std::string::npos);
    EXPECT_NE(bytes.find("Noise"), std::string::npos);  // the import did append
  }

  // The ledger has a keystore: without the KEK the server does not start.
  {
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    EXPECT_EQ(Serve(server, {}, &out), 0) << out;
    EXPECT_NE(testing_util::ReadWholeFile(dir_.path() + "/.bg.err").find("--kek"),
              std::string::npos);
  }

  // The subject's key erased (what the erasure action will do): the reads say so.
  {
    auto key = ledger::keystore::ReadKekFile(kek, "");
    ASSERT_TRUE(key.ok());
    auto ks = ledger::keystore::Keystore::Open(Data() + "/keystore", *key);
    ASSERT_TRUE(ks.ok()) << ks.status().ToString();
    ASSERT_TRUE((*ks)->Erase(subject).ok());
  }
  {
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    uint16_t port = Serve(server, {"--kek", kek}, &out);
    ASSERT_NE(port, 0) << out;
    HttpClient client("127.0.0.1", port);
    client.SetBearer(auditor);
    HttpReply ticket = client.Get("/v1/complaints/" + id);
    ASSERT_EQ(ticket.status, 200u) << ticket.body;
    const boost::json::value doc = ticket.Json();
    const auto& c = doc.as_object().at("complainant").as_object();
    EXPECT_EQ(c.at("name").as_string(), "[erased]");
    EXPECT_EQ(c.at("personal_data").as_string(), "erased");
    HttpReply events = client.Get("/v1/complaints/" + id + "/events");
    EXPECT_NE(events.body.find("[erased]"), std::string::npos);
    EXPECT_EQ(events.body.find("Huang Xiaoming"), std::string::npos);
    EXPECT_EQ(server->Stop(), 0);
  }
  auto verify = RunProcess({kLedgerctl, "--data", Data(), "verify"}, dir_.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

// Every key and value of every column family of the RocksDB database in `dir`, decompressed
// (the ledger compresses its tables: a raw scan alone could miss a compressed copy).
std::string EveryRecordOf(const std::string& dir) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status st =
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, families, &handles, &raw);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::string all;
  if (!st.ok()) return all;
  std::unique_ptr<rocksdb::DB> db(raw);
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      all += it->key().ToString();
      all += it->value().ToString();
    }
    (void)db->DestroyColumnFamilyHandle(h);
  }
  return all;
}

// The whole path of a data subject's rights through the real server: a legal hold and an open
// complaint restrict an erasure (the data stays, shown only to the data-protection role); once
// the hold is lifted and the complaint closed past the retention period (0 years in this test's
// policy), the erasure is appended and the keys are gone; no file of the ledger (every record of
// every family, decompressed, and the raw bytes, snapshots included), of the keystore or of an
// export then holds the complainant's name, phone, unit or subject id; the log verifies; the
// record of reads lists exactly the answers that showed the data (the receive's own answer, the
// auditor's and the data-protection officer's reads; not the refused ones).
TEST_F(PersonalDataCli, ErasureRestrictionAndTheRecordOfReadsEndToEnd) {
  ASSERT_EQ(::mkdir(Data().c_str(), 0700), 0);
  const std::string kek = dir_.Sub("ledger.kek");
  ASSERT_EQ(RunProcess({kLedgerctl, "keystore", "new-kek", "--out", kek}, dir_.path()).exit_code,
            0);
  const std::string cs = Token("u-cs-01", "cs_agent", "customer_service");
  const std::string auditor = Token("u-audit", "auditor");
  const std::string dpo = Token("u-dpo", "data_protection");
  const std::string admin = Token("u-admin", "admin");
  std::string policy = testing_util::ReadWholeFile(std::string(LEDGER_SOURCE_DIR) +
                                                   "/ledger/domain/default_policy.json");
  const std::string three = "\"retention_years_after_closure\": 3";
  ASSERT_NE(policy.find(three), std::string::npos);
  policy.replace(policy.find(three), three.size(), "\"retention_years_after_closure\": 0");

  std::string id, subject;
  uint64_t erased_position = 0;
  {
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    uint16_t port = Serve(server, {"--kek", kek}, &out);
    ASSERT_NE(port, 0) << out;
    HttpClient client("127.0.0.1", port);
    client.SetBearer(admin);
    ASSERT_EQ(client.Post("/v1/policies", policy).status, 201u);
    client.SetBearer(cs);
    HttpReply made = client.Post("/v1/complaints", kReceive);
    ASSERT_EQ(made.status, 201u) << made.body;
    id = made.Json().at("id").as_string().c_str();

    client.SetBearer(auditor);  // read 2 (the receive's answer was 1): the auditor sees it
    EXPECT_EQ(client.Get("/v1/complaints/" + id).Json().at("complainant").at("name"),
              "Huang Xiaoming");
    client.SetBearer(dpo);
    HttpReply found = client.Post("/v1/privacy/lookup", R"({"phone":"139 1234 5678"})");
    ASSERT_EQ(found.status, 200u) << found.body;
    subject = found.Json().at("subject").as_string().c_str();
    auto act = [&](const std::string& type, const std::string& more = "") {
      return client.Post("/v1/privacy/actions", R"({"type":")" + type + R"(","subject":")" +
                                                    subject + R"(","reason":"test")" + more + "}");
    };
    ASSERT_EQ(act("place_legal_hold").status, 200u);
    HttpReply restricted = act("request_erasure");
    ASSERT_EQ(restricted.status, 200u) << restricted.body;
    EXPECT_EQ(restricted.Json().at("outcome"), "restricted");
    client.SetBearer(auditor);  // restricted: not for the auditor (no read recorded)
    const boost::json::value hidden = client.Get("/v1/complaints/" + id).Json();
    EXPECT_EQ(hidden.at("complainant").at("name"), "[restricted]");
    EXPECT_EQ(hidden.at("complainant").at("personal_data"), "restricted");
    client.SetBearer(dpo);  // read 3: the data-protection role still sees it
    EXPECT_EQ(client.Get("/v1/complaints/" + id).Json().at("complainant").at("name"),
              "Huang Xiaoming");
    // A cs agent may not act on subjects.
    client.SetBearer(cs);
    EXPECT_EQ(act("request_erasure").status, 403u);

    // Lift the hold and close the complaint: nothing holds the data any more.
    client.SetBearer(dpo);
    ASSERT_EQ(act("lift_legal_hold").status, 200u);
    client.SetBearer(cs);
    for (const char* step :
         {R"({"type":"assess_validity","valid":false,"reason":"misunderstanding"})",
          R"({"type":"respond","channel":"phone","summary":"explained"})",
          R"({"type":"close","basis":"invalid_explained"})"}) {
      HttpReply r = client.Post("/v1/complaints/" + id + "/actions", step);
      ASSERT_EQ(r.status, 200u) << step << "\n" << r.body;
    }
    client.SetBearer(dpo);
    HttpReply erased = act("request_erasure", R"(,"idempotency_key":"erase-1")");
    ASSERT_EQ(erased.status, 200u) << erased.body;
    EXPECT_EQ(erased.Json().at("outcome"), "erased");
    erased_position = erased.Json().at("position").to_number<uint64_t>();
    // The same request again: the first result, nothing appended.
    HttpReply retried = act("request_erasure", R"(,"idempotency_key":"erase-1")");
    EXPECT_EQ(retried.Json().at("position").to_number<uint64_t>(), erased_position);

    client.SetBearer(auditor);
    const boost::json::value gone = client.Get("/v1/complaints/" + id).Json();
    EXPECT_EQ(gone.at("complainant").at("name"), "[erased]");
    EXPECT_EQ(gone.at("complainant").at("erased_at_position").to_number<uint64_t>(),
              erased_position);
    HttpReply events = client.Get("/v1/complaints/" + id + "/events");
    EXPECT_EQ(events.body.find("Huang Xiaoming"), std::string::npos);
    EXPECT_NE(events.body.find("[erased]"), std::string::npos);

    // The record of reads: exactly the two reads that showed the data.
    HttpReply reads = client.Get("/v1/privacy/reads?subject=" + subject);
    ASSERT_EQ(reads.status, 200u) << reads.body;
    const boost::json::value reads_doc = reads.Json();
    const boost::json::array& rows = reads_doc.at("reads").as_array();
    ASSERT_EQ(rows.size(), 4u) << reads.body;
    EXPECT_EQ(rows[0].at("actor").at("id"), "u-cs-01");  // the receive's answer echoes it
    EXPECT_EQ(rows[0].at("route"), "POST /v1/complaints");
    EXPECT_EQ(rows[1].at("actor").at("id"), "u-audit");
    EXPECT_EQ(rows[1].at("route"), "GET /v1/complaints/{id}");
    EXPECT_EQ(rows[2].at("actor").at("id"), "u-dpo");  // the lookup: whose phone it is
    EXPECT_EQ(rows[2].at("route"), "POST /v1/privacy/lookup");
    EXPECT_EQ(rows[2].at("complaint").as_string(), "");
    EXPECT_EQ(rows[3].at("actor").at("id"), "u-dpo");
    for (size_t i : {0, 1, 3}) EXPECT_EQ(rows[i].at("complaint").as_string(), id);
    client.SetBearer(dpo);
    HttpReply sar = client.Get("/v1/privacy/subjects/" + subject);
    ASSERT_EQ(sar.status, 200u) << sar.body;
    EXPECT_EQ(sar.Json().at("record").at("erased"), true);
    EXPECT_EQ(sar.Json().at("complaints").as_array().size(), 1u);
    EXPECT_EQ(server->Stop(), 0);  // writes the projection snapshot
  }

  const std::string exported = dir_.Sub("export.jsonl");
  auto ex = RunProcess(
      {kLedgerctl, "--data", Data(), "export", "--complaint", id, "--out", exported, "--kek", kek},
      dir_.path());
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  const std::string export_text = testing_util::ReadWholeFile(exported);
  EXPECT_NE(export_text.find("[erased]"), std::string::npos);
  EXPECT_NE(export_text.find("\"erased_at_position\":" + std::to_string(erased_position)),
            std::string::npos);
  auto verify = RunProcess({kLedgerctl, "--data", Data(), "verify"}, dir_.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("record of reads: 4 entries"), std::string::npos) << verify.out;

  const std::string everything = EveryFileUnder(Data()) + EveryRecordOf(Data()) +
                                 EveryRecordOf(Data() + "/keystore") + export_text;
  for (const char* secret : {"Huang Xiaoming", "13912345678", "12-1203"})
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret;
  const std::string keystore = EveryFileUnder(Data() + "/keystore");
  EXPECT_EQ(keystore.find(subject), std::string::npos) << "the subject id in the keystore";

  // A read taken out of the record of reads (its entry rewritten to name another actor) is found.
  {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), Data(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), Data(), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* access = nullptr;
    for (rocksdb::ColumnFamilyHandle* h : handles)
      if (h->GetName() == "access") access = h;
    ASSERT_NE(access, nullptr);
    const std::string key = std::string("e") + std::string(7, '\0') + "\x02";
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), access, key, &value).ok());
    const size_t at = value.find("u-audit");
    ASSERT_NE(at, std::string::npos);
    value.replace(at, 7, "u-other");
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), access, key, value).ok());
    for (rocksdb::ColumnFamilyHandle* h : handles) (void)db->DestroyColumnFamilyHandle(h);
  }
  auto tampered = RunProcess({kLedgerctl, "--data", Data(), "verify"}, dir_.path());
  EXPECT_EQ(tampered.exit_code, 1) << tampered.out;
  EXPECT_NE(tampered.err.find("access entry 2"), std::string::npos) << tampered.err;
}

// A ledger that recorded personal data in the clear gets a keystore only by init, then its
// complaints recorded in the clear are sealed by `keystore migrate` (docs/privacy.md).
TEST_F(PersonalDataCli, ALedgerWithEventsGetsAKeystoreOnlyByInitThenMigrates) {
  ASSERT_EQ(::mkdir(Data().c_str(), 0700), 0);
  const std::string kek = dir_.Sub("ledger.kek");
  ASSERT_EQ(RunProcess({kLedgerctl, "keystore", "new-kek", "--out", kek}, dir_.path()).exit_code,
            0);
  const std::string cs = Token("u-cs-01", "cs_agent", "customer_service");
  const std::string auditor = Token("u-audit", "auditor");
  std::string clear_id, sealed_subject;
  {
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    uint16_t port = Serve(server, {}, &out);
    ASSERT_NE(port, 0) << out;
    EXPECT_NE(out.find("personal data: in the clear"), std::string::npos) << out;
    HttpClient client("127.0.0.1", port);
    client.SetBearer(cs);
    HttpReply made = client.Post("/v1/complaints", kReceive);
    ASSERT_EQ(made.status, 201u) << made.body;
    const boost::json::value doc = made.Json();
    clear_id = doc.as_object().at("id").as_string().c_str();
    EXPECT_EQ(server->Stop(), 0);
  }
  // The ledger has events: a missing keystore is not made silently (it could be one not restored).
  {
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    EXPECT_EQ(Serve(server, {"--kek", kek}, &out), 0) << out;
    EXPECT_NE(testing_util::ReadWholeFile(dir_.path() + "/.bg.err").find("keystore init"),
              std::string::npos);
  }
  auto init =
      RunProcess({kLedgerctl, "--data", Data(), "keystore", "init", "--kek", kek}, dir_.path());
  ASSERT_EQ(init.exit_code, 0) << init.err;
  {
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    uint16_t port = Serve(server, {"--kek", kek}, &out);
    ASSERT_NE(port, 0) << out;
    HttpClient client("127.0.0.1", port);
    client.SetBearer(cs);
    HttpReply made = client.Post("/v1/complaints", kReceive);
    ASSERT_EQ(made.status, 201u) << made.body;
    const boost::json::value doc = made.Json();
    const std::string sealed_id = doc.as_object().at("id").as_string().c_str();
    client.SetBearer(auditor);
    const boost::json::value old_ticket = client.Get("/v1/complaints/" + clear_id).Json();
    EXPECT_EQ(old_ticket.at("complainant").at("personal_data").as_string(), "clear");
    const boost::json::value new_ticket = client.Get("/v1/complaints/" + sealed_id).Json();
    EXPECT_EQ(new_ticket.at("complainant").at("personal_data").as_string(), "sealed");
    EXPECT_EQ(new_ticket.at("complainant").at("name").as_string(), "Huang Xiaoming");
    sealed_subject = new_ticket.at("complainant").at("data_subject").as_string().c_str();
    EXPECT_EQ(server->Stop(), 0);
  }

  // The migration: the complaint recorded in the clear is sealed for the subject of its phone,
  // by appending; run again, it has nothing left to do.
  auto migrate = [&] {
    return RunProcess(
        {kLedgerctl, "--data", Data(), "keystore", "migrate", "--kek", kek, "--actor", "u-dpo"},
        dir_.path());
  };
  auto first = migrate();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("sealed the personal data of 1 of 2 complaints"), std::string::npos)
      << first.out;
  EXPECT_NE(first.err.find("keep the clear bytes"), std::string::npos) << first.err;
  auto again = migrate();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("sealed the personal data of 0 of 2 complaints"), std::string::npos)
      << again.out;
  // The CLI's own reads hold no key: the intake recorded in the clear now shows "[sealed]".
  auto history =
      RunProcess({kLedgerctl, "--data", Data(), "history", clear_id, "--json"}, dir_.path());
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(history.out.find("Huang Xiaoming"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("[sealed]"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("PersonalDataSealed"), std::string::npos) << history.out;
  {
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    uint16_t port = Serve(server, {"--kek", kek}, &out);
    ASSERT_NE(port, 0) << out;
    HttpClient client("127.0.0.1", port);
    client.SetBearer(auditor);
    const boost::json::value ticket = client.Get("/v1/complaints/" + clear_id).Json();
    EXPECT_EQ(ticket.at("complainant").at("personal_data").as_string(), "sealed");
    EXPECT_EQ(ticket.at("complainant").at("name").as_string(), "Huang Xiaoming");
    EXPECT_EQ(ticket.at("complainant").at("data_subject").as_string(), sealed_subject)
        << "one person, recorded before and after sealing: one subject";
    EXPECT_EQ(server->Stop(), 0);
  }
  auto verify = RunProcess({kLedgerctl, "--data", Data(), "verify"}, dir_.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(PersonalDataCli, TheLedgerRemembersItsKeystoreWhereverItLives) {
  ASSERT_EQ(::mkdir(Data().c_str(), 0700), 0);
  const std::string kek = dir_.Sub("ledger.kek"), elsewhere = dir_.Sub("keys-elsewhere");
  ASSERT_EQ(RunProcess({kLedgerctl, "keystore", "new-kek", "--out", kek}, dir_.path()).exit_code,
            0);
  const std::string err = dir_.path() + "/.bg.err";
  {
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    ASSERT_NE(Serve(server, {"--kek", kek, "--keystore", elsewhere}, &out), 0) << out;
    EXPECT_NE(out.find("sealed (keystore " + elsewhere), std::string::npos) << out;
    EXPECT_EQ(server->Stop(), 0);
  }
  {  // Without the KEK: refused, though DIR/keystore does not exist.
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    EXPECT_EQ(Serve(server, {}, &out), 0) << out;
    EXPECT_NE(testing_util::ReadWholeFile(err).find("--kek"), std::string::npos);
  }
  {  // With it, the keystore is found where the ledger says.
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    ASSERT_NE(Serve(server, {"--kek", kek}, &out), 0) << testing_util::ReadWholeFile(err);
    EXPECT_NE(out.find("sealed (keystore " + elsewhere), std::string::npos) << out;
    EXPECT_EQ(server->Stop(), 0);
  }
  // A restored ledger names its keystore too: it does not start in the clear.
  auto backup =
      RunProcess({kLedgerctl, "--data", Data(), "backup", dir_.Sub("backups")}, dir_.path());
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("keystore.ref"), std::string::npos) << backup.out;
  auto restore =
      RunProcess({kLedgerctl, "restore", dir_.Sub("backups"), dir_.Sub("restored")}, dir_.path());
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  {
    auto in_clear = RunProcess({kLedgerctl, "--data", dir_.Sub("restored"), "serve", "--listen",
                                "127.0.0.1:0", "--min-free-bytes", "0"},
                               dir_.path());
    EXPECT_EQ(in_clear.exit_code, 2) << in_clear.out;
    EXPECT_NE(in_clear.err.find("--kek"), std::string::npos) << in_clear.err;
  }
  // A keystore gone missing is not replaced by an empty one.
  ASSERT_EQ(::rename(elsewhere.c_str(), (elsewhere + "-moved").c_str()), 0);
  {
    std::unique_ptr<BackgroundProcess> server;
    std::string out;
    EXPECT_EQ(Serve(server, {"--kek", kek}, &out), 0) << out;
    EXPECT_NE(testing_util::ReadWholeFile(err).find("restore it"), std::string::npos)
        << testing_util::ReadWholeFile(err);
  }
}

// `ledgerctl demo --kek` (what tools/demo.sh runs) generates the demo sealed: the CLI's own reads
// show "[sealed]", the keystore holds the subjects' keys, and the ledger is not served without
// its KEK.
TEST_F(PersonalDataCli, TheDemoWithAKekIsGeneratedSealed) {
  const std::string kek = dir_.Sub("demo.kek");
  ASSERT_EQ(RunProcess({kLedgerctl, "keystore", "new-kek", "--out", kek}, dir_.path()).exit_code,
            0);
  auto demo = RunProcess(
      {kLedgerctl, "--data", Data(), "demo", "--complaints", "20", "--kek", kek, "--no-serve"},
      dir_.path());
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  auto history = RunProcess({kLedgerctl, "--data", Data(), "history", "CMP-2026-000001", "--json"},
                            dir_.path());
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_NE(history.out.find(R"("name":"[sealed]")"), std::string::npos) << history.out;
  auto audit =
      RunProcess({kLedgerctl, "--data", Data(), "keystore", "audit", "--kek", kek}, dir_.path());
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_GT(std::count(audit.out.begin(), audit.out.end(), '\n'), 1) << audit.out;
  std::unique_ptr<BackgroundProcess> server;
  std::string out;
  EXPECT_EQ(Serve(server, {}, &out), 0) << out;
  EXPECT_NE(testing_util::ReadWholeFile(dir_.path() + "/.bg.err").find("--kek"), std::string::npos);
}

}  // namespace

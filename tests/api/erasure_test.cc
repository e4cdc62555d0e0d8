// Erasure, restriction and legal holds (docs/privacy.md), over a real log and keystore: an
// erasure asked for under a legal hold, while a complaint is open or inside the retention period
// after closure is recorded and answered "restricted", and the data stays; once nothing holds it,
// SubjectErased is appended and the subject's keys are gone from every file of the keystore;
// the log verifies with the same proofs; a restored older keystore is erased again on open; the
// record of reads lists exactly the reads that showed personal data.
#include <gtest/gtest.h>

#include <filesystem>

#include "api/services/payload_json.h"
#include "api/services/personal_data.h"
#include "api/services/views_json.h"
#include "ledger/domain/evolve.h"
#include "projections/timeline.h"
#include "testing/ledger_fixture.h"

namespace {

using testing_util::EveryFileUnder;

using api::OpenedComplainant;
using testing_util::CsAgentActor;
using testing_util::DataProtectionActor;
using testing_util::LedgerFixture;

const auto Receive = testing_util::ReceiveFrom;
const auto StateOf = testing_util::FoldedState;

// The shortest way to closure: an invalid complaint, explained to the customer.
void CloseAsInvalid(LedgerFixture& f, const std::string& id) {
  f.Do(R"({"type":"assess_validity","valid":false,"reason":"misunderstanding"})", CsAgentActor(),
       id);
  f.Do(R"({"type":"respond","channel":"phone","summary":"explained the warranty terms"})",
       CsAgentActor(), id);
  f.Do(R"({"type":"close","basis":"invalid_explained"})", CsAgentActor(), id);
}

std::string Erasure(const std::string& subject) {
  return R"({"type":"request_erasure","subject":")" + subject +
         R"(","reason":"the subject asked"})";
}

constexpr const char* kSealClear =
    R"({"type":"seal_personal_data","reason":"migration to sealed personal data"})";

// The payload of `e` as `viewer` is shown it, through `vault`.
boost::json::object PayloadFor(const ledger::RecordedEvent& e, const api::PersonalDataVault* vault,
                               const api::Principal& viewer) {
  auto json = api::DomainPayloadRenderer(std::chrono::hours(8), vault)(e, &viewer);
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  return json.ok() && json->is_object() ? json->as_object() : boost::json::object{};
}

std::vector<std::string> TypesOf(const api::ActionOutcome& r) {
  std::vector<std::string> out;
  for (const auto& e : r.events) out.emplace_back(e.type());
  return out;
}

std::string KeyBytes(LedgerFixture& f, const std::string& subject) {
  auto key = f.keystore()->Key(subject, 1);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return key.ok() ? std::string(key->bytes()) : "";
}

TEST(Erasure, UnderALegalHoldOrRetentionItIsRestrictedThenErasedWhenNothingHoldsIt) {
  LedgerFixture f;
  f.UseKeystore();
  api::ActionOutcome r = f.Do(Receive("Zhou Min", "13600001111", "4-404"), CsAgentActor());
  const std::string subject = StateOf(f, r.id).complainant.subject;
  const std::string key = KeyBytes(f, subject);
  ASSERT_EQ(key.size(), 32u);
  auto before = f.log().Verify();
  ASSERT_TRUE(before.ok() && before->ok);

  // Only the data-protection role acts on subjects.
  EXPECT_EQ(f.Try(Erasure(subject), CsAgentActor()).status().code(),
            ledger::Code::kPermissionDenied);
  // An unknown subject is refused, naming the field.
  auto unknown = f.Try(Erasure("s-unknown"), DataProtectionActor());
  ASSERT_EQ(unknown.status().code(), ledger::Code::kFailedPrecondition);
  EXPECT_EQ(unknown.status().errors().front().rule, "unknown_subject");

  f.Do(R"({"type":"place_legal_hold","subject":")" + subject +
           R"(","reason":"litigation","reference":"(2026) 01"})",
       DataProtectionActor());
  auto twice =
      f.Try(R"({"type":"place_legal_hold","subject":")" + subject + R"(","reason":"again"})",
            DataProtectionActor());
  ASSERT_EQ(twice.status().code(), ledger::Code::kFailedPrecondition);
  EXPECT_EQ(twice.status().errors().front().rule, "already_held");

  // Held and open: restricted on both grounds; the key stays.
  api::ActionOutcome held = f.Do(Erasure(subject), DataProtectionActor());
  EXPECT_EQ(TypesOf(held), (std::vector<std::string>{"ErasureRequested", "ProcessingRestricted"}));
  EXPECT_EQ(held.id, "privacy");
  EXPECT_EQ(KeyBytes(f, subject), key);

  f.Do(R"({"type":"lift_legal_hold","subject":")" + subject + R"(","reason":"settled"})",
       DataProtectionActor());
  auto not_held =
      f.Try(R"({"type":"lift_legal_hold","subject":")" + subject + R"(","reason":"again"})",
            DataProtectionActor());
  EXPECT_EQ(not_held.status().errors().front().rule, "not_held");

  // Closed yesterday: inside the retention period (3 years after closure, the default policy).
  CloseAsInvalid(f, r.id);
  f.Advance(std::chrono::hours(24));
  api::ActionOutcome retained = f.Do(Erasure(subject), DataProtectionActor());
  EXPECT_EQ(TypesOf(retained),
            (std::vector<std::string>{"ErasureRequested", "ProcessingRestricted"}));
  EXPECT_EQ(KeyBytes(f, subject), key);
  {
    auto events = f.log().ReadStreamForward("privacy", 1, 100);
    ledger::domain::PrivacyState p;
    for (const auto& e : *events) ledger::domain::EvolvePrivacy(p, *ledger::domain::ViewOf(e));
    const ledger::domain::SubjectRecord* rec = p.Find(subject);
    ASSERT_NE(rec, nullptr);
    EXPECT_TRUE(rec->restricted);
    EXPECT_EQ(rec->grounds, (std::vector<std::string>{"retention"}));
    EXPECT_EQ(rec->visible_to, (std::vector<std::string>{"data_protection"}));
    // Three calendar years after the closure, at its time of day.
    const ledger::Time closed = StateOf(f, r.id).cycles.back().clock.closed->at;
    EXPECT_EQ(ledger::CivilDate(rec->restricted_until, std::chrono::hours(8)).year(),
              ledger::CivilDate(closed, std::chrono::hours(8)).year() + std::chrono::years(3));
  }

  // Three years and a day later nothing holds it: erased, and the key is gone everywhere.
  f.Advance(std::chrono::hours(24 * (3 * 365 + 2)));
  api::ActionOutcome erased = f.Do(Erasure(subject), DataProtectionActor());
  EXPECT_EQ(TypesOf(erased), (std::vector<std::string>{"ErasureRequested", "SubjectErased"}));
  EXPECT_EQ(f.keystore()->Key(subject, 1).status().code(), ledger::Code::kNotFound);
  const std::string keystore_bytes = EveryFileUnder(f.dir().Sub("keystore"));
  EXPECT_EQ(keystore_bytes.find(key), std::string::npos) << "the data key";
  EXPECT_EQ(keystore_bytes.find(subject), std::string::npos) << "the subject id";
  // The log still verifies, its earlier root is still a prefix of it, and nothing more can be
  // done for the subject.
  auto after = f.log().Verify();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->ok);
  auto consistent = f.log().ConsistencyProof(before->checked, after->checked);
  EXPECT_TRUE(consistent.ok()) << consistent.status().ToString();
  auto again = f.Try(Erasure(subject), DataProtectionActor());
  EXPECT_EQ(again.status().errors().front().rule, "erased");
}

TEST(Erasure, RestoringAnOlderKeystoreErasesTheSubjectAgainOnOpen) {
  LedgerFixture f;
  f.UseKeystore();
  f.At("2026-03-02T09:30:00+08:00");
  api::ActionOutcome r = f.Do(Receive("Qian Yu", "13522223333", "8-808"), CsAgentActor());
  const std::string subject = StateOf(f, r.id).complainant.subject;
  CloseAsInvalid(f, r.id);
  const std::string copy = f.dir().Sub("keystore-copy");
  ASSERT_TRUE(f.keystore()->CopyTo(copy).ok());
  f.Advance(std::chrono::hours(24 * 365 * 4));
  api::ActionOutcome erased = f.Do(Erasure(subject), DataProtectionActor());
  ASSERT_EQ(TypesOf(erased).back(), "SubjectErased");
  // The older copy still holds the key; restored in place of the keystore, it is erased again
  // by the reconciliation every open runs (ledgerctl serve and import).
  f.Close();
  std::filesystem::remove_all(f.dir().Sub("keystore"));
  std::filesystem::rename(copy, f.dir().Sub("keystore"));
  f.Open();
  f.UseKeystore();
  ASSERT_TRUE(f.keystore()->Key(subject, 1).ok()) << "the restored copy holds the key";
  auto again = api::ReconcileErasures(f.log(), *f.keystore());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 1u);
  EXPECT_EQ(f.keystore()->Key(subject, 1).status().code(), ledger::Code::kNotFound);
  auto twice = api::ReconcileErasures(f.log(), *f.keystore());
  EXPECT_EQ(*twice, 0u);
}

TEST(Erasure, TheRecordOfReadsListsExactlyTheReadsThatShowedPersonalData) {
  LedgerFixture f;
  f.UseKeystore();
  api::ActionOutcome a = f.Do(Receive("Sun Hao", "13744445555", "6-606"), CsAgentActor());
  api::ActionOutcome b = f.Do(Receive("Lin Yue", "13788889999", "6-607"), CsAgentActor());
  const ledger::domain::ComplaintState sa = StateOf(f, a.id), sb = StateOf(f, b.id);
  api::PrivacyRegister privacy(&f.log());
  ledger::AccessRecord reads(&f.log(), &f.clock());
  f.vault()->Attach(&privacy, &reads);
  auto view = [&](const api::Principal& who) {
    return api::ViewContext{std::chrono::hours(8), &who, f.vault()};
  };
  const api::Principal auditor{{"u-audit", "auditor", ""}, api::Role::kAuditor, "", "GET /t"};
  const api::Principal reader{{"u-read", "reader", ""}, api::Role::kReader, "", "GET /t"};
  const api::Principal cs{CsAgentActor(), api::Role::kCsAgent, "", "GET /v1/complaints/{id}"};
  const api::Principal dpo{DataProtectionActor(), api::Role::kDataProtection, "", "GET /s"};

  EXPECT_EQ(api::ComplainantToJson(sa.complainant, a.id, view(auditor)).at("name"), "Sun Hao");
  EXPECT_EQ(api::ComplainantToJson(sa.complainant, a.id, view(reader)).at("name"), "[redacted]");
  EXPECT_EQ(api::ComplainantToJson(sb.complainant, b.id, view(cs)).at("name"), "Lin Yue");

  // b restricted (an open complaint): cs no longer sees it; the data-protection role does.
  f.Do(Erasure(sb.complainant.subject), DataProtectionActor());
  auto shown_cs = api::ComplainantToJson(sb.complainant, b.id, view(cs));
  EXPECT_EQ(shown_cs.at("name"), "[restricted]");
  EXPECT_EQ(shown_cs.at("personal_data"), "restricted");
  auto shown_dpo = api::ComplainantToJson(sb.complainant, b.id, view(dpo));
  EXPECT_EQ(shown_dpo.at("name"), "Lin Yue");
  EXPECT_EQ(shown_dpo.at("personal_data"), "restricted");

  // A later complaint of the same person is not restricted: the request named b only.
  api::ActionOutcome c = f.Do(Receive("Lin Yue", "13788889999", "6-607"), CsAgentActor());
  const ledger::domain::ComplaintState sc = StateOf(f, c.id);
  ASSERT_EQ(sc.complainant.subject, sb.complainant.subject);
  auto later = api::ComplainantToJson(sc.complainant, c.id, view(cs));
  EXPECT_EQ(later.at("name"), "Lin Yue");
  EXPECT_EQ(later.at("personal_data"), "sealed");

  auto all = reads.Find({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 4u);  // auditor a, cs b, dpo b, cs c: not the reader nor the refused cs
  EXPECT_EQ((*all)[0].actor.id, "u-audit");
  EXPECT_EQ((*all)[0].subject, sa.complainant.subject);
  EXPECT_EQ((*all)[0].complaint, a.id);
  EXPECT_EQ((*all)[1].actor.id, "u-cs-1");
  EXPECT_EQ((*all)[1].route, "GET /v1/complaints/{id}");
  EXPECT_EQ((*all)[2].actor.id, "u-dpo");
  ledger::AccessQuery of_b;
  of_b.subject = sb.complainant.subject;
  EXPECT_EQ(reads.Find(of_b)->size(), 3u);  // the subject's: b twice, then c
  ledger::AccessQuery by_auditor;
  by_auditor.actor = "u-audit";
  EXPECT_EQ(reads.Find(by_auditor)->size(), 1u);
  EXPECT_EQ(*reads.Verify(), 4u);
}

TEST(Erasure, AComplaintRecordedInTheClearBecomesTheSubjectsWithASealedCorrection) {
  LedgerFixture f;
  api::ActionOutcome r = f.Do(Receive("He Jun", "13300001111", "2-201"), CsAgentActor());
  f.UseKeystore();
  f.Do(R"({"type":"correct","event":)" + std::to_string(r.position) +
           R"(,"field":"complainant.phone","value":"13300002222","reason":"typo"})",
       CsAgentActor(), r.id);
  const ledger::domain::ComplaintState state = StateOf(f, r.id);
  ASSERT_EQ(state.complainant.sealed.size(), 1u);  // the intake stays in the clear
  const std::string subject = state.complainant.sealed.front().subject;
  EXPECT_EQ(state.complainant.subject, subject) << "the complaint is the subject's now";
  auto facts = f.service().SubjectFacts(subject);
  ASSERT_TRUE(facts.has_value());
  ASSERT_EQ(facts->complaints.size(), 1u);
  EXPECT_EQ(facts->complaints[0].id, r.id);
  // Open: an erasure is restricted (retention), not refused as unknown.
  api::ActionOutcome asked = f.Do(Erasure(subject), DataProtectionActor());
  EXPECT_EQ(TypesOf(asked).back(), "ProcessingRestricted");
  // Erased later, its clear intake has nothing left to seal for it: refused, naming the rule
  // (ledgerctl keystore migrate counts such complaints and goes on).
  CloseAsInvalid(f, r.id);
  f.Advance(std::chrono::hours(24 * 365 * 4));
  ASSERT_EQ(TypesOf(f.Do(Erasure(subject), DataProtectionActor())).back(), "SubjectErased");
  // The intake's clear values are the erased subject's too: shown nowhere.
  api::PrivacyRegister privacy(&f.log());
  f.vault()->Attach(&privacy, nullptr);
  const api::Principal auditor{{"u-audit", "auditor", ""}, api::Role::kAuditor, "", "GET /t"};
  auto intake = f.log().ReadAt(r.position);
  ASSERT_TRUE(intake.ok());
  EXPECT_EQ(PayloadFor(*intake, f.vault(), auditor).at("complainant").at("name"), "[erased]");
  EXPECT_FALSE(f.vault()->ShowsStoredPayload(*intake, auditor));
  auto sealing = f.Try(kSealClear, DataProtectionActor(), r.id);
  ASSERT_EQ(sealing.status().code(), ledger::Code::kFailedPrecondition);
  EXPECT_EQ(sealing.status().errors().front().rule, "erased");
}

TEST(SealingClearData, IsRefusedWhereNothingIsSealedAndWhereNothingIsClear) {
  LedgerFixture f;
  api::ActionOutcome r = f.Do(Receive("Fang Li", "13100001111", "1-101"), CsAgentActor());
  auto unsealed = f.Try(kSealClear, DataProtectionActor(), r.id);
  ASSERT_EQ(unsealed.status().code(), ledger::Code::kFailedPrecondition);
  EXPECT_EQ(unsealed.status().errors().front().rule, "not_sealing");
  f.UseKeystore();
  EXPECT_EQ(f.Try(kSealClear, CsAgentActor(), r.id).status().code(),
            ledger::Code::kPermissionDenied);
  auto no_reason = f.Try(R"({"type":"seal_personal_data"})", DataProtectionActor(), r.id);
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.status().errors().front().field, "reason");
  f.Do(kSealClear, DataProtectionActor(), r.id);
  auto twice = f.Try(kSealClear, DataProtectionActor(), r.id);
  ASSERT_EQ(twice.status().code(), ledger::Code::kFailedPrecondition);
  EXPECT_EQ(twice.status().errors().front().rule, "not_clear");
  // A complaint sealed at intake has nothing in the clear either.
  api::ActionOutcome sealed = f.Do(Receive("Fang Li", "13100001111", "1-101"), CsAgentActor());
  EXPECT_EQ(f.Try(kSealClear, DataProtectionActor(), sealed.id).status().errors().front().rule,
            "not_clear");
}

// A ledger that recorded personal data in the clear before sealing: the migration appends
// PersonalDataSealed; the complaint becomes the subject's of the same phone (the repeat rule and
// erasure see one person); every answer then shows the clear events' data as the subject's, and
// once the subject is erased nothing the ledger answers shows it. The clear bytes stay in the log.
TEST(SealingClearData, AfterTheMigrationErasureHidesClearRecordedDataWhereverTheLedgerAnswers) {
  LedgerFixture f;
  api::ActionOutcome a = f.Do(Receive("Wu Lei", "13911112222", "9-901"), CsAgentActor());
  api::ActionOutcome fixed =
      f.Do(R"({"type":"correct","event":)" + std::to_string(a.position) +
               R"(,"field":"complainant.phone","value":"13911113333","reason":"typo"})",
           CsAgentActor(), a.id);
  api::ActionOutcome b = f.Do(Receive("Gao Ping", "13800000000", "1-102"), CsAgentActor());
  f.UseKeystore();
  api::ActionOutcome c = f.Do(Receive("Wu Lei", "13911113333", "9-901"), CsAgentActor());
  const std::string subject = StateOf(f, c.id).complainant.subject;
  ASSERT_FALSE(subject.empty());
  // Before the migration the clear complaint is nobody's subject.
  ASSERT_EQ(f.service().SubjectFacts(subject)->complaints.size(), 1u);

  api::ActionOutcome migrated = f.Do(kSealClear, DataProtectionActor(), a.id);
  EXPECT_EQ(TypesOf(migrated), (std::vector<std::string>{"PersonalDataSealed"}));
  const ledger::domain::ComplaintState sa = StateOf(f, a.id);
  EXPECT_EQ(sa.complainant.subject, subject) << "found by the corrected phone";
  EXPECT_TRUE(sa.complainant.name.empty() && sa.complainant.phone.empty() &&
              sa.complainant.unit.empty());
  for (const auto& corr : sa.corrections) EXPECT_EQ(std::string(corr.value), "");
  auto facts = f.service().SubjectFacts(subject);
  ASSERT_EQ(facts->complaints.size(), 2u);
  EXPECT_EQ(facts->complaints[0].id, c.id);
  EXPECT_EQ(facts->complaints[1].id, a.id);

  api::PrivacyRegister privacy(&f.log());
  ledger::AccessRecord reads(&f.log(), &f.clock());
  f.vault()->Attach(&privacy, &reads);
  const api::Principal auditor{{"u-audit", "auditor", ""}, api::Role::kAuditor, "", "GET /t"};
  const api::ViewContext view{std::chrono::hours(8), &auditor, f.vault()};
  auto ticket = api::ComplainantToJson(sa.complainant, a.id, view);
  EXPECT_EQ(ticket.at("name"), "Wu Lei");
  EXPECT_EQ(ticket.at("phone"), "13911113333");
  EXPECT_EQ(ticket.at("personal_data"), "sealed");
  // The intake's clear payload is shown as recorded, and read as the subject's.
  auto intake = f.log().ReadAt(a.position);
  ASSERT_TRUE(intake.ok());
  auto shown = PayloadFor(*intake, f.vault(), auditor);
  EXPECT_EQ(shown.at("complainant").at("phone"), "13911112222");
  auto read = reads.Find({});
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[1].subject, subject);
  EXPECT_EQ((*read)[1].complaint, a.id);
  // Its stored bytes (a raw Cap'n Proto envelope) too, recorded as a read of the subject.
  EXPECT_TRUE(f.vault()->ShowsStoredPayload(*intake, auditor));
  EXPECT_EQ(reads.Find({})->size(), 3u);
  // b was not migrated: still shown as recorded, read as data in the clear.
  EXPECT_EQ(api::ComplainantToJson(StateOf(f, b.id).complainant, b.id, view).at("name"),
            "Gao Ping");

  // Both complaints closed, four years on: the erasure covers the migrated complaint too.
  CloseAsInvalid(f, a.id);
  CloseAsInvalid(f, c.id);
  f.Advance(std::chrono::hours(24 * 365 * 4));
  api::ActionOutcome erased = f.Do(Erasure(subject), DataProtectionActor());
  ASSERT_EQ(TypesOf(erased).back(), "SubjectErased");
  const uint64_t at = erased.events.back().position();
  const size_t reads_before = reads.Find({})->size();

  auto gone = api::ComplainantToJson(StateOf(f, a.id).complainant, a.id, view);
  EXPECT_EQ(gone.at("name"), "[erased]");
  EXPECT_EQ(gone.at("personal_data"), "erased");
  auto intake_after = PayloadFor(*intake, f.vault(), auditor);
  EXPECT_EQ(intake_after.at("complainant").at("name"), "[erased]");
  EXPECT_EQ(intake_after.at("complainant").at("phone"), "[erased]");
  EXPECT_EQ(intake_after.at("erased_at_position"), at);
  auto correction = PayloadFor(*f.log().ReadAt(fixed.position), f.vault(), auditor);
  EXPECT_EQ(correction.at("value"), "[erased]");
  EXPECT_EQ(correction.at("previous_value"), "[erased]");
  auto seal_event = PayloadFor(*f.log().ReadAt(migrated.position), f.vault(), auditor);
  EXPECT_EQ(seal_event.at("complainant").at("name"), "[erased]");
  EXPECT_FALSE(f.vault()->ShowsStoredPayload(*intake, auditor)) << "withheld from raw envelopes";
  EXPECT_FALSE(f.vault()->ShowsStoredPayload(*f.log().ReadAt(fixed.position), auditor));
  EXPECT_TRUE(f.vault()->ShowsStoredPayload(*f.log().ReadAt(migrated.position), auditor))
      << "sealed: ciphertext only";
  // Without a keystore (ledgerctl's own reads) the same.
  api::PersonalDataVault no_keys(nullptr);
  no_keys.Attach(&privacy, nullptr);
  EXPECT_EQ(PayloadFor(*intake, &no_keys, auditor).at("complainant").at("unit"), "[erased]");
  EXPECT_EQ(reads.Find({})->size(), reads_before) << "nothing shown, nothing recorded";
  // The timeline never quotes a correction of personal data.
  auto events = f.log().ReadStreamForward(a.id, 1, 100);
  for (const auto& e : *events)
    EXPECT_EQ(projections::Describe(*ledger::domain::ViewOf(e)).find("1391111"), std::string::npos);
  // History is not rewritten: the log verifies, and the intake's bytes are as they were.
  auto verified = f.log().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok);
  EXPECT_NE(intake->canonical_bytes().find("13911112222"), std::string::npos);
}

}  // namespace

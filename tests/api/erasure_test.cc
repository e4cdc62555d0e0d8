// Erasure, restriction and legal holds (docs/privacy.md), over a real log and keystore: an
// erasure asked for under a legal hold, while a complaint is open or inside the retention period
// after closure is recorded and answered "restricted", and the data stays; once nothing holds it,
// SubjectErased is appended and the subject's keys are gone from every file of the keystore;
// the log verifies with the same proofs; a restored older keystore is erased again on open; the
// record of reads lists exactly the reads that showed personal data.
#include <gtest/gtest.h>

#include <filesystem>

#include "api/services/personal_data.h"
#include "api/services/views_json.h"
#include "ledger/domain/evolve.h"
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
  auto facts = f.service().SubjectFacts(subject);
  ASSERT_TRUE(facts.has_value());
  ASSERT_EQ(facts->complaints.size(), 1u);
  EXPECT_EQ(facts->complaints[0].id, r.id);
  // Open: an erasure is restricted (retention), not refused as unknown.
  api::ActionOutcome asked = f.Do(Erasure(subject), DataProtectionActor());
  EXPECT_EQ(TypesOf(asked).back(), "ProcessingRestricted");
}

}  // namespace

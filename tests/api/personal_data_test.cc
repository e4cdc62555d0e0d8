// Personal data sealed per data subject (docs/privacy.md): with a keystore, no event the log
// records holds a complainant's name, phone or unit in the clear; the state keeps only the sealed
// pieces and the vault opens them; the same phone is the same subject; a sealed piece moved to
// another complaint or event does not open; an erased key reads as erased and the log still
// verifies.
#include "api/services/personal_data.h"

#include <gtest/gtest.h>

#include "ledger/domain/evolve.h"
#include "testing/ledger_fixture.h"

namespace {

using api::OpenedComplainant;
using testing_util::CsAgentActor;
using testing_util::LedgerFixture;

const auto Receive = testing_util::ReceiveFrom;
const auto StateOf = testing_util::FoldedState;

// Every stored byte of every event of the log, concatenated.
std::string AllEventBytes(LedgerFixture& f) {
  auto all = f.log().ReadAll(1, 100000);
  EXPECT_TRUE(all.ok());
  std::string bytes;
  for (const auto& e : *all) bytes += e.stored_bytes();
  return bytes;
}

TEST(PersonalData, SealedIntakeRecordsNoPersonalDataInTheClear) {
  LedgerFixture f;
  f.UseKeystore();
  api::ActionOutcome r = f.Do(Receive("Zhang Weiqiang", "138-1234-5678", "7-1201"), CsAgentActor());
  const std::string bytes = AllEventBytes(f);
  for (const char* secret : {"Zhang Weiqiang", "138-1234-5678", "7-1201"})
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;

  ledger::domain::ComplaintState s = StateOf(f, r.id);
  EXPECT_TRUE(s.complainant.name.empty());
  EXPECT_EQ(s.complainant.subject.size(), 36u);
  ASSERT_EQ(s.complainant.sealed.size(), 1u);
  EXPECT_EQ(s.complainant.sealed[0].type, "ComplaintReceived");
  auto opened = f.vault()->Open(s.complainant, r.id);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->state, OpenedComplainant::State::kOpened);
  EXPECT_EQ(opened->name, "Zhang Weiqiang");
  EXPECT_EQ(opened->phone, "138-1234-5678");
  EXPECT_EQ(opened->unit, "7-1201");
  EXPECT_EQ(opened->subject, s.complainant.subject);
  // The event carries the commitment to the subject's key that the keystore lists.
  auto keys = f.keystore()->List();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_NE(bytes.find(std::string(ledger::AsBytes((*keys)[0].commitment))), std::string::npos);
  EXPECT_TRUE(f.log().Verify()->ok);
}

TEST(PersonalData, TheSamePhoneIsTheSameSubject) {
  LedgerFixture f;
  f.UseKeystore();
  std::string a = f.Do(Receive("Li Na", "138 1234 5678", "1-101"), CsAgentActor()).id;
  std::string b = f.Do(Receive("Li N.", "13812345678", "1-101"), CsAgentActor()).id;
  std::string c = f.Do(Receive("Li Na", "13900000000", "1-101"), CsAgentActor()).id;
  EXPECT_EQ(StateOf(f, a).complainant.subject, StateOf(f, b).complainant.subject);
  EXPECT_NE(StateOf(f, a).complainant.subject, StateOf(f, c).complainant.subject);
}

TEST(PersonalData, CorrectionsOfComplainantFieldsAreSealedToo) {
  LedgerFixture f;
  f.UseKeystore();
  api::ActionOutcome r = f.Do(Receive("Wang Fang", "13711112222", "3-303"), CsAgentActor());
  f.Do(R"({"type":"correct","event":)" + std::to_string(r.position) +
           R"(,"field":"complainant.phone","value":"13733334444","reason":"typo"})",
       CsAgentActor(), r.id);
  f.Do(R"({"type":"correct","event":)" + std::to_string(r.position) +
           R"(,"field":"complainant.is_owner","value":"true","reason":"deed seen"})",
       CsAgentActor(), r.id);
  const std::string bytes = AllEventBytes(f);
  EXPECT_EQ(bytes.find("13733334444"), std::string::npos);
  EXPECT_EQ(bytes.find("13711112222"), std::string::npos);
  ledger::domain::ComplaintState s = StateOf(f, r.id);
  ASSERT_EQ(s.complainant.sealed.size(), 2u);
  EXPECT_EQ(s.complainant.sealed[1].field, "complainant.phone");
  EXPECT_TRUE(s.complainant.is_owner);  // not personal data: in the clear
  auto opened = f.vault()->Open(s.complainant, r.id);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->phone, "13733334444");
  EXPECT_EQ(opened->name, "Wang Fang");
  // The corrected phone finds the same subject; the old one still does too.
  api::ActionOutcome later = f.Do(Receive("Wang Fang", "13733334444", "3-303"), CsAgentActor());
  EXPECT_EQ(StateOf(f, later.id).complainant.subject, s.complainant.subject);
  api::ActionOutcome old = f.Do(Receive("Wang Fang", "13711112222", "3-303"), CsAgentActor());
  EXPECT_EQ(StateOf(f, old.id).complainant.subject, s.complainant.subject);
  // Erasing the subject removes both lookups: either phone is a new subject then.
  ASSERT_TRUE(f.keystore()->Erase(s.complainant.subject).ok());
  EXPECT_FALSE(f.keystore()
                   ->FindSubject(ledger::keystore::ComplainantLookup("13733334444", ""))
                   ->has_value());
  EXPECT_FALSE(f.keystore()
                   ->FindSubject(ledger::keystore::ComplainantLookup("13711112222", ""))
                   ->has_value());
}

TEST(PersonalData, ASealedPieceMovedElsewhereDoesNotOpen) {
  LedgerFixture f;
  f.UseKeystore();
  api::ActionOutcome a = f.Do(Receive("Chen Jie", "13655556666", "9-909"), CsAgentActor());
  api::ActionOutcome b = f.Do(Receive("Chen Jie", "13655556666", "9-909"), CsAgentActor());
  ledger::domain::ComplaintState sa = StateOf(f, a.id), sb = StateOf(f, b.id);
  ASSERT_EQ(sa.complainant.subject, sb.complainant.subject);  // the same subject and key
  // A's sealed intake in B's complaint, or at another version, or as another event type.
  ledger::domain::ComplainantInfo moved = sb.complainant;
  moved.sealed[0].sealed = sa.complainant.sealed[0].sealed;
  EXPECT_TRUE(f.vault()->Open(sa.complainant, a.id).ok());
  EXPECT_EQ(f.vault()->Open(sa.complainant, b.id).status().code(), ledger::Code::kDataLoss);
  EXPECT_EQ(f.vault()->Open(moved, b.id).status().code(), ledger::Code::kDataLoss);
  ledger::domain::ComplainantInfo other_version = sa.complainant;
  other_version.sealed[0].version = 2;
  EXPECT_EQ(f.vault()->Open(other_version, a.id).status().code(), ledger::Code::kDataLoss);
  ledger::domain::ComplainantInfo other_type = sa.complainant;
  other_type.sealed[0].type = "EventCorrected";
  EXPECT_EQ(f.vault()->Open(other_type, a.id).status().code(), ledger::Code::kDataLoss);
  ledger::domain::ComplainantInfo flipped = sa.complainant;
  flipped.sealed[0].sealed[20] ^= 0x01;
  EXPECT_EQ(f.vault()->Open(flipped, a.id).status().code(), ledger::Code::kDataLoss);
}

TEST(PersonalData, AnErasedKeyReadsAsErasedAndTheLogStillVerifies) {
  LedgerFixture f;
  f.UseKeystore();
  api::ActionOutcome r = f.Do(Receive("Zhao Lei", "13577778888", "2-202"), CsAgentActor());
  ledger::domain::ComplaintState s = StateOf(f, r.id);
  auto before = f.log().Verify();
  ASSERT_TRUE(before.ok() && before->ok);
  ASSERT_TRUE(f.keystore()->Erase(s.complainant.subject).ok());
  auto opened = f.vault()->Open(s.complainant, r.id);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->state, OpenedComplainant::State::kErased);
  EXPECT_TRUE(opened->name.empty());
  EXPECT_TRUE(opened->phone.empty());
  EXPECT_EQ(opened->subject, s.complainant.subject);
  auto after = f.log().Verify();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->ok);
  EXPECT_EQ(after->tree_root, before->tree_root);
  // There is nothing left to correct.
  auto refused = f.Try(R"({"type":"correct","event":)" + std::to_string(r.position) +
                           R"(,"field":"complainant.name","value":"Zhao L.","reason":"typo"})",
                       CsAgentActor(), r.id);
  EXPECT_EQ(refused.status().code(), ledger::Code::kFailedPrecondition);
  // A new complaint from the same phone is a new subject.
  api::ActionOutcome again = f.Do(Receive("Zhao Lei", "13577778888", "2-202"), CsAgentActor());
  EXPECT_NE(StateOf(f, again.id).complainant.subject, s.complainant.subject);
}

TEST(PersonalData, WithoutAKeystoreNothingIsSealed) {
  LedgerFixture f;
  api::ActionOutcome r = f.Do(Receive("Sun Li", "13400001111", "5-505"), CsAgentActor());
  ledger::domain::ComplaintState s = StateOf(f, r.id);
  EXPECT_EQ(s.complainant.name, "Sun Li");
  EXPECT_TRUE(s.complainant.sealed.empty());
  api::PersonalDataVault none(nullptr);
  auto opened = none.Open(s.complainant, r.id);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->state, OpenedComplainant::State::kClear);
  EXPECT_EQ(opened->name, "Sun Li");
}

}  // namespace

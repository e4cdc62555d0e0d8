// Signed checkpoints (ledger/base/signed_note.h): the published example of Go's signed notes
// (golang.org/x/mod/sumdb/note, the format C2SP's signed-note standardises) signed and verified
// byte for byte; checkpoints read strictly; key files refused when others may read them or when
// they sit inside the ledger's directory.
#include "ledger/base/signed_note.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "testing/temp_dir.h"

namespace ledger::note {
namespace {

const std::string kGoVkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const std::string kGoSkey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const std::string kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kGoNote =
    kGoText +
    "\n\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZIn"
    "NIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

TEST(SignedNote, ThePublishedExampleIsReproducedAndVerified) {
  Result<NoteSigner> signer = NoteSigner::FromKeyText(kGoSkey);
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ(signer->VerifierKey(), kGoVkey);
  EXPECT_EQ(*signer->Sign(kGoText), kGoNote);  // Ed25519 is deterministic
  Result<NoteVerifier> v = NoteVerifier::FromVerifierKey(kGoVkey);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*OpenNote(kGoNote, {*v}), kGoText);
}

TEST(SignedNote, ChangedOrForeignNotesAreRefused) {
  NoteVerifier v = *NoteVerifier::FromVerifierKey(kGoVkey);
  std::string changed = kGoNote;
  changed.replace(changed.find("cryptography"), 12, "cryptographY");
  EXPECT_EQ(OpenNote(changed, {v}).status().code(), Code::kDataLoss);
  // Signed by a key we do not know (another log): refused, whatever it says.
  NoteSigner other =
      std::move(NoteSigner::FromKeyText(*NoteSigner::GenerateKeyFile("other.example/log")).value());
  Result<std::string> foreign = OpenNote(*other.Sign(kGoText), {v});
  EXPECT_NE(foreign.status().message().find("no key we know"), std::string::npos);
  // A second signature by an unknown key is ignored; ours still counts.
  std::string cosigned = *other.Sign(kGoText);
  cosigned += kGoNote.substr(kGoNote.rfind("\xE2\x80\x94"));
  EXPECT_EQ(*OpenNote(cosigned, {v}), kGoText);
  // Malformed: no blank line, no signature, a line that is not one.
  EXPECT_FALSE(OpenNote(kGoText, {v}).ok());
  EXPECT_FALSE(OpenNote(kGoText + "\n", {v}).ok());
  EXPECT_FALSE(OpenNote(kGoText + "\nnot a signature\n", {v}).ok());
  // A verifier key whose id does not match its key.
  EXPECT_FALSE(NoteVerifier::FromVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkm"
                                             "qq/LDE4izWy10TW")
                   .ok());
}

TEST(Checkpoint, TextRoundTripsAndIsReadStrictly) {
  Checkpoint c{"ledger.example/complaints", 833, Sha256("root")};
  std::string text = CheckpointText(c);
  EXPECT_EQ(text.substr(0, 30), "ledger.example/complaints\n833\n");
  EXPECT_EQ(*ParseCheckpointText(text), c);
  EXPECT_FALSE(ParseCheckpointText(text + "extension line\n").ok());
  EXPECT_FALSE(ParseCheckpointText("ledger.example/complaints\n0833\n" + text.substr(30)).ok());
  EXPECT_FALSE(ParseCheckpointText("ledger.example/complaints\n-1\n" + text.substr(30)).ok());
  EXPECT_FALSE(ParseCheckpointText("ledger.example/complaints\n833\nAAAA\n").ok());
  EXPECT_FALSE(ParseCheckpointText("has space\n833\n" + text.substr(30)).ok());
  EXPECT_FALSE(ParseCheckpointText(text.substr(0, text.size() - 1)).ok());  // no final newline
  EXPECT_FALSE(CheckOrigin("a+b").ok());
}

TEST(Checkpoint, SignedAndOpenedWithAGeneratedKey) {
  Result<std::string> file = NoteSigner::GenerateKeyFile("ledger.example/complaints");
  ASSERT_TRUE(file.ok());
  NoteSigner signer = std::move(NoteSigner::FromKeyText(*file).value());
  NoteVerifier v = *NoteVerifier::FromVerifierKey(signer.VerifierKey());
  Checkpoint c{"ledger.example/complaints", 42, Sha256("x")};
  std::string note = *signer.Sign(CheckpointText(c));
  EXPECT_EQ(*ParseCheckpointText(*OpenNote(note, {v})), c);
}

TEST(KeyFile, OnlyAPrivateFileOutsideTheLedgerIsAccepted) {
  testing_util::TempDir dir;
  const std::string key = dir.Sub("signing.key");
  std::ofstream(key) << *NoteSigner::GenerateKeyFile("ledger.example/complaints");
  ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
  EXPECT_TRUE(NoteSigner::FromKeyFile(key, dir.Sub("ledger")).ok());
  ASSERT_EQ(::chmod(key.c_str(), 0640), 0);
  Result<NoteSigner> loose = NoteSigner::FromKeyFile(key, dir.Sub("ledger"));
  EXPECT_EQ(loose.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(loose.status().message().find("chmod 600"), std::string::npos);
  ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
  EXPECT_EQ(NoteSigner::FromKeyFile(key, dir.path()).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(NoteSigner::FromKeyFile(dir.Sub("none"), "").status().code(), Code::kNotFound);
  std::ofstream(dir.Sub("bad.key")) << "PRIVATE+KEY+x+00000000+AAAA\n";
  ASSERT_EQ(::chmod(dir.Sub("bad.key").c_str(), 0600), 0);
  EXPECT_EQ(NoteSigner::FromKeyFile(dir.Sub("bad.key"), "").status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::note

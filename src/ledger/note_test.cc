// SPDX-License-Identifier: Apache-2.0
// Signed notes, checkpoints and proofs against the published example of golang.org/x/mod's
// sumdb/note (the same key, text and signature byte for byte), and forged, foreign-key and
// malformed inputs refused with a reason.
#include <gtest/gtest.h>

#include "ledger/checkpoint.h"
#include "ledger/note.h"

namespace moat::ledger {
namespace {

constexpr std::string_view kGoSigner =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kGoVerifier = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kGoText =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
constexpr std::string_view kGoNote =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n"
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

SignerKey key(std::string name, std::uint8_t fill, KeyType type = KeyType::kEd25519) {
  Seed seed{};
  seed.fill(fill);
  return signer_from_seed(std::move(name), type, seed);
}

TEST(Note, SignsAsGoSumdbNoteDoes) {
  auto signer = parse_signer_key(kGoSigner);
  ASSERT_TRUE(signer.ok()) << signer.error().to_string();
  EXPECT_EQ(signer->text(), kGoSigner);
  EXPECT_EQ(signer->verifier().text(), kGoVerifier);
  SignedNote note{std::string(kGoText), {sign_note(kGoText, *signer)}};
  EXPECT_EQ(note.format(), kGoNote);
}

TEST(Note, VerifiesGoSumdbNoteAndRefusesAlteredText) {
  auto verifier = parse_verifier_key(kGoVerifier);
  ASSERT_TRUE(verifier.ok());
  auto note = parse_note(kGoNote);
  ASSERT_TRUE(note.ok()) << note.error().to_string();
  const std::vector<VerifierKey> keys = {*verifier};
  EXPECT_EQ(check_signature(note->text, note->signatures[0], keys), SignatureCheck::kValid);
  EXPECT_EQ(check_signature(note->text + "!", note->signatures[0], keys), SignatureCheck::kInvalid);
  const std::vector<VerifierKey> other = {key("PeterNeumann", 7).verifier()};
  EXPECT_EQ(check_signature(note->text, note->signatures[0], other), SignatureCheck::kUnknownKey);
}

TEST(Note, RefusesMalformedKeysWithAReason) {
  EXPECT_FALSE(parse_verifier_key("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  EXPECT_FALSE(parse_verifier_key("PeterNeumann+c74f20a3").ok());
  EXPECT_FALSE(
      parse_verifier_key("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  EXPECT_FALSE(parse_signer_key(kGoVerifier).ok());
}

TEST(Checkpoint, SignsAndChecksATreeHead) {
  const SignerKey log = key("moat.example/ledger", 1);
  const Checkpoint head{"moat.example/ledger", 42, sha256("root"), {}};
  auto note = sign_checkpoint(head, log);
  ASSERT_TRUE(note.ok());
  const std::vector<VerifierKey> keys = {log.verifier()};
  const auto check = check_checkpoint(note->format(), keys);
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_EQ(check.checkpoint.size, 42u);
  EXPECT_EQ(check.checkpoint.root, head.root);
  EXPECT_EQ(check.checkpoint.text(), "moat.example/ledger\n42\n" + to_base64(head.root) + "\n");
}

TEST(Checkpoint, RefusesAForgedCheckpointAndAnotherKeys) {
  const SignerKey log = key("moat.example/ledger", 1);
  auto note = sign_checkpoint({"moat.example/ledger", 42, sha256("root"), {}}, log);
  ASSERT_TRUE(note.ok());
  const std::vector<VerifierKey> keys = {log.verifier()};
  std::string forged = note->format();
  forged.replace(forged.find("\n42\n"), 4, "\n43\n");
  const auto forged_check = check_checkpoint(forged, keys);
  EXPECT_FALSE(forged_check.ok);
  EXPECT_NE(forged_check.problem.find("does not verify"), std::string::npos) << forged_check.problem;
  auto other =
      sign_checkpoint({"moat.example/ledger", 42, sha256("root"), {}}, key("moat.example/ledger", 2));
  const auto other_check = check_checkpoint(other->format(), keys);
  EXPECT_FALSE(other_check.ok);
  EXPECT_NE(other_check.problem.find("not signed by any of the log's keys"), std::string::npos)
      << other_check.problem;
}

TEST(Checkpoint, CosignaturesAreCheckedWithTheWitnessKeys) {
  const SignerKey log = key("moat.example/ledger", 1);
  const SignerKey witness = key("counsel.example/w1", 9, KeyType::kCosignature);
  auto note = sign_checkpoint({"moat.example/ledger", 5, sha256("r"), {}}, log);
  ASSERT_TRUE(note.ok());
  note->signatures.push_back(cosign_note(note->text, witness, 1'795'000'000));
  const std::vector<VerifierKey> logs = {log.verifier()};
  const std::vector<VerifierKey> witnesses = {witness.verifier()};
  EXPECT_EQ(witness.verifier().type, KeyType::kCosignature);
  EXPECT_EQ(cosignature_time(note->signatures.back()), 1'795'000'000u);
  auto check = check_checkpoint(note->format(), logs, witnesses);
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_EQ(check.cosigned_by.size(), 1u);
  note->signatures.back().signature[20] ^= 1;
  check = check_checkpoint(note->format(), logs, witnesses);
  EXPECT_FALSE(check.ok);
}

TEST(Proof, FormatsAndParsesTheTlogProofForm) {
  Proof proof{73894,
              {sha256("a"), sha256("b")},
              std::nullopt,
              "origin\n1\n" + to_base64(sha256("r")) + "\n\n\xE2\x80\x94 x AAAA\n"};
  const std::string text = proof.format();
  EXPECT_TRUE(text.starts_with("c2sp.org/tlog-proof@v1\nindex 73894\n" + to_base64(sha256("a")) + "\n"));
  auto parsed = parse_proof(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->index, 73894u);
  EXPECT_EQ(parsed->path, proof.path);
  EXPECT_EQ(parsed->checkpoint, proof.checkpoint);
  EXPECT_FALSE(parse_proof("c2sp.org/tlog-proof@v1\nindex 01\n\nx\n").ok());
  EXPECT_FALSE(parse_proof("c2sp.org/tlog-proof@v2\nindex 1\n\nx\n").ok());
}

}  // namespace
}  // namespace moat::ledger

// The Merkle tree's hashing and proofs (ledger/base/merkle.h): against the public RFC 6962 proof
// vectors of transparency-dev/merkle (tests/vectors/merkle: every happy path accepted, every
// tampered variant rejected), and against a naive recursive reference on random trees — roots at
// every size, every inclusion proof, every consistency proof, and each of them altered.
#include "ledger/base/merkle.h"

#include <gtest/gtest.h>

#include <boost/beast/core/detail/base64.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace ledger::merkle {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kVectors = fs::path(LEDGER_SOURCE_DIR) / "tests/vectors/merkle";

std::string Base64Decode(std::string_view in) {
  namespace b64 = boost::beast::detail::base64;
  std::string out(b64::decoded_size(in.size()), '\0');
  auto [written, read] = b64::decode(out.data(), in.data(), in.size());
  out.resize(written);
  return out;
}

// A hash from a vector. A leaf hash or proof entry that is not 32 bytes is malformed (the
// "garbage" cases). Some cases name roots that are not hashes at all ("don't care"): they only
// need comparing, so such a root stands for itself as the SHA-256 of its bytes.
struct VectorHash {
  Hash hash{};
  bool well_formed = false;
};
VectorHash HashOf(const json::value& v, bool any_root = false) {
  VectorHash h;
  if (!v.is_string()) return h;
  std::string bytes = Base64Decode(v.as_string());
  if (bytes.size() != 32) {
    if (!any_root) return h;
    h.hash = Sha256("not a hash:" + bytes);
  } else {
    std::copy(bytes.begin(), bytes.end(), h.hash.begin());
  }
  h.well_formed = true;
  return h;
}
bool ProofOf(const json::value& v, std::vector<Hash>* out) {
  if (v.is_null()) return true;
  for (const json::value& x : v.as_array()) {
    VectorHash h = HashOf(x);
    if (!h.well_formed) return false;
    out->push_back(h.hash);
  }
  return true;
}

std::vector<json::object> VectorsIn(const std::string& kind) {
  std::vector<json::object> out;
  for (const auto& entry : fs::recursive_directory_iterator(kVectors / kind)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream f(entry.path());
    std::stringstream s;
    s << f.rdbuf();
    json::object o = json::parse(s.str()).as_object();
    o["file"] = entry.path().lexically_relative(kVectors).string();
    out.push_back(std::move(o));
  }
  return out;
}

TEST(MerkleVectors, EveryInclusionVectorIsJudgedAsItSays) {
  std::vector<json::object> vectors = VectorsIn("inclusion");
  ASSERT_GT(vectors.size(), 90u) << "the vectors are missing from " << kVectors;
  size_t accepted = 0, rejected = 0;
  for (const json::object& v : vectors) {
    std::vector<Hash> proof;
    VectorHash leaf = HashOf(v.at("leafHash")), root = HashOf(v.at("root"), true);
    bool ok = ProofOf(v.at("proof"), &proof) && leaf.well_formed && root.well_formed &&
              VerifyInclusion(leaf.hash, v.at("leafIdx").to_number<uint64_t>(),
                              v.at("treeSize").to_number<uint64_t>(), proof, root.hash)
                  .ok();
    EXPECT_EQ(ok, !v.at("wantErr").as_bool()) << v.at("file").as_string();
    (ok ? accepted : rejected)++;
  }
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(rejected, 80u);
}

TEST(MerkleVectors, EveryConsistencyVectorIsJudgedAsItSays) {
  std::vector<json::object> vectors = VectorsIn("consistency");
  ASSERT_GT(vectors.size(), 30u);
  size_t rejected = 0;
  for (const json::object& v : vectors) {
    std::vector<Hash> proof;
    VectorHash r1 = HashOf(v.at("root1"), true), r2 = HashOf(v.at("root2"), true);
    bool ok = ProofOf(v.at("proof"), &proof) && r1.well_formed && r2.well_formed &&
              VerifyConsistency(v.at("size1").to_number<uint64_t>(),
                                v.at("size2").to_number<uint64_t>(), proof, r1.hash, r2.hash)
                  .ok();
    EXPECT_EQ(ok, !v.at("wantErr").as_bool()) << v.at("file").as_string();
    rejected += ok ? 0 : 1;
  }
  EXPECT_GT(rejected, 20u);
}

// The nodes a log stores: every perfect subtree, as CompactRange::Append reports them.
class MemoryNodes final : public NodeReader {
 public:
  Result<Hash> Get(NodeId id) override {
    auto it = nodes_.find({id.level, id.index});
    if (it == nodes_.end()) return Status::NotFound("no node");
    return it->second;
  }
  void Put(const Node& n) { nodes_[{n.id.level, n.id.index}] = n.hash; }

 private:
  std::map<std::pair<int, uint64_t>, Hash> nodes_;
};

// RFC 6962's MTH, straight from its definition.
Hash ReferenceRoot(const std::vector<std::string>& leaves, size_t begin, size_t end) {
  if (end == begin) return EmptyRoot();
  if (end - begin == 1) return LeafHash(leaves[begin]);
  size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return NodeHash(ReferenceRoot(leaves, begin, begin + k), ReferenceRoot(leaves, begin + k, end));
}

TEST(MerkleTree, RootsAndProofsAgreeWithTheDefinitionAtEverySize) {
  std::mt19937_64 rng(20261207);
  std::vector<std::string> leaves;
  MemoryNodes nodes;
  CompactRange range;
  std::vector<Hash> roots{EmptyRoot()};
  for (int i = 0; i < 130; ++i) {
    leaves.push_back(std::to_string(rng()) + "event" + std::to_string(i));
    std::vector<Node> completed;
    range.Append(LeafHash(leaves.back()), &completed);
    for (const Node& n : completed) nodes.Put(n);
    const Hash reference = ReferenceRoot(leaves, 0, leaves.size());
    ASSERT_EQ(range.Root(), reference) << "size " << leaves.size();
    ASSERT_EQ(*RootAt(nodes, leaves.size()), reference) << "size " << leaves.size();
    roots.push_back(reference);
  }
  for (uint64_t size = 1; size <= leaves.size(); ++size) {
    for (uint64_t i = 0; i < size; ++i) {
      std::vector<Hash> proof = *InclusionProof(nodes, i, size);
      ASSERT_TRUE(VerifyInclusion(LeafHash(leaves[i]), i, size, proof, roots[size]).ok())
          << i << " in " << size;
      // Any change is caught: another leaf, another index, another size, a flipped bit, a hash
      // too many or too few.
      EXPECT_FALSE(
          VerifyInclusion(LeafHash(leaves[(i + 1) % size] + "x"), i, size, proof, roots[size])
              .ok());
      if (size > 1) {
        EXPECT_FALSE(
            VerifyInclusion(LeafHash(leaves[i]), (i + 1) % size, size, proof, roots[size]).ok())
            << i << " in " << size;
      }
      if (!proof.empty()) {
        std::vector<Hash> bad = proof;
        bad[rng() % bad.size()][rng() % 32] ^= uint8_t(1u << (rng() % 8));
        EXPECT_FALSE(VerifyInclusion(LeafHash(leaves[i]), i, size, bad, roots[size]).ok());
        bad = proof;
        bad.pop_back();
        EXPECT_FALSE(VerifyInclusion(LeafHash(leaves[i]), i, size, bad, roots[size]).ok());
      }
      std::vector<Hash> longer = proof;
      longer.push_back(roots[size]);
      EXPECT_FALSE(VerifyInclusion(LeafHash(leaves[i]), i, size, longer, roots[size]).ok());
    }
  }
  for (uint64_t size = 1; size <= leaves.size(); size += 3) {
    for (uint64_t old = 1; old <= size; ++old) {
      std::vector<Hash> proof = *ConsistencyProof(nodes, old, size);
      ASSERT_TRUE(VerifyConsistency(old, size, proof, roots[old], roots[size]).ok())
          << old << " -> " << size;
      if (old == size) continue;
      // A current-size proof paired with an older checkpoint, and a tampered hash.
      EXPECT_FALSE(VerifyConsistency(old, size, proof, roots[old - 1], roots[size]).ok());
      EXPECT_FALSE(VerifyConsistency(old, size, proof, roots[old], roots[size - 1]).ok());
      std::vector<Hash> bad = proof;
      bad[rng() % bad.size()][rng() % 32] ^= 1;
      EXPECT_FALSE(VerifyConsistency(old, size, bad, roots[old], roots[size]).ok());
    }
  }
}

TEST(MerkleTree, ACompactRangeRestartsFromItsPeaks) {
  MemoryNodes nodes;
  CompactRange range;
  for (int i = 0; i < 77; ++i) {
    std::vector<Node> completed;
    range.Append(LeafHash("e" + std::to_string(i)), &completed);
    for (const Node& n : completed) nodes.Put(n);
  }
  std::vector<Hash> peaks;
  for (NodeId id : CompactRange::PeakIds(77)) peaks.push_back(*nodes.Get(id));
  EXPECT_EQ(peaks, range.peaks());
  Result<CompactRange> again = CompactRange::FromPeaks(77, peaks);
  ASSERT_TRUE(again.ok());
  again->Append(LeafHash("e77"), nullptr);
  range.Append(LeafHash("e77"), nullptr);
  EXPECT_EQ(again->Root(), range.Root());
  EXPECT_FALSE(CompactRange::FromPeaks(76, peaks).ok());  // 77 has four set bits, 76 three
}

TEST(MerkleTree, TheEmptyTreeAndImpossibleSizes) {
  MemoryNodes nodes;
  EXPECT_EQ(*RootAt(nodes, 0), Sha256(""));
  EXPECT_FALSE(InclusionProof(nodes, 0, 0).ok());
  EXPECT_FALSE(ConsistencyProof(nodes, 0, 3).ok());
  EXPECT_FALSE(ConsistencyProof(nodes, 4, 3).ok());
  EXPECT_FALSE(VerifyInclusion(Hash{}, 3, 3, {}, Hash{}).ok());
  // A tree whose nodes are missing is an error, not a made-up root.
  EXPECT_FALSE(RootAt(nodes, 5).ok());
}

}  // namespace
}  // namespace ledger::merkle

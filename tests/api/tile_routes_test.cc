// The log as C2SP tlog-tiles (api/http/tile_routes.h): path parsing, hash tiles and entry
// bundles checked against the events themselves, the tree's root rebuilt from tiles alone, and
// the bounds (the latest signed checkpoint) and refusals.
#include "api/http/tile_routes.h"

#include <gtest/gtest.h>

#include "ledger/base/merkle.h"
#include "test_server.h"

namespace api {
namespace {

using api_testing::TestServer;
using ledger::Result;
using testing_util::HttpReply;

TEST(TilePaths, ParseTheSpecsForms) {
  Result<TilePath> t = ParseTilePath("0/000");
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->entries);
  EXPECT_EQ(t->level, 0);
  EXPECT_EQ(t->index, 0u);
  EXPECT_EQ(t->width, 256u);
  t = ParseTilePath("1/x001/x234/067.p/8");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->level, 1);
  EXPECT_EQ(t->index, 1234067u);
  EXPECT_EQ(t->width, 8u);
  t = ParseTilePath("entries/x002/000");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->entries);
  EXPECT_EQ(t->index, 2000u);
  EXPECT_EQ(t->width, 256u);
  for (const char* bad :
       {"",           "8/000",     "a/000",     "0",
        "0/",         "0/00",      "0/0000",    "0/x000/001",
        "0/x01/000",  "0/001/002", "0/000.p/0", "0/000.p/256",
        "0/000.p/08", "0/000.p/",  "0/000.p",   "0/.p/3",
        "entries",    "entries/",  "00/000",    "0/x001/x002/x003/x004/x005/x006/x007/000"}) {
    Result<TilePath> r = ParseTilePath(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "' was accepted";
  }
}

class TileRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Append(300);
    root_ = server_.SignCheckpoint().root;
  }
  HttpReply Get(const std::string& path, Role role = Role::kAuditor) {
    return server_.Client(role).Get(path);
  }
  std::vector<ledger::Hash> Hashes(const std::string& body) {
    EXPECT_EQ(body.size() % 32, 0u);
    std::vector<ledger::Hash> out(body.size() / 32);
    for (size_t i = 0; i < out.size(); ++i) std::copy_n(body.data() + 32 * i, 32, out[i].begin());
    return out;
  }
  ledger::Hash Leaf(uint64_t position) {
    return ledger::merkle::LeafHash(server_.log().ReadAt(position)->canonical_bytes());
  }

  TestServer server_;
  ledger::Hash root_{};
};

TEST_F(TileRoutes, LevelZeroTilesAreTheLeafHashes) {
  HttpReply full = Get("/v1/ledger/tile/0/000");
  ASSERT_EQ(full.status, 200u) << full.body;
  std::vector<ledger::Hash> hashes = Hashes(full.body);
  ASSERT_EQ(hashes.size(), 256u);
  for (uint64_t i = 0; i < 256; i += 17) EXPECT_EQ(hashes[i], Leaf(i + 1)) << i;
  EXPECT_EQ(hashes[255], Leaf(256));
  HttpReply partial = Get("/v1/ledger/tile/0/001.p/44");
  ASSERT_EQ(partial.status, 200u) << partial.body;
  std::vector<ledger::Hash> rest = Hashes(partial.body);
  ASSERT_EQ(rest.size(), 44u);
  EXPECT_EQ(rest[43], Leaf(300));
}

TEST_F(TileRoutes, TheRootIsRebuiltFromTilesAlone) {
  // 300 leaves: the level-1 tile holds the one whole subtree of 256 leaves; the 44 after it come
  // from level 0. MTH(300) = node(level-8 node 0, MTH(leaves 256..299)).
  std::vector<ledger::Hash> top = Hashes(Get("/v1/ledger/tile/1/000.p/1").body);
  ASSERT_EQ(top.size(), 1u);
  ledger::merkle::MemoryTree first, rest;
  for (const ledger::Hash& h : Hashes(Get("/v1/ledger/tile/0/000").body)) first.Append(h);
  EXPECT_EQ(first.Root(), top[0]);
  for (const ledger::Hash& h : Hashes(Get("/v1/ledger/tile/0/001.p/44").body)) rest.Append(h);
  EXPECT_EQ(ledger::merkle::NodeHash(top[0], rest.Root()), root_);
}

TEST_F(TileRoutes, EntryBundlesHoldTheEventsBytes) {
  HttpReply r = Get("/v1/ledger/tile/entries/001.p/44");
  ASSERT_EQ(r.status, 200u) << r.body;
  size_t offset = 0;
  for (uint64_t position = 257; position <= 300; ++position) {
    ASSERT_LE(offset + 2, r.body.size());
    size_t n = (uint8_t(r.body[offset]) << 8) | uint8_t(r.body[offset + 1]);
    EXPECT_EQ(r.body.substr(offset + 2, n), server_.log().ReadAt(position)->canonical_bytes())
        << position;
    offset += 2 + n;
  }
  EXPECT_EQ(offset, r.body.size());
  EXPECT_EQ(Get("/v1/ledger/tile/entries/000").status, 200u);
}

TEST_F(TileRoutes, NothingPastTheSignedCheckpoint) {
  server_.Append(10);  // the head moves on; the latest checkpoint is still of 300
  EXPECT_EQ(Get("/v1/ledger/tile/0/001.p/45").status, 404u);
  EXPECT_EQ(Get("/v1/ledger/tile/0/001").status, 404u);  // not whole yet
  EXPECT_EQ(Get("/v1/ledger/tile/1/000").status, 404u);
  EXPECT_EQ(Get("/v1/ledger/tile/2/000.p/1").status, 404u);
  EXPECT_EQ(Get("/v1/ledger/tile/entries/001.p/45").status, 404u);
  HttpReply far = Get("/v1/ledger/tile/0/x999/x999/x999/x999/x999/999");
  EXPECT_EQ(far.status, 404u) << far.body;
  // 21 digits: more than 64 bits hold.
  EXPECT_EQ(Get("/v1/ledger/tile/0/x999/x999/x999/x999/x999/x999/999").status, 400u);
  HttpReply bad = Get("/v1/ledger/tile/0/x000/001");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.body.find("tlog_tiles_path"), std::string::npos) << bad.body;
}

TEST_F(TileRoutes, EntriesNeedTheLogsRolesHashesTheVerifiers) {
  EXPECT_EQ(Get("/v1/ledger/tile/0/000", Role::kAdmin).status, 200u);
  EXPECT_EQ(Get("/v1/ledger/tile/entries/000", Role::kAdmin).status, 403u);
  EXPECT_EQ(Get("/v1/ledger/tile/0/000", Role::kHandler).status, 403u);
  EXPECT_EQ(server_.Client().Get("/v1/ledger/tile/0/000").status, 401u);
}

}  // namespace
}  // namespace api

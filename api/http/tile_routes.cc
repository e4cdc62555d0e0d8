#include "api/http/tile_routes.h"

#include <memory>
#include <string>
#include <vector>

#include "ledger/base/merkle.h"

namespace api {
namespace {

using ledger::Result;
using ledger::Status;

constexpr uint64_t kTileWidth = 256;
constexpr size_t kMaxEntryBytes = 65535;  // an entry bundle's uint16 length

Status BadPath(const std::string& why) {
  return Status::WithErrors(ledger::Code::kInvalidArgument, "not a tlog-tiles path: " + why,
                            {{"tile", "tlog_tiles_path",
                              "<L>/<N>[.p/<W>] or entries/<N>[.p/<W>], N in x-prefixed groups "
                              "of three digits"}});
}

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    parts.push_back(s.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return parts;
    start = slash + 1;
  }
}

bool Digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// The tree (the latest checkpoint's size) a tile must lie in.
Result<ledger::StoredCheckpoint> LatestSigned(const LogRoutesOptions& o) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<ledger::StoredCheckpoint> c, o.log->LatestCheckpoint());
  if (!c)
    return Status::NotFound(
        "no checkpoint has been signed: tiles are served up to the latest signed checkpoint "
        "(docs/operations.md, \"Checkpoints and proofs\")");
  return *c;
}

Status BeyondCheckpoint(const TilePath& t, uint64_t size) {
  return Status::WithErrors(
      ledger::Code::kNotFound,
      "the tile is not in the tree of the latest signed checkpoint (size " + std::to_string(size) +
          ")",
      {{"tile", "beyond_checkpoint",
        "a tile of the tree GET /v1/ledger/checkpoint states (level " + std::to_string(t.level) +
            ", index " + std::to_string(t.index) + ", width " + std::to_string(t.width) + ")"}});
}

Result<Response> Tile(const LogRoutesOptions& o, const RequestContext& ctx) {
  LEDGER_ASSIGN_OR_RETURN(TilePath t, ParseTilePath(ctx.Param("path")));
  if (t.entries) return Status::Internal("an entry bundle on the hash tiles' route");
  LEDGER_ASSIGN_OR_RETURN(ledger::StoredCheckpoint c, LatestSigned(o));
  const uint8_t level = uint8_t(8 * t.level);
  const uint64_t whole = c.size >> level;
  if (t.index > whole / kTileWidth || t.index * kTileWidth + t.width > whole)
    return BeyondCheckpoint(t, c.size);
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::Hash> hashes,
                          o.log->TreeNodes(level, t.index * kTileWidth, t.width, c.size));
  std::string body;
  body.reserve(hashes.size() * 32);
  for (const ledger::Hash& h : hashes) body.append(ledger::AsBytes(h));
  Response r = Response::Text(200, "application/octet-stream", std::move(body));
  if (t.width == kTileWidth) r.headers.Set("Cache-Control", "private, max-age=31536000, immutable");
  return r;
}

Result<Response> Entries(const LogRoutesOptions& o, const RequestContext& ctx) {
  // The events' bytes hold personal data, with no way to redact them (the tree covers them).
  if (!ctx.access().personal_data())
    return Status::PermissionDenied("an entry bundle carries events, personal data included");
  LEDGER_ASSIGN_OR_RETURN(TilePath t, ParseTilePath("entries/" + std::string(ctx.Param("path"))));
  LEDGER_ASSIGN_OR_RETURN(ledger::StoredCheckpoint c, LatestSigned(o));
  if (t.index > c.size / kTileWidth || t.index * kTileWidth + t.width > c.size)
    return BeyondCheckpoint(t, c.size);
  std::string body;
  for (uint64_t leaf = t.index * kTileWidth; leaf < t.index * kTileWidth + t.width; ++leaf) {
    LEDGER_ASSIGN_OR_RETURN(ledger::RecordedEvent e, o.log->ReadAt(leaf + 1));
    std::string_view bytes = e.canonical_bytes();
    if (bytes.size() > kMaxEntryBytes)
      return Status::FailedPrecondition("the event at position " + std::to_string(leaf + 1) +
                                        " is " + std::to_string(bytes.size()) +
                                        " bytes, more than an entry bundle carries (65,535): GET "
                                        "/v1/ledger/proof/bundle?position=" +
                                        std::to_string(leaf + 1) + " gives it with its proof");
    body.push_back(char(bytes.size() >> 8));
    body.push_back(char(bytes.size() & 0xff));
    body.append(bytes);
  }
  Response r = Response::Text(200, "application/octet-stream", std::move(body));
  if (t.width == kTileWidth) r.headers.Set("Cache-Control", "private, max-age=31536000, immutable");
  return r;
}

}  // namespace

Result<TilePath> ParseTilePath(std::string_view path) {
  std::vector<std::string_view> parts = Split(path);
  TilePath t;
  size_t i = 0;
  if (parts[0] == "entries") {
    t.entries = true;
  } else {
    if (parts[0].size() != 1 || parts[0][0] < '0' || parts[0][0] > '7')
      return BadPath("the tile level must be 0 to 7 (or \"entries\")");
    t.level = uint8_t(parts[0][0] - '0');
  }
  ++i;
  if (parts.size() >= 3 && parts[parts.size() - 2].size() > 2 &&
      parts[parts.size() - 2].ends_with(".p")) {
    std::string_view w = parts.back();
    if (!Digits(w) || w.size() > 3 || w[0] == '0') return BadPath("a partial width is 1 to 255");
    t.width = uint32_t(std::stoul(std::string(w)));
    if (t.width == 0 || t.width >= kTileWidth) return BadPath("a partial width is 1 to 255");
    parts.pop_back();
    parts.back().remove_suffix(2);
  }
  if (i >= parts.size()) return BadPath("the tile index is missing");
  if (parts.size() - i > 7) return BadPath("the tile index is too large");
  uint64_t n = 0;
  for (; i < parts.size(); ++i) {
    std::string_view g = parts[i];
    const bool last = i + 1 == parts.size();
    if (!last) {
      if (g.size() != 4 || g[0] != 'x') return BadPath("index groups other than the last are xDDD");
      g.remove_prefix(1);
    }
    if (g.size() != 3 || !Digits(g)) return BadPath("index groups are three digits");
    if (!last && n == 0 && g == "000") return BadPath("the index has a leading x000 group");
    const uint64_t d = uint64_t(std::stoul(std::string(g)));
    if (n > (UINT64_MAX - d) / 1000) return BadPath("the tile index is too large");
    n = n * 1000 + d;
  }
  t.index = n;
  return t;
}

Status RegisterTileRoutes(Router& router, const LogRoutesOptions& options) {
  auto o = std::make_shared<const LogRoutesOptions>(options);
  // Entry bundles carry the events: the roles that read the log. Hash tiles: those that verify.
  LEDGER_RETURN_IF_ERROR(router.Add("GET", "/v1/ledger/tile/entries/{path*}",
                                    {.resource = Resource::kLog, .any_accept = true},
                                    [o](const RequestContext& ctx) { return Entries(*o, ctx); }));
  return router.Add("GET", "/v1/ledger/tile/{path*}",
                    {.resource = Resource::kVerify, .any_accept = true},
                    [o](const RequestContext& ctx) { return Tile(*o, ctx); });
}

}  // namespace api

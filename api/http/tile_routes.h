// The log as C2SP tlog-tiles (docs/api.md, "Tiles"), so that a client can build any inclusion or
// consistency proof itself from immutable, cacheable pieces:
//
//   GET /v1/ledger/checkpoint                   the latest signed checkpoint (log_routes.h)
//   GET /v1/ledger/tile/<L>/<N>[.p/<W>]         hashes of the tree's level 8·L, indices
//                                               N·256 .. N·256 + W − 1 (W = 256 when absent)
//   GET /v1/ledger/tile/entries/<N>[.p/<W>]     the events (canonical bytes) of leaves N·256 ..
//                                               N·256 + W − 1, each as a big-endian uint16 length
//                                               and the bytes
//
// <N> is written in groups of three digits, all but the last prefixed by "x" (1234067 is
// "x001/x234/067"); a partial tile's width W is 1..255. Tiles exist up to the latest signed
// checkpoint's size: a client fetches the checkpoint, then the tiles of that tree. Hash tiles
// reveal nothing of an event; entry bundles carry the events, personal data included, so they
// need the roles that read the log (like the proof bundle).
//
// Thread-safety: handlers run on worker threads; the EventLog is thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "api/http/log_routes.h"

namespace api {

// A tile named by a tlog-tiles path.
struct TilePath {
  bool entries = false;  // an entry bundle ("entries/...")
  uint8_t level = 0;     // the tile level L (0..7): tree level 8·L
  uint64_t index = 0;    // N
  uint32_t width = 256;  // W
};

// Parses what follows "/v1/ledger/tile/": "<L>/<N>[.p/<W>]" or "entries/<N>[.p/<W>]".
// InvalidArgument (field "tile") for anything else, a non-canonical N (a leading "x000") included.
ledger::Result<TilePath> ParseTilePath(std::string_view path);

ledger::Status RegisterTileRoutes(Router& router, const LogRoutesOptions& options);

}  // namespace api

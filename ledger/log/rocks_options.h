// The RocksDB options of the log's column families (docs/event-format.md, "Records in RocksDB").
// Shared with the benchmark's raw-RocksDB baseline, which must store the same bytes the same way.
//
// Thread-safety: free functions.
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/options.h>

#include <memory>

namespace ledger {

// The events, idempotency, projections and default families: 4 KiB blocks, LZ4 at every level,
// with a whole-key bloom filter when `bloom`.
rocksdb::ColumnFamilyOptions FamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                           bool bloom);

// The stream index (`streams`), whose entries carry copies of the events: 16 KiB blocks, LZ4HC at
// the bottom level, a bloom filter of streams (the key less its version).
// Iterators over it: `prefix_same_as_start` to read one stream, `total_order_seek` for anything
// that crosses streams.
rocksdb::ColumnFamilyOptions StreamsOptions(const std::shared_ptr<rocksdb::Cache>& cache);

}  // namespace ledger

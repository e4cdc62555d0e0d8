#include "ledger/log/rocks_options.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

namespace ledger {
namespace {

// The stream part of a stream index key (stream || 0x00, the version dropped): the prefix that
// the stream index's bloom filter also holds, so that a stream read's seek skips every file that
// has no entry of the stream. Without it the seek reads a block at every level of the tree, and
// on a cold page cache each is a disk read.
class StreamOfKeyPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "ledger.StreamOfKey.1"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > 8; }
};

}  // namespace

rocksdb::ColumnFamilyOptions FamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                           bool bloom) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (bloom) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // LZ4 at every level: ZSTD at the bottom saved ~15% of disk but doubled the cost of a point
  // read by position (format 1 read streams that way).
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kLZ4Compression;
  return cf;
}

// The stream index, whose entries carry copies of the events (format 2). A stream is read as one
// range, so 16 KiB blocks cost a stream read little. At the bottom level, where nearly all of them
// live, LZ4HC: LZ4's decoder, so a full rebuild (which reads every copy) decompresses about four
// times faster than with ZSTD, in blocks about 10% larger (docs/performance.md, "The rebuild,
// second pass"). Level 4 of LZ4HC takes about 1.5 times ZSTD's time to compress, in background
// compactions only. A bloom filter of streams (the key less its version) serves the seek of a
// stream read (with `prefix_same_as_start`) and the point lookup that tells a new stream; whole
// keys are left out of it, as no read needs them. Every other iterator over this family must set
// `total_order_seek` (event_log_read.cc, verify.cc).
rocksdb::ColumnFamilyOptions StreamsOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf = FamilyOptions(cache, false);
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.block_size = 16 * 1024;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = false;  // prefixes only
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.prefix_extractor = std::make_shared<StreamOfKeyPrefix>();
  cf.bottommost_compression = rocksdb::kLZ4HCCompression;
  cf.bottommost_compression_opts.enabled = true;  // else compression_opts serve the bottom too
  cf.bottommost_compression_opts.level = 4;
  return cf;
}

}  // namespace ledger

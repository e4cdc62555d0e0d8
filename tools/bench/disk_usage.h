// The bytes the files under a directory take (their sizes, summed recursively).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "ledger/base/status.h"

namespace bench {

inline ledger::Result<uint64_t> DirectoryBytes(const std::string& dir) {
  std::error_code ec;
  uint64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  if (ec) return ledger::Status::Unavailable("measuring '" + dir + "': " + ec.message());
  return total;
}

}  // namespace bench

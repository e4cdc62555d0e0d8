// Fuzz target: the HTTP request parser. The bytes are what a client sent on a connection, read
// by api::ReadRequest (api/http/request_reader.h) under the server's default limits, as the server
// reads a request before routing it. Any bytes give a request or a refusal: never a crash, a
// sanitizer report or a leak.
// The reader runs the same checks the server's connections run on what Beast parsed (folded
// lines, repeated singleton headers, ambiguous framing): the seeds hold one of each.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/http/request_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const api::RequestLimits limits{};
  std::string_view wire(reinterpret_cast<const char*>(data), size);
  auto request = api::ReadRequest(wire, limits);
  (void)request.ok();
  return 0;
}

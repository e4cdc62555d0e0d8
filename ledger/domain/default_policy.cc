// The default policy: the text of default_policy.json, embedded at build time
// (embed_text.cmake), parsed once on first use.
#include <cstddef>
#include <cstdio>
#include <cstdlib>

#include "ledger/domain/policy.h"

namespace ledger::domain::embedded {
extern const unsigned char kDefaultPolicyJson[];
extern const std::size_t kDefaultPolicyJson_size;
}  // namespace ledger::domain::embedded

namespace ledger::domain {

std::string_view DefaultPolicyText() {
  return std::string_view(reinterpret_cast<const char*>(embedded::kDefaultPolicyJson),
                          embedded::kDefaultPolicyJson_size);
}

std::shared_ptr<const Policy> DefaultPolicy() {
  // Parsed once: the text is fixed at build time, and the tests prove that it parses, so a
  // failure here is a bug in this build, not an input error.
  static const std::shared_ptr<const Policy> policy = [] {
    Result<std::shared_ptr<const Policy>> parsed = ParsePolicy(DefaultPolicyText());
    if (!parsed.ok()) {
      std::fprintf(stderr, "the built-in default policy is invalid: %s\n",
                   parsed.status().ToString().c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return policy;
}

}  // namespace ledger::domain

#include "api/http/request_context.h"

#include <charconv>

#include "api/http/router.h"

namespace api {
ledger::Status InvalidField(std::string_view field, std::string rule, std::string message) {
  return ledger::Status::WithErrors(ledger::Code::kInvalidArgument, message,
                                    {{std::string(field), std::move(rule), message}});
}

void RequestContext::set_principal(Principal p) {
  principal_ = std::move(p);
  if (route_ != nullptr && route_->options.resource)
    access_ = Authorize(*principal_, *route_->options.resource);
}

std::string_view RequestContext::Param(std::string_view name) const {
  for (const auto& [k, v] : params_) {
    if (k == name) return v;
  }
  return {};
}

ledger::Result<uint64_t> ParseUint(std::string_view text, std::string_view field) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  bool digits_only = !text.empty() && text.front() != '-' && text.front() != '+';
  if (ec == std::errc::result_out_of_range)
    return InvalidField(field, "range", std::string(field) + " is too large");
  if (ec != std::errc() || end != text.data() + text.size() || !digits_only)
    return InvalidField(field, "integer", std::string(field) + " must be a non-negative integer");
  return v;
}

ledger::Result<uint64_t> RequestContext::QueryUint(std::string_view name, uint64_t fallback,
                                                   uint64_t min, uint64_t max) const {
  std::optional<std::string_view> text = Query(name);
  if (!text || text->empty()) return fallback;
  LEDGER_ASSIGN_OR_RETURN(uint64_t v, ParseUint(*text, name));
  if (v < min || v > max) {
    return InvalidField(name, "range",
                        std::string(name) + " must be between " + std::to_string(min) + " and " +
                            std::to_string(max));
  }
  return v;
}

}  // namespace api

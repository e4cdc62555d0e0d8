#include "ledger/base/strict_json.h"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/stream_parser.hpp>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

namespace ledger {
namespace {

namespace json = boost::json;
using boost::system::error_code;

Status Invalid(std::string field, std::string rule, std::string message) {
  return Status::WithErrors(Code::kInvalidArgument, message,
                            {FieldError{std::move(field), std::move(rule), message}});
}

// The offset of the first byte that is not part of well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF), or npos.
size_t Utf8ErrorOffset(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0)
      n = 1, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
      n = 2, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
      n = 3, cp = c & 0x07, min = 0x10000;
    else
      return i;
    if (s.size() - i <= n) return i;
    for (size_t k = 1; k <= n; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

std::string LineColumn(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + " column " + std::to_string(column);
}

// A second pass over text the first pass accepted, with Boost.JSON's SAX parser: it tracks the
// path of each open container and the keys seen in each open object. The only pass that can see
// a repeated key, since building the value keeps just the last one.
class DuplicateKeyHandler {
 public:
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);

  std::vector<FieldError> errors;
  std::string_view field;  // names the whole text in messages

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return Open(false); }
  bool on_array_end(std::size_t, error_code&) { return Close(); }
  bool on_object_begin(error_code&) { return Open(true); }
  bool on_object_end(std::size_t, error_code&) { return Close(); }
  bool on_string_part(json::string_view, std::size_t, error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, error_code&) { return Scalar(); }
  bool on_key_part(json::string_view s, std::size_t, error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, error_code&) {
    key_.append(s.data(), s.size());
    Frame& f = frames_.back();
    if (!f.keys.insert(key_).second) {
      std::string path = Member(f.path, key_);
      errors.push_back(
          {path, "duplicate_key", "the " + std::string(field) + " repeats the key " + path});
    }
    f.key = std::move(key_);
    key_.clear();
    return true;
  }
  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(int64_t, json::string_view, error_code&) { return Scalar(); }
  bool on_uint64(uint64_t, json::string_view, error_code&) { return Scalar(); }
  bool on_double(double, json::string_view, error_code&) { return Scalar(); }
  bool on_bool(bool, error_code&) { return Scalar(); }
  bool on_null(error_code&) { return Scalar(); }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

 private:
  struct Frame {
    bool object = false;
    std::string path;
    std::unordered_set<std::string> keys;
    std::string key;        // objects: the key of the member being read
    size_t next_index = 0;  // arrays: the index of the next element
  };

  static std::string Member(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
  }
  bool Open(bool object) {
    std::string path;
    if (!frames_.empty()) {
      Frame& f = frames_.back();
      path = f.object ? Member(f.path, f.key) : f.path + "[" + std::to_string(f.next_index++) + "]";
    }
    frames_.push_back({object, std::move(path), {}, {}, 0});
    return true;
  }
  bool Close() {
    frames_.pop_back();
    return true;
  }
  // A scalar is one more element of an array (an object member's key came with on_key).
  bool Scalar() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().next_index;
    return true;
  }

  std::vector<Frame> frames_;
  std::string key_;
};

}  // namespace

Result<boost::json::value> ParseStrictJson(std::string_view text, size_t max_depth,
                                           std::string_view field) {
  const std::string name(field);
  if (size_t at = Utf8ErrorOffset(text); at != std::string_view::npos) {
    return Invalid(name, "utf8",
                   "the " + name + " is not valid UTF-8 (at byte " + std::to_string(at) + ")");
  }
  json::parse_options options;
  options.max_depth = max_depth;
  json::stream_parser parser({}, options);
  error_code ec;
  size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (!ec && used < text.size()) {
    return Invalid(name, "json",
                   "the " + name + " has text after the JSON value at " + LineColumn(text, used));
  }
  if (ec == json::error::too_deep) {
    return Invalid(name, "json_depth",
                   "the " + name + " nests deeper than " + std::to_string(max_depth) + " levels");
  }
  if (ec) {
    return Invalid(
        name, "json",
        "the " + name + " is not valid JSON: " + ec.message() + " at " + LineColumn(text, used));
  }

  json::basic_parser<DuplicateKeyHandler> keys(options);
  keys.handler().field = field;
  keys.write_some(false, text.data(), text.size(), ec);
  if (ec) return Status::Internal("the duplicate-key pass refused JSON the parser accepted");
  std::vector<FieldError>& repeated = keys.handler().errors;
  if (!repeated.empty()) {
    std::string message = repeated.size() == 1 ? repeated[0].message
                                               : "the " + name + " repeats " +
                                                     std::to_string(repeated.size()) + " keys";
    return Status::WithErrors(Code::kInvalidArgument, std::move(message), std::move(repeated));
  }
  return parser.release();
}

}  // namespace ledger

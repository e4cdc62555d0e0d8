// FindDuplicateKeys: a streaming pass over the policy text that tracks the JSON Pointer of each
// value and the keys seen in each open object. boost::json::parse() keeps the last of repeated
// keys without a word, so this is the only place a duplicate can be noticed.
#include <boost/json/basic_parser_impl.hpp>
#include <set>

#include "ledger/domain/policy_json_sections.h"

namespace ledger::domain::policy_json {
namespace {

using boost::system::error_code;

class DuplicateKeyHandler {
 public:
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);

  std::vector<FieldError> errors;

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
    if (!f.keys.insert(key_).second)
      errors.push_back({Child(f.path, key_), "duplicate_key",
                        "'" + key_ + "' appears more than once in this object"});
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
    std::set<std::string> keys;
    std::string key;        // objects: the key of the value being read
    size_t next_index = 0;  // arrays: the index of the next element
  };

  // The path of the value that starts now, as a member or element of the innermost container.
  std::string NextPath() {
    if (frames_.empty()) return "";
    Frame& f = frames_.back();
    return f.object ? Child(f.path, f.key) : Child(f.path, f.next_index++);
  }
  bool Open(bool object) {
    std::string path = NextPath();
    frames_.push_back({object, std::move(path), {}, {}, 0});
    return true;
  }
  bool Close() {
    frames_.pop_back();
    return true;
  }
  bool Scalar() {
    NextPath();
    return true;
  }

  std::vector<Frame> frames_;
  std::string key_;
};

}  // namespace

std::vector<FieldError> FindDuplicateKeys(std::string_view json_text) {
  json::basic_parser<DuplicateKeyHandler> parser(json::parse_options{});
  error_code ec;
  parser.write_some(false, json_text.data(), json_text.size(), ec);
  if (ec) return {};  // not JSON: the main parse reports the syntax error
  return std::move(parser.handler().errors);
}

}  // namespace ledger::domain::policy_json

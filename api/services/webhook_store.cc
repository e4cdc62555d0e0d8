#include "api/services/webhook_store.h"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>

#include "api/services/token_file.h"
#include "api/services/webhook_sender.h"
#include "ledger/base/hash.h"

namespace api {
namespace {

using ledger::Status;

ledger::Result<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    return Status::Internal("the random generator failed (RAND_bytes)");
  return ledger::ToHex(raw);
}

std::string StringAt(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

Status Bad(size_t index, const std::string& what) {
  return Status::DataLoss("webhook file: webhook " + std::to_string(index) + ": " + what);
}

ledger::Result<WebhookRecord> DecodeRecord(const boost::json::value& v, size_t index) {
  if (!v.is_object()) return Bad(index, "not an object");
  const boost::json::object& o = v.get_object();
  WebhookRecord r;
  r.id = StringAt(o, "id");
  r.name = StringAt(o, "name");
  r.url = StringAt(o, "url");
  r.secret = StringAt(o, "secret");
  if (r.id.rfind(kWebhookIdPrefix, 0) != 0) return Bad(index, "no id");
  if (r.url.empty()) return Bad(index, "no url");
  if (r.secret.size() < kMinWebhookSecretBytes) return Bad(index, "no secret");
  auto created = ledger::ParseRfc3339(StringAt(o, "created_at"));
  if (!created.ok()) return Bad(index, "created_at is not RFC 3339");
  r.created_at = *created;
  return r;
}

bool PrintableNoSpace(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

bool NameCharacters(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == ' ';
  });
}

}  // namespace

Status ValidateWebhookSpec(const WebhookSpec& spec) {
  std::vector<ledger::FieldError> errors;
  if (auto url = ParseWebhookUrl(spec.url); !url.ok()) errors.push_back(url.status().errors()[0]);
  if (!spec.secret.empty() &&
      (spec.secret.size() < kMinWebhookSecretBytes || spec.secret.size() > kMaxWebhookSecretBytes ||
       !PrintableNoSpace(spec.secret)))
    errors.push_back({"secret", "format",
                      "the secret must be 16-256 printable ASCII characters without spaces (or "
                      "leave it out: one is generated)"});
  if (spec.name.size() > 64 || !NameCharacters(spec.name))
    errors.push_back({"name", "format", "the name must be 0-64 of A-Z a-z 0-9 . _ - and space"});
  if (errors.empty()) return Status::Ok();
  std::string message = errors.front().message;
  return Status::WithErrors(ledger::Code::kInvalidArgument, message, std::move(errors));
}

std::string EncodeWebhookFile(const std::vector<WebhookRecord>& records) {
  std::string out = "{\"format\": \"" + std::string(kWebhookFileFormat) + "\",\n \"webhooks\": [";
  for (size_t i = 0; i < records.size(); ++i) {
    const WebhookRecord& r = records[i];
    boost::json::object o{{"id", r.id},
                          {"name", r.name},
                          {"url", r.url},
                          {"secret", r.secret},
                          {"created_at", ledger::FormatRfc3339(r.created_at)}};
    out += i == 0 ? "\n  " : ",\n  ";
    out += boost::json::serialize(o);
  }
  out += records.empty() ? "]}\n" : "\n]}\n";
  return out;
}

ledger::Result<std::vector<WebhookRecord>> DecodeWebhookFile(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(text, ec);
  if (ec) return Status::DataLoss("webhook file is not JSON: " + ec.message());
  if (!root.is_object()) return Status::DataLoss("webhook file is not a JSON object");
  const boost::json::object& o = root.get_object();
  if (StringAt(o, "format") != kWebhookFileFormat)
    return Status::DataLoss("webhook file format is not '" + std::string(kWebhookFileFormat) + "'");
  const boost::json::value* hooks = o.if_contains("webhooks");
  if (hooks == nullptr || !hooks->is_array())
    return Status::DataLoss("webhook file has no webhooks array");
  std::vector<WebhookRecord> out;
  for (size_t i = 0; i < hooks->get_array().size(); ++i) {
    LEDGER_ASSIGN_OR_RETURN(WebhookRecord r, DecodeRecord(hooks->get_array()[i], i));
    out.push_back(std::move(r));
  }
  return out;
}

WebhookStore::WebhookStore(std::string path, Options options)
    : path_(std::move(path)), options_(std::move(options)) {}

std::string WebhookStore::PathInDirectory(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / kWebhookFileName).string();
}

ledger::Time WebhookStore::Now() const {
  return options_.clock != nullptr ? options_.clock->Now() : ledger::SystemClock().Now();
}

WebhookStore::Stamp WebhookStore::StatFile(const std::string& path) {
  Stamp s;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.inode = st.st_ino;
  s.size = st.st_size;
  s.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  return s;
}

Status WebhookStore::LoadLocked(const Stamp& stamp) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadFileIfExists(path_));
  std::vector<WebhookRecord> records;
  if (text) {
    LEDGER_ASSIGN_OR_RETURN(records, DecodeWebhookFile(*text));
  }
  current_ = std::move(records);
  stamp_ = stamp;
  loaded_ = true;
  return Status::Ok();
}

Status WebhookStore::Load() {
  std::lock_guard<std::mutex> lock(mu_);
  last_check_ = Now();
  return LoadLocked(StatFile(path_));
}

std::vector<WebhookRecord> WebhookStore::Current() {
  std::lock_guard<std::mutex> lock(mu_);
  const ledger::Time now = Now();
  if (loaded_ && now >= last_check_ && now - last_check_ < options_.reload_interval)
    return current_;
  last_check_ = now;
  const Stamp stamp = StatFile(path_);
  if (loaded_ && stamp == stamp_) return current_;
  if (Status s = LoadLocked(stamp); !s.ok()) {
    stamp_ = stamp;  // not again until it changes
    loaded_ = true;
    if (options_.warn)
      options_.warn("webhook file " + path_ +
                    " not reloaded, previous webhooks stay in force: " + s.ToString());
  }
  return current_;
}

Status WebhookStore::Modify(const std::function<Status(std::vector<WebhookRecord>&)>& change) {
  LEDGER_ASSIGN_OR_RETURN(FileLock file_lock, FileLock::Acquire(path_ + ".lock"));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadFileIfExists(path_));
  std::vector<WebhookRecord> records;
  if (text) {
    LEDGER_ASSIGN_OR_RETURN(records, DecodeWebhookFile(*text));
  }
  LEDGER_RETURN_IF_ERROR(change(records));
  LEDGER_RETURN_IF_ERROR(WriteFileAtomically(path_, EncodeWebhookFile(records)));
  std::lock_guard<std::mutex> lock(mu_);
  loaded_ = false;  // the next Current() reads the new file
  return Status::Ok();
}

ledger::Result<AddedWebhook> WebhookStore::Add(const WebhookSpec& spec) {
  LEDGER_RETURN_IF_ERROR(ValidateWebhookSpec(spec));
  AddedWebhook added;
  added.record.name = spec.name;
  added.record.url = spec.url;
  added.record.secret = spec.secret;
  added.record.created_at = Now();
  if (spec.secret.empty()) {
    LEDGER_ASSIGN_OR_RETURN(std::string random, RandomHex(24));
    added.record.secret = "whsec_" + random;
    added.secret_generated = true;
  }
  LEDGER_RETURN_IF_ERROR(Modify([&](std::vector<WebhookRecord>& records) -> Status {
    for (int attempt = 0; attempt < 8; ++attempt) {
      LEDGER_ASSIGN_OR_RETURN(std::string hex, RandomHex(4));
      std::string id = std::string(kWebhookIdPrefix) + hex;
      if (std::any_of(records.begin(), records.end(),
                      [&](const WebhookRecord& r) { return r.id == id; }))
        continue;
      added.record.id = id;
      records.push_back(added.record);
      return Status::Ok();
    }
    return Status::Internal("could not find a free webhook id");
  }));
  return added;
}

ledger::Result<std::vector<WebhookRecord>> WebhookStore::List() {
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadFileIfExists(path_));
  if (!text) return std::vector<WebhookRecord>();
  return DecodeWebhookFile(*text);
}

ledger::Result<WebhookRecord> WebhookStore::Remove(std::string_view id) {
  WebhookRecord removed;
  LEDGER_RETURN_IF_ERROR(Modify([&](std::vector<WebhookRecord>& records) -> Status {
    auto it = std::find_if(records.begin(), records.end(),
                           [&](const WebhookRecord& r) { return r.id == id; });
    if (it == records.end())
      return Status::NotFound("no webhook has id '" + std::string(id) + "' (see webhook list)");
    removed = *it;
    records.erase(it);
    return Status::Ok();
  }));
  return removed;
}

}  // namespace api

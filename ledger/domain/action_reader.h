// ActionReader: reads the fields of one action's JSON object with their types and limits,
// collecting every problem as a FieldError (field, rule, message) instead of stopping at the first.
// Fields it never reads are reported by Finish() as unknown, so typos do not pass silently.
//
// The catalogue (catalogue.h) lists the fields each action has; the deciders read them here. A
// test watches every read through SetReadObserver and compares it with the catalogue, so the
// table and the code cannot drift apart unnoticed.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "ledger/domain/catalogue.h"
#include "ledger/domain/money.h"
#include "ledger/domain/vocabulary.h"

namespace ledger::domain {

inline constexpr size_t kMaxShortText = 200;  // ids, names, codes
inline constexpr size_t kMaxLongText = 4000;  // descriptions, reasons, summaries
inline constexpr size_t kMaxListItems = 50;

class ActionReader {
 public:
  // `prefix` is prepended to field names in errors ("complainant." for a nested object).
  // `errors` collects the problems; it must outlive the reader.
  ActionReader(const boost::json::object& fields, std::string prefix,
               std::vector<FieldError>* errors);

  enum Need { kOptional, kRequired };

  // Text: a JSON string of valid UTF-8 up to `max` bytes; control characters only in long text.
  std::string Text(std::string_view key, Need need, size_t max = kMaxShortText);
  // A code of the vocabulary `vocab` (rule "unknown_code", naming the codes, otherwise).
  std::string Code(std::string_view key, Need need, Vocab vocab);
  // A list of distinct codes of `vocab`, at most `max_items`.
  std::vector<std::string> CodeList(std::string_view key, Need need, Vocab vocab, size_t max_items);
  std::optional<bool> Bool(std::string_view key, Need need);
  std::optional<int64_t> Int(std::string_view key, Need need, int64_t min, int64_t max);
  // A decimal string with two places ("1300.00"), not negative.
  std::optional<Money> MoneyAmount(std::string_view key, Need need);
  // RFC 3339 with offset, not before the earliest time set (SetEarliest; rule "before_policy").
  std::optional<Time> TimeValue(std::string_view key, Need need);
  // Times before `earliest` are refused; `what` names the bound in the message.
  void SetEarliest(Time earliest, std::string what) {
    earliest_ = earliest;
    earliest_what_ = std::move(what);
  }
  // A list of short texts, no duplicates.
  std::vector<std::string> TextList(std::string_view key, Need need,
                                    size_t max_items = kMaxListItems);
  // A nested object, or null when absent (then a required one is an error).
  const boost::json::object* Object(std::string_view key, Need need);

  // Marks `key` as read by the caller, who parses it by hand as a `type` (kNumber, kVersion);
  // returns it or null when absent. `need` is for the catalogue: absence is the caller's check.
  const boost::json::value* Raw(std::string_view key, FieldType type, Need need);

  // Records a problem found by a caller's own check.
  void Error(std::string_view key, std::string rule, std::string message);

  // Reports the keys nobody read as "unknown_field".
  void Finish();

  std::string Field(std::string_view key) const { return prefix_ + std::string(key); }
  bool ok() const { return errors_->empty(); }

 private:
  const boost::json::value* Find(std::string_view key, Need need);
  std::string ReadText(std::string_view key, Need need, size_t max);
  std::vector<std::string> ReadTextList(std::string_view key, Need need, size_t max_items);
  void Note(std::string_view key, FieldType type, Need need, int64_t max = 0, int64_t min = 0,
            std::optional<Vocab> vocab = std::nullopt) const;

  const boost::json::object& fields_;
  std::string prefix_;
  std::vector<FieldError>* errors_;
  std::set<std::string, std::less<>> read_;
  std::optional<Time> earliest_;
  std::string earliest_what_;
};

// One field read, as a test sees it: the field's path ("complainant.name") and what the reader
// was told about it.
struct FieldRead {
  std::string field;
  FieldType type = FieldType::kText;
  bool required = false;
  int64_t max = 0;
  int64_t min = 0;
  std::optional<Vocab> vocab;
};

// Every ActionReader of the calling thread reports each read to `observer` until it is set back
// to null. For tests; costs one thread-local load per read otherwise.
void SetReadObserver(std::vector<FieldRead>* observer);

// InvalidArgument carrying `errors`, or OK when there are none.
Status InvalidFields(std::vector<FieldError> errors);

}  // namespace ledger::domain

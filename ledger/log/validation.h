// Input checks shared by the log and the layers above it.
#pragma once

#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/log/append.h"
#include "ledger/log/options.h"

namespace ledger {

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// True when `s` holds a C0 control character (other than newline and tab, when allowed), DEL,
// or a C1 control character (U+0080..U+009F). `s` must be valid UTF-8.
bool HasControlCharacter(std::string_view s, bool allow_newline_and_tab);

// Checks a text field: valid UTF-8, at most `max_bytes`, no control characters (see
// HasControlCharacter; a multi-line text, !single_line, may hold newlines and tabs). Adds a
// FieldError under `field` for each problem; `required` rejects empty.
void CheckText(std::string_view field, std::string_view value, size_t max_bytes, bool required,
               bool single_line, std::vector<FieldError>* errors);

// Checks everything about an append that does not depend on the log's state: stream id, sizes,
// types, texts, payloads. Returns InvalidArgument listing every problem, or OK.
Status ValidateAppend(const AppendRequest& request, const Options& options);

}  // namespace ledger

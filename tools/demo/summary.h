// The summary `ledgerctl demo` prints after generating: what was generated, counted as it was
// (complaints by level, status and channel; scenario families; refusals). The projections'
// summary (fines by department, closure rate, findings) is added by the caller.
#pragma once

#include <string>

#include "tools/demo/generator.h"

namespace demo {

// A few lines of text, ending with a newline. `seconds` is the wall time the generation took.
std::string FormatSummary(const GeneratorStats& stats, double seconds);

}  // namespace demo

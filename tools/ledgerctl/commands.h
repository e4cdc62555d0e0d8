// The subcommands of ledgerctl. Each Register* adds one subcommand (and its --help) to the app;
// its callback runs the command and returns the process exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace tools {

struct Globals {
  std::string data_dir = "./ledger-data";
};

// Set by a subcommand's callback: the exit code main() returns.
using Runner = std::function<int()>;

void RegisterLogCommands(CLI::App& app, Globals& globals, Runner& run);

}  // namespace tools

// ledgerctl: the ledger's command line. docs/cli.md lists every subcommand.
#include <sys/stat.h>

#include <cstdio>
#include <exception>
#include <string>

#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/version.h"

int main(int argc, char** argv) {
  // A ledger holds personal data: whatever ledgerctl creates (RocksDB's files, the projection
  // snapshot, the token file, exports) is private to the user it runs as, whatever umask it was
  // started with (docs/operations.md, "File modes"). `export --mode` asks for another mode.
  ::umask(077);
  CLI::App app{"ledgerctl: the complaint ledger's command line"};
  // At most one subcommand; none prints the help. Subcommands inherit fallthrough(): the global
  // options (--data) are accepted before or after the subcommand, as every subcommand's own.
  app.require_subcommand(0, 1);
  app.fallthrough();
  app.set_version_flag("--version", tools::VersionText(),
                       "print the version, the source commit and the on-disk formats");
  tools::Globals globals;
  app.add_option("--data", globals.data_dir, "the ledger directory")->capture_default_str();
  tools::Runner run;
  tools::CommandFlags flags;
  tools::RegisterLogCommands(app, globals, flags, run);
  tools::RegisterServeCommand(app, globals, run);
  tools::RegisterTokenCommands(app, globals, run);
  tools::RegisterWebhookCommands(app, globals, run);
  tools::RegisterDemoCommand(app, globals, run);
  tools::RegisterBackupCommands(app, globals, run);
  tools::RegisterProofCommands(app, globals, run);
  tools::RegisterStatementCommand(app, globals, run);
  tools::RegisterKeystoreCommands(app, globals, run);
  tools::RegisterComplaintCommands(app, globals, flags, run);
  tools::RegisterReportCommands(app, globals, flags, run);
  tools::RegisterRebuildCommand(app, globals, flags, run);
  tools::RegisterImportCommand(app, globals, flags, run);
  tools::RegisterExportCommand(app, globals, flags, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0 with CLI11's text; a usage error is one line and exit 2
    // (docs/cli.md, "Exit codes").
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string message = e.what();
    for (char& c : message)
      if (c == '\n') c = ' ';
    std::fprintf(stderr, "ledgerctl: %s (see --help)\n", message.c_str());
    return 2;
  }
  if (app.get_subcommands().empty()) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  }
  try {
    return run ? run() : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ledgerctl: internal error: %s\n", e.what());
    return 70;
  }
}

#pragma once

namespace nchat::app {

// Parses the command line (serve, user create, migrate, version) and runs it; returns the
// process exit code.
int run_cli(int argc, char** argv);

}  // namespace nchat::app

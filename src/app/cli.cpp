#include "app/cli.hpp"

namespace nchat::app {

int run_cli(int, char**) { return 0; }

}  // namespace nchat::app

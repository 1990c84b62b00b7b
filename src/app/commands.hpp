#pragma once
#include "app/config.hpp"

namespace nchat::app {

// Each returns the process exit code.
int serve(const Config& cfg);
int create_user(const Config& cfg, const std::string& name, const std::string& role);
int migrate(const Config& cfg);
void setup_logging(const Config& cfg);

}  // namespace nchat::app

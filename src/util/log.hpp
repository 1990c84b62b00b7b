#pragma once
// One spdlog logger per module (STYLE.md, Logging), all writing to the same sink.
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace nchat::util {

// The logger named `name`, created on first use with the default logger's sinks and level.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

}  // namespace nchat::util

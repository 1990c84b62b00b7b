#include "util/log.hpp"

namespace nchat::util {

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
    if (auto l = spdlog::get(name)) return l;
    auto def = spdlog::default_logger();
    auto l = std::make_shared<spdlog::logger>(name, def->sinks().begin(), def->sinks().end());
    l->set_level(def->level());
    try {
        spdlog::register_logger(l);
    } catch (const spdlog::spdlog_ex&) {
        return spdlog::get(name);  // another thread registered it first
    }
    return l;
}

}  // namespace nchat::util

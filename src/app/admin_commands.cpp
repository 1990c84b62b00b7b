// The commands that only touch storage: `user create` and `migrate`. They open their own
// connection, so they work while a server runs on the same database (SQLite waits on its
// busy timeout; PostgreSQL is concurrent anyway).
#include <iostream>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "auth/token.hpp"
#include "store/store.hpp"
#include "util/ids.hpp"
#include "util/utf8.hpp"

namespace nchat::app {

void setup_logging(const Config& cfg) {
    auto logger = spdlog::stderr_color_mt("nchat-live");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(cfg.log_level));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ [%n] %v");
}

int create_user(const Config& cfg, const std::string& name, const std::string& role) {
    auto n = util::utf8_length(name);
    if (!n || *n == 0 || *n > 100 || name.find_first_of("\r\n\t") != std::string::npos) {
        std::cerr << "nchat-live: --name must be 1-100 characters on one line\n";
        return 2;
    }
    auto store = store::open_store(cfg.db_url());
    store->migrate();
    store::User u;
    u.id = util::new_uuid();
    u.name = name;
    u.role = *store::parse_role(role);
    u.created_at =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    auto token = auth::new_api_token();
    store->create_user(u);
    store->add_api_token(u.id, auth::hash_token(token), u.created_at);
    std::cout
        << nlohmann::json{{"id", u.id}, {"name", u.name}, {"role", role}, {"token", token}}.dump()
        << "\n";
    return 0;
}

int migrate(const Config& cfg) {
    auto store = store::open_store(cfg.db_url());
    int applied = store->migrate();
    std::cout << "migrations applied: " << applied << " (" << store->backend() << ")\n";
    return 0;
}

}  // namespace nchat::app

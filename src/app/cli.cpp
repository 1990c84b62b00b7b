#include "app/cli.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include "app/commands.hpp"
#include "app/config.hpp"

namespace nchat::app {

int run_cli(int argc, char** argv) {
    CLI::App app{"nchat-live: the live-streaming server of nchat"};
    app.require_subcommand(1);
    app.set_help_all_flag("--help-all", "Help for every subcommand");

    Config serve_cfg;
    auto* serve_cmd = app.add_subcommand("serve", "Run the server");
    add_config_options(*serve_cmd, serve_cfg, true);

    Config user_cfg;
    std::string name, role;
    auto* user_cmd = app.add_subcommand("user", "Manage users");
    user_cmd->require_subcommand(1);
    auto* create_cmd = user_cmd->add_subcommand("create", "Create a user and print its API token");
    create_cmd->add_option("--name", name, "User name")->required();
    create_cmd->add_option("--role", role, "admin, broadcaster, moderator or viewer")
        ->required()
        ->check(CLI::IsMember({"admin", "broadcaster", "moderator", "viewer"}));
    add_config_options(*create_cmd, user_cfg, false);

    Config migrate_cfg;
    auto* migrate_cmd = app.add_subcommand("migrate", "Apply database migrations");
    add_config_options(*migrate_cmd, migrate_cfg, false);

    auto* version_cmd = app.add_subcommand("version", "Print the version");

    try {
        app.parse(argc, argv);
        if (*version_cmd) {
            std::cout << "nchat-live " << NCHAT_VERSION << "\n";
            return 0;
        }
        if (*serve_cmd) {
            finish_config(*serve_cmd, serve_cfg);
            return serve(serve_cfg);
        }
        if (*create_cmd) {
            finish_config(*create_cmd, user_cfg);
            return create_user(user_cfg, name, role);
        }
        if (*migrate_cmd) {
            finish_config(*migrate_cmd, migrate_cfg);
            return migrate(migrate_cfg);
        }
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        std::cerr << "nchat-live: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace nchat::app

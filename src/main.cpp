#include "app/cli.hpp"

int main(int argc, char** argv) {
    return nchat::app::run_cli(argc, argv);
}

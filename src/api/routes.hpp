#pragma once
// Registers every REST route of the product (docs/api.md) on the router.
#include "api/context.hpp"
#include "http/router.hpp"

namespace nchat::api {

void add_stream_routes(http::Router& router, ApiContext& ctx);
void add_system_routes(http::Router& router, ApiContext& ctx);

inline void add_routes(http::Router& router, ApiContext& ctx) {
    add_stream_routes(router, ctx);
    add_system_routes(router, ctx);
}

}  // namespace nchat::api

#include "api/handler.hpp"

#include "api/errors.hpp"
#include "api/validation.hpp"
#include "realtime/errors.hpp"
#include "store/store.hpp"

namespace nchat::api {
namespace {

boost::asio::awaitable<http::Response> run(ApiContext& ctx, ApiFn fn, http::Request& req) {
    try {
        co_return co_await fn(ctx, req);
    } catch (const ValidationError& e) {
        throw HttpError(Status::bad_request, e.code, e.what(), e.field);
    } catch (const realtime::Refusal& e) {
        HttpError out(static_cast<Status>(e.http_status), e.code, e.what(), e.field);
        if (e.retry_after_seconds) {
            out.headers.emplace_back("Retry-After", std::to_string(*e.retry_after_seconds));
        }
        throw out;
    } catch (const store::Conflict& e) {
        throw conflict(e.what());
    } catch (const store::Overloaded&) {
        throw unavailable("storage is overloaded, retry shortly");
    }
}

}  // namespace

http::Handler handler(ApiContext& ctx, ApiFn fn) {
    return [&ctx, fn](http::Request& req) { return run(ctx, fn, req); };
}

http::Response json(const http::Request& req, http::bhttp::status s, const nlohmann::json& body) {
    return http::json_response(req, s,
                               body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void require_json_content(const http::Request& req) {
    if (trim(req.raw.body()).empty()) return;
    auto ct = req.header(http::bhttp::field::content_type);
    auto semi = ct.find(';');
    auto media = trim(ct.substr(0, semi));
    for (auto& c : media)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool is_json =
        media == "application/json" || (media.rfind("application/", 0) == 0 && media.size() > 5 &&
                                        media.compare(media.size() - 5, 5, "+json") == 0);
    if (!is_json) {
        throw unsupported_media_type("expected Content-Type: application/json, got '" +
                                     std::string(ct) + "'");
    }
}

}  // namespace nchat::api

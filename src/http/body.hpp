#pragma once
// The response body: either bytes owned by the response, or an immutable buffer shared with
// many responses (a CMAF part sent to every viewer without a copy, STYLE.md Ownership).
#include <memory>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

namespace nchat::http {

struct Body {
    struct value_type {
        std::string owned;
        std::shared_ptr<const void> keep_alive;  // owner of `shared` when set
        boost::asio::const_buffer shared;

        void assign(std::string s) {
            owned = std::move(s);
            keep_alive.reset();
            shared = {};
        }
        void share(std::shared_ptr<const void> owner, boost::asio::const_buffer b) {
            owned.clear();
            keep_alive = std::move(owner);
            shared = b;
        }
        std::size_t size() const { return keep_alive ? shared.size() : owned.size(); }
        boost::asio::const_buffer buffer() const {
            return keep_alive ? shared : boost::asio::const_buffer(owned.data(), owned.size());
        }
    };

    static std::uint64_t size(const value_type& v) { return v.size(); }

    class writer {
    public:
        using const_buffers_type = boost::asio::const_buffer;
        template <bool isRequest, class Fields>
        writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& b)
            : body_(b) {}
        void init(boost::beast::error_code& ec) { ec = {}; }
        boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
            ec = {};
            if (done_) return boost::none;
            done_ = true;
            return {{body_.buffer(), false}};
        }

    private:
        const value_type& body_;
        bool done_ = false;
    };
};

}  // namespace nchat::http

#pragma once
// The response body: bytes owned by the response, or immutable buffers shared with many
// responses (a CMAF part or a rendered playlist sent to every viewer without a copy; a
// segment sent as the list of its parts). STYLE.md, Ownership.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

namespace nchat::http {

struct Body {
    struct value_type {
        std::string owned;
        std::vector<std::shared_ptr<const void>> keep_alive;  // owners of `shared`
        std::vector<boost::asio::const_buffer> shared;

        void assign(std::string s) {
            owned = std::move(s);
            keep_alive.clear();
            shared.clear();
        }
        void share(std::shared_ptr<const void> owner, boost::asio::const_buffer b) {
            owned.clear();
            keep_alive.clear();
            shared.clear();
            append_shared(std::move(owner), b);
        }
        void append_shared(std::shared_ptr<const void> owner, boost::asio::const_buffer b) {
            keep_alive.push_back(std::move(owner));
            shared.push_back(b);
        }
        std::size_t size() const {
            if (keep_alive.empty()) return owned.size();
            std::size_t n = 0;
            for (const auto& b : shared)
                n += b.size();
            return n;
        }
        std::vector<boost::asio::const_buffer> buffers() const {
            if (keep_alive.empty()) return {boost::asio::const_buffer(owned.data(), owned.size())};
            return shared;
        }
    };

    static std::uint64_t size(const value_type& v) { return v.size(); }

    class writer {
    public:
        using const_buffers_type = std::vector<boost::asio::const_buffer>;
        template <bool isRequest, class Fields>
        writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& b)
            : body_(b) {}
        void init(boost::beast::error_code& ec) { ec = {}; }
        boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
            ec = {};
            if (done_) return boost::none;
            done_ = true;
            return {{body_.buffers(), false}};
        }

    private:
        const value_type& body_;
        bool done_ = false;
    };
};

}  // namespace nchat::http

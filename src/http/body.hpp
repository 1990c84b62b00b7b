#pragma once
// The response body: bytes owned by the response, or immutable buffers shared with many
// responses (a CMAF part or a rendered playlist sent to every viewer without a copy; a
// segment sent as the list of its parts). STYLE.md, Ownership.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <unistd.h>

namespace nchat::http {

// An open file, closed with its last owner.
struct FileHandle {
    explicit FileHandle(int f) : fd(f) {}
    ~FileHandle() {
        if (fd >= 0) ::close(fd);
    }
    FileHandle(const FileHandle&) = delete;
    FileHandle& operator=(const FileHandle&) = delete;
    int fd = -1;
};

struct Body {
    struct value_type {
        std::string owned;
        std::vector<std::shared_ptr<const void>> keep_alive;  // owners of `shared`
        std::vector<boost::asio::const_buffer> shared;
        // Or a range of a file, read and sent a chunk at a time (a recording's MP4: too big to
        // hold). The reads are page-cache reads on the connection's thread (docs/recording.md).
        std::shared_ptr<const FileHandle> file;
        std::uint64_t file_offset = 0;
        std::uint64_t file_length = 0;

        void send_file(std::shared_ptr<const FileHandle> f, std::uint64_t offset, std::uint64_t n) {
            assign({});
            file = std::move(f);
            file_offset = offset;
            file_length = n;
        }

        void assign(std::string s) {
            owned = std::move(s);
            keep_alive.clear();
            shared.clear();
            file.reset();
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
            if (file) return file_length;
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
            if (body_.file) return next_chunk(ec);
            if (done_) return boost::none;
            done_ = true;
            return {{body_.buffers(), false}};
        }

    private:
        boost::optional<std::pair<const_buffers_type, bool>> next_chunk(
            boost::beast::error_code& ec) {
            constexpr std::uint64_t kChunk = 256 * 1024;
            if (sent_ >= body_.file_length) return boost::none;
            chunk_.resize(static_cast<std::size_t>(std::min(kChunk, body_.file_length - sent_)));
            ssize_t n = ::pread(body_.file->fd, chunk_.data(), chunk_.size(),
                                static_cast<off_t>(body_.file_offset + sent_));
            if (n <= 0) {
                // The file shrank or failed under us: the response cannot be completed.
                ec = boost::beast::http::error::partial_message;
                return boost::none;
            }
            sent_ += static_cast<std::uint64_t>(n);
            return {{{boost::asio::const_buffer(chunk_.data(), static_cast<std::size_t>(n))},
                     sent_ < body_.file_length}};
        }

        const value_type& body_;
        bool done_ = false;
        std::uint64_t sent_ = 0;
        std::string chunk_;
    };
};

}  // namespace nchat::http

#include "ingest/rtmp/detail/session.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "ingest/rtmp/detail/chunk_writer.hpp"
#include "ingest/rtmp/detail/counters.hpp"
#include "ingest/rtmp/detail/handshake.hpp"
#include "ingest/rtmp/detail/limits.hpp"
#include "util/crypto.hpp"
#include "util/log.hpp"

namespace nchat::ingest::rtmp::detail {
namespace {

namespace net = boost::asio;
using net::redirect_error;
using net::use_awaitable;

constexpr std::size_t kReadChunk = 64 * 1024;

std::shared_ptr<spdlog::logger> log() {
    static auto l = util::logger("rtmp");
    return l;
}

}  // namespace

Session::Session(boost::beast::tcp_stream stream,
                 std::uint64_t id,
                 const ServerOptions& opts,
                 PublishAuthorizer& auth,
                 Counters& counters,
                 std::shared_ptr<void> address_slot)
    : stream_(std::move(stream)),
      id_(id),
      opts_(opts),
      auth_(auth),
      counters_(counters),
      address_slot_(std::move(address_slot)) {
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? "unknown" : ep.address().to_string() + ":" + std::to_string(ep.port());
}

bool Session::within_pre_publish_limits(std::size_t held) {
    if (authorized_) return true;
    if (closing_) return false;  // already closing (and counted, when it was for this)
    std::string why;
    if (messages_before_publish_ > limits::kMaxMessagesBeforePublish) {
        why = "more than " + std::to_string(limits::kMaxMessagesBeforePublish) +
              " messages before publishing";
    } else if (held > limits::kMaxPrePublishBytes) {
        why = "more than " + std::to_string(limits::kMaxPrePublishBytes / 1024) +
              " KiB buffered before publishing";
    } else {
        // Our share of the server-wide budget follows what we hold now.
        if (held > pre_publish_bytes_) {
            auto total = counters_.pre_publish_bytes.fetch_add(held - pre_publish_bytes_) +
                         (held - pre_publish_bytes_);
            pre_publish_bytes_ = held;
            if (total > limits::kMaxPrePublishBytesTotal) {
                why = "the server's budget for connections not yet publishing is spent";
            }
        } else {
            counters_.pre_publish_bytes.fetch_sub(pre_publish_bytes_ - held);
            pre_publish_bytes_ = held;
        }
    }
    if (why.empty()) return true;
    counters_.pre_publish_limit.Increment();
    close_reason_ = why;
    closing_ = true;
    return false;
}

void Session::release_pre_publish_bytes() {
    counters_.pre_publish_bytes.fetch_sub(pre_publish_bytes_);
    pre_publish_bytes_ = 0;
}

void Session::close() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
        self->closing_ = true;
        boost::system::error_code ec;
        self->stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
        self->stream_.close();
    });
}

net::awaitable<bool> Session::handshake() {
    boost::system::error_code ec;
    std::vector<std::uint8_t> c0c1(1 + kHandshakeSize);
    stream_.expires_after(opts_.handshake_timeout);
    co_await net::async_read(stream_, net::buffer(c0c1), redirect_error(use_awaitable, ec));
    if (ec == boost::beast::error::timeout) counters_.handshake_timeout.Increment();
    if (ec) co_return false;
    auto uptime =
        static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now().time_since_epoch())
                                       .count());
    auto answer = answer_handshake(c0c1, util::random_bytes(2 * kHandshakeSize), uptime);
    if (!answer) {
        log()->warn("peer={} handshake refused: version {} is not plain RTMP", peer_, c0c1[0]);
        co_return false;
    }
    co_await net::async_write(stream_, net::buffer(answer->s0s1s2),
                              redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    std::vector<std::uint8_t> c2(kHandshakeSize);
    co_await net::async_read(stream_, net::buffer(c2), redirect_error(use_awaitable, ec));
    if (ec == boost::beast::error::timeout) counters_.handshake_timeout.Increment();
    // C2 is only checked leniently by everyone (protocols.md §1); we do not check it.
    co_return !ec;
}

net::awaitable<void> Session::run() {
    counters_.connections.Increment();
    const auto publish_deadline = std::chrono::steady_clock::now() + opts_.publish_timeout;
    if (co_await handshake()) {
        std::vector<std::uint8_t> buf;
        std::vector<std::uint8_t> tmp(kReadChunk);
        boost::system::error_code ec;
        while (!closing_) {
            // A stranger has until publish_deadline in all; a publisher, idle_timeout per read.
            auto idle = std::chrono::steady_clock::now() + opts_.idle_timeout;
            stream_.expires_at(authorized_ ? idle : std::min(idle, publish_deadline));
            auto n = co_await stream_.async_read_some(net::buffer(tmp),
                                                      redirect_error(use_awaitable, ec));
            if (ec) {
                if (ec == boost::beast::error::timeout && !authorized_) {
                    counters_.publish_timeout.Increment();
                    close_reason_ = "no publish within " +
                                    std::to_string(opts_.publish_timeout.count()) + " ms";
                } else if (ec == boost::beast::error::timeout) {
                    close_reason_ = "idle timeout";
                }
                break;
            }
            bytes_in_ += n;
            counters_.bytes.Increment(static_cast<double>(n));
            buf.insert(buf.end(), tmp.begin(), tmp.begin() + static_cast<long>(n));
            util::ByteReader in(buf);
            while (!closing_) {
                auto m = reader_.read(in);
                if (!m) {
                    if (m.error() != make_error_code(error::need_more)) {
                        close_reason_ = "chunk stream: " + m.error().message();
                        closing_ = true;
                    }
                    break;
                }
                if (*m) co_await on_message(std::move(**m));
            }
            buf.erase(buf.begin(), buf.begin() + static_cast<long>(in.position()));
            if (!within_pre_publish_limits(buf.size() + reader_.partial_bytes())) break;
            // §5.4.4: acknowledge every window of bytes the peer asked for.
            auto window = commands_.peer_window();
            if (!closing_ && window > 0 && bytes_in_ - last_ack_ >= window) {
                last_ack_ = bytes_in_;
                // Built before the co_await: g++ 12 cannot keep a braced list across one.
                std::vector<Message> ack;
                ack.push_back(CommandHandler::ack(static_cast<std::uint32_t>(bytes_in_)));
                co_await send(ack);
            }
        }
    }
    stop_publishing();
    if (!close_reason_.empty()) log()->info("peer={} closed: {}", peer_, close_reason_);
    boost::system::error_code ec;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
    stream_.close();
    // Here, not in a destructor: a session whose coroutine is destroyed at shutdown, never
    // finishing, may outlive the server that owns the counters.
    release_pre_publish_bytes();
    counters_.connections.Decrement();
}

net::awaitable<void> Session::on_message(Message m) {
    if (!authorized_ && ++messages_before_publish_ > limits::kMaxMessagesBeforePublish) {
        within_pre_publish_limits(0);  // closes, with the reason
        co_return;
    }
    if (m.type == msg::kAudio || m.type == msg::kVideo) {
        on_media(m);
        if (!pending_replies_.empty()) {
            auto replies = std::move(pending_replies_);
            pending_replies_.clear();
            co_await send(replies);
        }
        co_return;
    }
    auto out = commands_.on_message(m);
    if (!out.replies.empty()) co_await send(out.replies);
    if (out.metadata && live_) {
        log()->info("stream={} metadata {}x{} {:.2f} fps video {} kbps encoder '{}'", stream_id_,
                    out.metadata->width, out.metadata->height, out.metadata->frame_rate,
                    out.metadata->video_kbps, out.metadata->encoder);
    }
    if (out.publish) co_await on_publish(*out.publish);
    if (out.unpublish) stop_publishing();
    if (out.close) {
        close_reason_ = out.reason;
        closing_ = true;
    }
}

net::awaitable<void> Session::on_publish(const PublishRequest& p) {
    if (live_) co_return;  // one publish per connection; a repeated publish is ignored
    auto result = co_await auth_.authorize(p.key, id_, peer_);
    if (auto* refusal = std::get_if<PublishRefusal>(&result)) {
        counters_.refused.Increment();
        log()->warn("peer={} publish refused: {}", peer_, refusal->description);
        // Every refusal is BadName: OBS shows its description and stops retrying a key that
        // will not work (protocols.md, RTMP pitfalls).
        co_await send(
            commands_.reject_publish(p, "NetStream.Publish.BadName", refusal->description));
        close_reason_ = "publish refused";
        closing_ = true;  // OBS ignores BadName unless the connection closes (protocols.md)
        co_return;
    }
    auto& grant = std::get<PublishGrant>(result);
    counters_.accepted.Increment();
    authorized_ = true;
    release_pre_publish_bytes();
    stream_id_ = grant.stream_id;
    publish_ = p;
    live_ = grant.stream;
    log()->info("stream={} peer={} publishing", stream_id_, peer_);
    co_await send(commands_.accept_publish(p));
}

void Session::on_media(const Message& m) {
    if (!live_) {
        counters_.early.Increment();
        return;
    }
    if (live_->ended()) {
        // Ended through the API (POST /end): tell the encoder and hang up.
        pending_replies_ = commands_.reject_publish(publish_, "NetStream.Publish.Rejected",
                                                    "the stream was ended by its broadcaster");
        close_reason_ = "stream ended";
        closing_ = true;
        live_.reset();
        return;
    }
    auto mapped = m.type == msg::kVideo ? mapper_.on_video(m) : mapper_.on_audio(m);
    if (mapped.malformed) {
        counters_.malformed.Increment();
        return;
    }
    if (!mapped.unsupported.empty()) {
        refuse_media(mapped.unsupported);
        return;
    }
    if (mapped.track) tracks_dirty_ = true;
    if (!mapped.packet) return;
    if (tracks_dirty_) {
        // Publish the tracks known when media starts (encoders send both sequence headers
        // first), and again whenever one changes (a new init segment downstream).
        tracks_.clear();
        track_index_[kVideoTrack] = track_index_[kAudioTrack] = -1;
        if (mapper_.video()) {
            track_index_[kVideoTrack] = static_cast<int>(tracks_.size());
            tracks_.push_back(*mapper_.video());
        }
        if (mapper_.audio()) {
            track_index_[kAudioTrack] = static_cast<int>(tracks_.size());
            tracks_.push_back(*mapper_.audio());
        }
        live_->publish_tracks(tracks_);
        tracks_dirty_ = false;
    }
    auto& p = *mapped.packet;
    int index = track_index_[p.track];
    if (index < 0) return;
    p.track = static_cast<std::uint32_t>(index);
    live_->publish_packet(std::move(p));
}

void Session::refuse_media(const std::string& what) {
    log()->error(
        "stream={} peer={} refused: {} is not supported; set the encoder to H.264 "
        "video and AAC audio",
        stream_id_, peer_, what);
    pending_replies_ =
        commands_.reject_publish(publish_, "NetStream.Publish.Rejected",
                                 what + " is not supported: use H.264 video and AAC audio");
    close_reason_ = "unsupported codec";
    closing_ = true;
}

void Session::stop_publishing() {
    if (!live_) return;
    log()->info("stream={} peer={} stopped publishing", stream_id_, peer_);
    auth_.unpublished(stream_id_, id_);
    live_.reset();
}

net::awaitable<void> Session::send(const std::vector<Message>& msgs) {
    std::vector<std::uint8_t> out;
    for (const auto& m : msgs) {
        write_chunks(out, m, out_chunk_size_);
        if (m.type == msg::kSetChunkSize && m.payload.size() == 4) {
            util::ByteReader r(m.payload);
            r.read_u32(out_chunk_size_);
        }
    }
    boost::system::error_code ec;
    stream_.expires_after(opts_.idle_timeout);
    co_await net::async_write(stream_, net::buffer(out), redirect_error(use_awaitable, ec));
    if (ec) closing_ = true;
}

}  // namespace nchat::ingest::rtmp::detail

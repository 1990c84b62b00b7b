#pragma once
// One RTMP connection, top to bottom like the protocol: handshake, then a loop that reads
// bytes, cuts them into messages and handles each (commands → replies, media → LiveStream).
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "ingest/rtmp/detail/chunk_reader.hpp"
#include "ingest/rtmp/detail/command_handler.hpp"
#include "ingest/rtmp/detail/media_mapper.hpp"
#include "ingest/rtmp/server.hpp"

namespace nchat::ingest::rtmp::detail {

struct Counters;

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(boost::beast::tcp_stream stream,
            std::uint64_t id,
            const ServerOptions& opts,
            PublishAuthorizer& auth,
            Counters& counters,
            std::shared_ptr<void> address_slot);
    boost::asio::awaitable<void> run();
    void close();  // from the server's stop(), on any thread
    boost::asio::any_io_executor executor() { return stream_.get_executor(); }

private:
    boost::asio::awaitable<bool> handshake();
    boost::asio::awaitable<void> on_message(Message m);
    boost::asio::awaitable<void> on_publish(const PublishRequest& p);
    void on_media(const Message& m);
    boost::asio::awaitable<void> send(const std::vector<Message>& msgs);
    void refuse_media(const std::string& what);
    void stop_publishing();
    // Before a publish is accepted: false (and the session closing) once the peer has sent
    // more messages or holds more bytes than a stranger may (limits.hpp).
    bool within_pre_publish_limits(std::size_t held);
    void release_pre_publish_bytes();

    boost::beast::tcp_stream stream_;
    std::uint64_t id_;
    const ServerOptions& opts_;
    PublishAuthorizer& auth_;
    Counters& counters_;
    std::shared_ptr<void> address_slot_;  // the server's per-address count
    std::string peer_;
    bool authorized_ = false;  // a publish was accepted on this connection
    std::size_t messages_before_publish_ = 0;
    std::size_t pre_publish_bytes_ = 0;  // our share of counters_.pre_publish_bytes

    ChunkReader reader_;
    CommandHandler commands_;
    MediaMapper mapper_;
    std::uint32_t out_chunk_size_ = 128;
    std::uint64_t bytes_in_ = 0;
    std::uint64_t last_ack_ = 0;
    bool closing_ = false;
    std::string close_reason_;

    std::string stream_id_;
    PublishRequest publish_;  // the accepted publish: its message stream carries our statuses
    std::shared_ptr<live::LiveStream> live_;
    std::vector<media::TrackInfo> tracks_;  // as published to the LiveStream
    int track_index_[2] = {-1, -1};         // mapper track id → index in tracks_
    bool tracks_dirty_ = false;
    std::vector<Message> pending_replies_;
};

}  // namespace nchat::ingest::rtmp::detail

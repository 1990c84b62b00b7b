#pragma once
// The command phase of an RTMP publish (RTMP 1.0 §7.2; the order librtmp/OBS and FFmpeg use,
// protocols.md §1): connect, releaseStream, FCPublish, createStream, publish, metadata,
// FCUnpublish, deleteStream, plus the protocol control messages. Pure: it turns incoming
// messages into replies and events; the session does the I/O and the stream-key check.
#include <optional>
#include <string>
#include <vector>

#include "ingest/rtmp/detail/amf0.hpp"
#include "ingest/rtmp/detail/message.hpp"

namespace nchat::ingest::rtmp {

struct PublishRequest {
    std::string key;  // the stream key, without any "?query"
    std::uint32_t stream_id = 0;
    double transaction = 0;
};

struct StreamMetadata {
    double width = 0, height = 0, frame_rate = 0;
    double video_kbps = 0, audio_kbps = 0;
    std::string encoder;
};

struct CommandOutput {
    std::vector<Message> replies;
    std::optional<PublishRequest> publish;  // the session must check the key, then answer
    std::optional<StreamMetadata> metadata;
    bool unpublish = false;
    bool close = false;  // after sending the replies
    std::string reason;  // why, for the log (never the key)
};

class CommandHandler {
public:
    static constexpr std::uint32_t kOurChunkSize = 4096;
    static constexpr std::uint32_t kWindowAckSize = 5'000'000;

    // A control, command or data message (not audio/video).
    CommandOutput on_message(const Message& m);

    // The session's answer to `publish`.
    std::vector<Message> accept_publish(const PublishRequest& p) const;
    // `code` is NetStream.Publish.BadName (wrong key, ended stream) or .Rejected / .Failed; the
    // session closes the connection after sending it (OBS ignores BadName otherwise).
    std::vector<Message> reject_publish(const PublishRequest& p,
                                        std::string_view code,
                                        std::string_view description) const;
    static Message ack(std::uint32_t bytes_received);

    // The peer's Window Acknowledgement Size: we must Ack every such many bytes (§5.4.4).
    std::uint32_t peer_window() const { return peer_window_; }
    bool connected() const { return connected_; }

private:
    CommandOutput on_command(const Message& m);
    CommandOutput on_data(const Message& m);

    bool connected_ = false;
    std::uint32_t peer_window_ = 0;
    std::uint32_t next_stream_id_ = 1;
};

}  // namespace nchat::ingest::rtmp

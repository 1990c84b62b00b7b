#include "ingest/rtmp/detail/command_handler.hpp"

namespace nchat::ingest::rtmp {
namespace {

constexpr std::uint32_t kControlCsid = 2;  // §5.4: protocol control on chunk stream 2
constexpr std::uint32_t kCommandCsid = 3;

Message control(std::uint8_t type, std::vector<std::uint8_t> payload) {
    return {kControlCsid, 0, type, 0, std::move(payload)};
}

std::vector<std::uint8_t> u32_payload(std::uint32_t v) {
    std::vector<std::uint8_t> p;
    util::ByteWriter(p).u32(v);
    return p;
}

Message command(std::uint32_t stream_id, const std::vector<Amf0Value>& values) {
    Message m{kCommandCsid, 0, msg::kCommandAmf0, stream_id, {}};
    util::ByteWriter w(m.payload);
    for (const auto& v : values)
        encode_amf0(w, v);
    return m;
}

Message user_control(std::uint16_t event, std::uint32_t value) {
    std::vector<std::uint8_t> p;
    util::ByteWriter w(p);
    w.u16(event);
    w.u32(value);
    return control(msg::kUserControl, std::move(p));
}

Amf0Value status(std::string_view level, std::string_view code, std::string_view description) {
    return Amf0Value::object({{"level", Amf0Value::str(std::string(level))},
                              {"code", Amf0Value::str(std::string(code))},
                              {"description", Amf0Value::str(std::string(description))}});
}

double number_of(const std::vector<Amf0Value>& v, std::size_t i) {
    return i < v.size() && v[i].is_number() ? v[i].number : 0;
}

std::string string_of(const std::vector<Amf0Value>& v, std::size_t i) {
    return i < v.size() && v[i].is_string() ? v[i].string : std::string();
}

// "live", "live/", "/live" are the application our ingestUrl names.
bool is_live_app(std::string app) {
    while (!app.empty() && app.back() == '/')
        app.pop_back();
    while (!app.empty() && app.front() == '/')
        app.erase(app.begin());
    return app == "live";
}

}  // namespace

CommandOutput CommandHandler::on_message(const Message& m) {
    CommandOutput out;
    util::ByteReader r(m.payload);
    switch (m.type) {
        case msg::kWindowAckSize: {
            std::uint32_t v = 0;
            if (r.read_u32(v)) peer_window_ = v;
            return out;
        }
        case msg::kUserControl: {
            std::uint16_t event = 0;
            std::uint32_t value = 0;
            if (r.read_u16(event) && r.read_u32(value) && event == 6) {  // PingRequest
                out.replies.push_back(user_control(7, value));           // PingResponse
            }
            return out;
        }
        case msg::kCommandAmf0:
            return on_command(m);
        case msg::kDataAmf0:
            return on_data(m);
        case msg::kCommandAmf3:
        case msg::kDataAmf3:
            // AMF3 messages start with a 0 format byte and then AMF0 in practice (§7.1.1).
            if (!m.payload.empty() && m.payload[0] == 0) {
                Message inner = m;
                inner.payload.erase(inner.payload.begin());
                inner.type = m.type == msg::kCommandAmf3 ? msg::kCommandAmf0 : msg::kDataAmf0;
                return on_message(inner);
            }
            return out;
        default:
            return out;  // Set Chunk Size / Abort were applied by the reader; Ack ignored
    }
}

CommandOutput CommandHandler::on_command(const Message& m) {
    CommandOutput out;
    auto values = decode_amf0_all(m.payload);
    if (!values || values->empty() || !(*values)[0].is_string()) {
        out.close = true;
        out.reason = "malformed command";
        return out;
    }
    const auto& name = (*values)[0].string;
    double tx = number_of(*values, 1);

    if (name == "connect") {
        const Amf0Value* app = values->size() > 2 ? (*values)[2].get("app") : nullptr;
        if (!app || !app->is_string() || !is_live_app(app->string)) {
            out.replies.push_back(
                command(0, {Amf0Value::str("_error"), Amf0Value::num(tx), Amf0Value::null(),
                            status("error", "NetConnection.Connect.Rejected",
                                   "unknown application: publish to rtmp://HOST:PORT/live")}));
            out.close = true;
            out.reason = "connect to an unknown application";
            return out;
        }
        connected_ = true;
        out.replies.push_back(control(msg::kWindowAckSize, u32_payload(kWindowAckSize)));
        auto bw = u32_payload(kWindowAckSize);
        bw.push_back(2);  // dynamic
        out.replies.push_back(control(msg::kSetPeerBandwidth, std::move(bw)));
        out.replies.push_back(control(msg::kSetChunkSize, u32_payload(kOurChunkSize)));
        out.replies.push_back(user_control(0, 0));  // StreamBegin(0)
        out.replies.push_back(command(
            0, {Amf0Value::str("_result"), Amf0Value::num(tx),
                Amf0Value::object({{"fmsVer", Amf0Value::str("FMS/3,0,1,123")},
                                   {"capabilities", Amf0Value::num(31)}}),
                Amf0Value::object({{"level", Amf0Value::str("status")},
                                   {"code", Amf0Value::str("NetConnection.Connect.Success")},
                                   {"description", Amf0Value::str("Connection succeeded.")},
                                   {"objectEncoding", Amf0Value::num(0)}})}));
        return out;
    }
    if (!connected_) {
        out.close = true;
        out.reason = "command before connect";
        return out;
    }
    if (name == "releaseStream" || name == "FCPublish") {
        // librtmp does not wait for these; answering keeps clients that do happy.
        if (tx != 0) {
            out.replies.push_back(
                command(0, {Amf0Value::str("_result"), Amf0Value::num(tx), Amf0Value::null(),
                            Amf0Value{.type = Amf0Value::Type::undefined}}));
        }
        return out;
    }
    if (name == "createStream") {
        // One publish per connection: a second createStream gets a fresh id but only the
        // first publish is honoured by the session.
        out.replies.push_back(command(0, {Amf0Value::str("_result"), Amf0Value::num(tx),
                                          Amf0Value::null(), Amf0Value::num(next_stream_id_)}));
        ++next_stream_id_;
        return out;
    }
    if (name == "publish") {
        auto key = string_of(*values, 3);
        if (auto q = key.find('?'); q != std::string::npos) key.resize(q);
        out.publish = PublishRequest{key, m.stream_id, tx};
        return out;
    }
    if (name == "FCUnpublish" || name == "deleteStream" || name == "closeStream") {
        out.unpublish = true;
        return out;
    }
    if (name == "play" || name == "play2") {
        out.replies.push_back(
            command(m.stream_id, {Amf0Value::str("onStatus"), Amf0Value::num(0), Amf0Value::null(),
                                  status("error", "NetStream.Play.Failed",
                                         "this server takes publishers only; "
                                         "watch over HLS")}));
        out.close = true;
        out.reason = "play is not served over RTMP";
        return out;
    }
    return out;  // getStreamLength, _checkbw, ...: ignored
}

CommandOutput CommandHandler::on_data(const Message& m) {
    CommandOutput out;
    auto values = decode_amf0_all(m.payload);
    if (!values || values->empty()) return out;  // unreadable metadata is not fatal
    std::size_t i = 0;
    if ((*values)[0].is_string() && (*values)[0].string == "@setDataFrame") i = 1;
    if (i >= values->size() || !(*values)[i].is_string() || (*values)[i].string != "onMetaData" ||
        i + 1 >= values->size()) {
        return out;
    }
    const auto& meta = (*values)[i + 1];
    auto num = [&](const char* k) {
        auto* v = meta.get(k);
        return v && v->is_number() ? v->number : 0.0;
    };
    StreamMetadata md;
    md.width = num("width");
    md.height = num("height");
    md.frame_rate = num("framerate");
    md.video_kbps = num("videodatarate");
    md.audio_kbps = num("audiodatarate");
    if (auto* e = meta.get("encoder"); e && e->is_string()) md.encoder = e->string;
    out.metadata = md;
    return out;
}

std::vector<Message> CommandHandler::accept_publish(const PublishRequest& p) const {
    return {user_control(0, p.stream_id),
            command(p.stream_id, {Amf0Value::str("onStatus"), Amf0Value::num(0), Amf0Value::null(),
                                  status("status", "NetStream.Publish.Start", "Publishing.")})};
}

std::vector<Message> CommandHandler::reject_publish(const PublishRequest& p,
                                                    std::string_view code,
                                                    std::string_view description) const {
    return {command(p.stream_id, {Amf0Value::str("onStatus"), Amf0Value::num(0), Amf0Value::null(),
                                  status("error", code, description)})};
}

Message CommandHandler::ack(std::uint32_t bytes_received) {
    return control(msg::kAck, u32_payload(bytes_received));
}

}  // namespace nchat::ingest::rtmp

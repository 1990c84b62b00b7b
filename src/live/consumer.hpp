#pragma once
// Something fed by a LiveStream: the HLS packager, the transcoder, the recorder, a WHEP
// forwarder. Every call comes on the stream's strand and must not block (STYLE.md, Asio):
// a consumer that needs to do slow work queues it (bounded) and returns.
#include <vector>

#include "media/packet.hpp"
#include "media/track.hpp"

namespace nchat::live {

class Consumer {
public:
    virtual ~Consumer() = default;
    // The tracks, on attach and whenever a sequence header changes them (new init segment).
    virtual void on_tracks(const std::vector<media::TrackInfo>& tracks) = 0;
    virtual void on_packet(const media::MediaPacket& p) = 0;
    // The publisher came back within the grace period: timestamps restart.
    virtual void on_discontinuity() {}
    // This consumer's media stops for a while though the stream goes on (a transcoded
    // rendition shed under load); it resumes with a keyframe. HLS lists the stretch as GAP.
    virtual void on_gap() {}
    // The stream ended; no more calls follow.
    virtual void on_end() {}
};

}  // namespace nchat::live

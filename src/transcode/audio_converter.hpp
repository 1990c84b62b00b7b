#pragma once
// Audio from one codec to another, once per stream, for consumers outside the ladder: WebRTC
// viewers (WHEP) of an RTMP stream need its AAC as Opus. The ladder's own audio path uses the
// same transcoder (detail/audio_transcoder.hpp); this header keeps FFmpeg out of its users.
#include <memory>
#include <string>
#include <vector>

#include "media/packet.hpp"
#include "media/track.hpp"

namespace nchat::transcode {

namespace detail {
class AudioTranscoder;
}

class AudioConverter {
public:
    // nullptr, with `why`, when the pair is not one we convert (AAC ⇄ Opus) or FFmpeg lacks a
    // codec.
    static std::unique_ptr<AudioConverter> open(const media::TrackInfo& in,
                                                media::Codec out,
                                                std::string& why);
    ~AudioConverter();

    const media::TrackInfo& track() const;  // what comes out
    // One source packet; appends what the encoder gives back (timescale of `track()`). False on
    // a packet that does not decode (it is dropped; later ones still work).
    bool push(const media::MediaPacket& p, std::vector<media::MediaPacket>& out);

private:
    explicit AudioConverter(std::unique_ptr<detail::AudioTranscoder> t);
    std::unique_ptr<detail::AudioTranscoder> t_;
};

}  // namespace nchat::transcode

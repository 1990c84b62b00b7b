#include "transcode/audio_converter.hpp"

#include "transcode/detail/audio_transcoder.hpp"

namespace nchat::transcode {

std::unique_ptr<AudioConverter> AudioConverter::open(const media::TrackInfo& in,
                                                     media::Codec out,
                                                     std::string& why) {
    auto t = detail::AudioTranscoder::open(in, out, why);
    if (!t) return nullptr;
    return std::unique_ptr<AudioConverter>(new AudioConverter(std::move(t)));
}

AudioConverter::AudioConverter(std::unique_ptr<detail::AudioTranscoder> t) : t_(std::move(t)) {}
AudioConverter::~AudioConverter() = default;

const media::TrackInfo& AudioConverter::track() const {
    return t_->track();
}

bool AudioConverter::push(const media::MediaPacket& p, std::vector<media::MediaPacket>& out) {
    return t_->push(p, out);
}

}  // namespace nchat::transcode

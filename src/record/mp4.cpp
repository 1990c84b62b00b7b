#include "record/mp4.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/error.h>
}

#include <fstream>
#include <memory>

namespace nchat::record {
namespace fs = std::filesystem;

namespace {

class FfmpegCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "ffmpeg"; }
    std::string message(int code) const override {
        char buf[AV_ERROR_MAX_STRING_SIZE] = {};
        av_strerror(code, buf, sizeof buf);
        return buf;
    }
};

std::error_code av_error(int code) {
    return {code, ffmpeg_category()};
}

struct InputClose {
    void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct OutputFree {
    void operator()(AVFormatContext* c) const {
        if (c->pb) avio_closep(&c->pb);
        avformat_free_context(c);
    }
};
struct PacketFree {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};

bool same_file(const fs::path& a, const fs::path& b) {
    std::ifstream fa(a, std::ios::binary);
    std::ifstream fb(b, std::ios::binary);
    if (!fa || !fb) return false;
    std::string x((std::istreambuf_iterator<char>(fa)), std::istreambuf_iterator<char>());
    std::string y((std::istreambuf_iterator<char>(fb)), std::istreambuf_iterator<char>());
    return x == y;
}

// init + segments, as one fragmented MP4.
std::error_code join(const fs::path& dir,
                     std::span<const IndexEntry> entries,
                     const fs::path& out,
                     bool* truncated) {
    std::ofstream o(out, std::ios::binary | std::ios::trunc);
    if (!o) return std::make_error_code(std::errc::io_error);
    auto append = [&](const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        if (!in) return false;
        o << in.rdbuf();
        return static_cast<bool>(o);
    };
    if (!append(dir / init_file(entries.front().init_generation)))
        return std::make_error_code(std::errc::no_such_file_or_directory);
    const fs::path first_init = dir / init_file(entries.front().init_generation);
    for (const auto& e : entries) {
        if (e.init_generation != entries.front().init_generation &&
            !same_file(first_init, dir / init_file(e.init_generation))) {
            *truncated = true;
            break;
        }
        if (e.gap) continue;
        if (!append(dir / segment_file(e.msn))) return std::make_error_code(std::errc::io_error);
    }
    o.close();
    return o ? std::error_code{} : std::make_error_code(std::errc::io_error);
}

std::error_code remux(const fs::path& in_path, const fs::path& out_path) {
    AVFormatContext* raw_in = nullptr;
    if (int r = avformat_open_input(&raw_in, in_path.c_str(), nullptr, nullptr); r < 0)
        return av_error(r);
    std::unique_ptr<AVFormatContext, InputClose> in(raw_in);
    if (int r = avformat_find_stream_info(in.get(), nullptr); r < 0) return av_error(r);
    AVFormatContext* raw_out = nullptr;
    if (int r = avformat_alloc_output_context2(&raw_out, nullptr, "mp4", out_path.c_str()); r < 0)
        return av_error(r);
    std::unique_ptr<AVFormatContext, OutputFree> out(raw_out);
    for (unsigned i = 0; i < in->nb_streams; ++i) {
        AVStream* s = avformat_new_stream(out.get(), nullptr);
        if (!s) return av_error(AVERROR(ENOMEM));
        if (int r = avcodec_parameters_copy(s->codecpar, in->streams[i]->codecpar); r < 0)
            return av_error(r);
        s->codecpar->codec_tag = 0;
        s->time_base = in->streams[i]->time_base;
    }
    if (int r = avio_open(&out->pb, out_path.c_str(), AVIO_FLAG_WRITE); r < 0) return av_error(r);
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "movflags", "faststart", 0);
    int r = avformat_write_header(out.get(), &opts);
    av_dict_free(&opts);
    if (r < 0) return av_error(r);
    std::unique_ptr<AVPacket, PacketFree> pkt(av_packet_alloc());
    while ((r = av_read_frame(in.get(), pkt.get())) >= 0) {
        const AVStream* is = in->streams[pkt->stream_index];
        const AVStream* os = out->streams[pkt->stream_index];
        av_packet_rescale_ts(pkt.get(), is->time_base, os->time_base);
        pkt->pos = -1;
        r = av_interleaved_write_frame(out.get(), pkt.get());
        av_packet_unref(pkt.get());
        if (r < 0) return av_error(r);
    }
    if (r != AVERROR_EOF) return av_error(r);
    if ((r = av_write_trailer(out.get())) < 0) return av_error(r);
    return {};
}

}  // namespace

const std::error_category& ffmpeg_category() {
    static const FfmpegCategory c;
    return c;
}

std::error_code make_mp4(const fs::path& rendition_dir,
                         std::span<const IndexEntry> entries,
                         const fs::path& out,
                         bool* truncated) {
    *truncated = false;
    if (entries.empty()) return std::make_error_code(std::errc::no_such_file_or_directory);
    fs::path joined = out;
    joined += ".fmp4.tmp";
    fs::path partial = out;
    partial += ".tmp";
    auto ec = join(rendition_dir, entries, joined, truncated);
    if (!ec) ec = remux(joined, partial);
    std::error_code ignored;
    fs::remove(joined, ignored);
    if (!ec) fs::rename(partial, out, ec);
    if (ec) fs::remove(partial, ignored);
    return ec;
}

}  // namespace nchat::record

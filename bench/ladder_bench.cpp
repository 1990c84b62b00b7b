// Drives the server's Transcoder with a file (issue 5, docs/BENCHMARKS.md "Transcoding ladder"):
// the file becomes MediaPackets exactly as the RTMP ingest makes them, and is fed on a strand
// either as fast as the transcoder takes it (CPU and frames/s) or paced at real time
// (--realtime: does it keep up, and does it shed instead of falling behind). Each rendition
// can be written to DIR/<name>.mp4 for PSNR.
//
//   nchat-ladder-bench FILE [--out DIR] [--top auto|passthrough|transcode] [--preset P]
//       [--tune T] [--x264-params S] [--threads N] [--keyframes source|SECONDS]
//       [--max-resolution 1080p] [--realtime] [--seconds S] [--shed-lag-ms N] [--id NAME]
//       [--verbose]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include "bench/file_source.hpp"
#include "bench/mp4_sink.hpp"
#include "transcode/ffmpeg_log.hpp"
#include "transcode/transcoder.hpp"

namespace {

using namespace nchat;
using Clock = std::chrono::steady_clock;

struct Args {
    std::string file;
    std::string out;
    std::string max_resolution;
    std::string id = "bench";
    bool realtime = false;
    bool verbose = false;
    double seconds = 0;  // 0 = the file once; more loops it
    transcode::LadderConfig config;
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr, "nchat-ladder-bench: %s (see the header of bench/ladder_bench.cpp)\n",
                 why);
    std::exit(2);
}

Args parse(int argc, char** argv) {
    Args a;
    a.config.shed_lag_ms = -1;  // decided below
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(("missing value for " + k).c_str());
            return argv[++i];
        };
        if (k == "--out") {
            a.out = value();
        } else if (k == "--top") {
            auto m = transcode::parse_top_rung_mode(value());
            if (!m) usage("--top: auto, passthrough or transcode");
            a.config.top_rung = *m;
        } else if (k == "--preset") {
            a.config.preset = value();
        } else if (k == "--tune") {
            a.config.tune = value();
        } else if (k == "--x264-params") {
            a.config.x264_params = value();
        } else if (k == "--threads") {
            a.config.encoder_threads = std::stoi(value());
        } else if (k == "--keyframes") {
            auto p = transcode::parse_keyframe_policy(value());
            if (!p) usage("--keyframes: source or 0.5-10 seconds");
            a.config.keyframe_interval = *p;
        } else if (k == "--max-resolution") {
            a.max_resolution = value();
        } else if (k == "--realtime") {
            a.realtime = true;
        } else if (k == "--seconds") {
            a.seconds = std::stod(value());
        } else if (k == "--shed-lag-ms") {
            a.config.shed_lag_ms = std::stoi(value());
        } else if (k == "--id") {
            a.id = value();
        } else if (k == "--verbose") {
            a.verbose = true;
        } else if (!k.empty() && k[0] != '-' && a.file.empty()) {
            a.file = k;
        } else {
            usage(("unknown argument " + k).c_str());
        }
    }
    if (a.file.empty()) usage("no input file");
    // As fast as it can, the transcoder is always "behind real time": no shedding then.
    if (a.config.shed_lag_ms < 0) a.config.shed_lag_ms = a.realtime ? 1000 : 0;
    a.config.max_concurrent = 0;
    return a;
}

struct Cpu {
    double user = 0;
    double sys = 0;
};

Cpu cpu_now() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return {static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec) / 1e6,
            static_cast<double>(u.ru_stime.tv_sec) + static_cast<double>(u.ru_stime.tv_usec) / 1e6};
}

}  // namespace

int main(int argc, char** argv) {
    const Args args = parse(argc, argv);
    transcode::route_ffmpeg_logs(AV_LOG_ERROR);
    spdlog::set_level(args.verbose ? spdlog::level::info : spdlog::level::warn);
    const bench::Source src = bench::read_source(args.file);
    if (!args.out.empty()) std::filesystem::create_directories(args.out);
    const std::int64_t target_ms =
        args.seconds > 0 ? static_cast<std::int64_t>(args.seconds * 1000) : src.duration_ms;

    boost::asio::io_context ioc;
    auto work = boost::asio::make_work_guard(ioc);
    auto strand = boost::asio::make_strand(ioc);
    std::thread io([&] { ioc.run(); });

    std::mutex mu;
    std::map<std::string, std::shared_ptr<bench::Mp4Sink>> sinks;
    auto factory = [&](const transcode::Rung& r) {
        auto s = std::make_shared<bench::Mp4Sink>(
            args.out.empty() ? "" : args.out + "/" + r.name + ".mp4");
        std::lock_guard lock(mu);
        sinks[r.name] = s;
        return s;
    };
    transcode::TranscoderOptions opts;
    opts.stream_id = args.id;
    auto tc = std::make_unique<transcode::Transcoder>(strand, args.config, args.max_resolution,
                                                      factory, opts);

    const Cpu cpu0 = cpu_now();
    const auto t0 = Clock::now();
    std::atomic<bool> feeding{true};
    std::atomic<double> max_lag{0};
    std::thread monitor([&] {
        auto next = Clock::now();
        while (feeding.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            const auto s = tc->stats();
            if (s.lag_ms > max_lag.load()) max_lag.store(s.lag_ms);
            if (args.verbose && Clock::now() >= next) {
                next += std::chrono::seconds(1);
                std::fprintf(stderr, "[%s] t=%.0fs lag=%.0fms speed=%.2f queue=%zu shed_level=%d\n",
                             args.id.c_str(),
                             std::chrono::duration<double>(Clock::now() - t0).count(), s.lag_ms,
                             s.speed, s.queue_depth, s.shed_level);
            }
        }
    });

    boost::asio::post(strand, [&] { tc->on_tracks(src.tracks); });
    std::atomic<int> inflight{0};
    std::size_t frames_fed = 0;
    for (std::int64_t offset_ms = 0; offset_ms < target_ms; offset_ms += src.duration_ms) {
        for (const auto& p : src.packets) {
            const auto& t = src.tracks[p.track];
            const std::int64_t ms = offset_ms + p.dts * 1000 / t.timescale;
            if (ms >= target_ms) break;
            media::MediaPacket q = p;
            const std::int64_t shift = offset_ms * t.timescale / 1000;
            q.dts += shift;
            q.pts += shift;
            if (args.realtime) {
                std::this_thread::sleep_until(t0 + std::chrono::milliseconds(ms));
            } else {
                // Keep the transcoder's queue fed (~2 s of media) but never full: nothing may
                // be dropped. Coarse polling: the feeder's own wake-ups are not the
                // transcoder's cost.
                while (inflight.load() > 64 || tc->stats().queue_depth > 150)
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            frames_fed += p.track == 0;
            inflight.fetch_add(1);
            boost::asio::post(strand, [&, q = std::move(q)] {
                tc->on_packet(q);
                inflight.fetch_sub(1);
            });
        }
    }
    const auto end_stats = tc->stats();
    boost::asio::post(strand, [&] { tc->on_end(); });
    while (true) {
        bool done = tc->finished();
        {
            std::lock_guard lock(mu);
            for (auto& [name, s] : sinks)
                done = done && s->ended.load();
        }
        if (done) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    const Cpu cpu1 = cpu_now();
    const double user = cpu1.user - cpu0.user;
    const double sys = cpu1.sys - cpu0.sys;
    const double cpu = user + sys;
    feeding.store(false);
    monitor.join();
    const auto s = tc->stats();
    tc.reset();
    work.reset();
    io.join();

    const double media_s = static_cast<double>(target_ms) / 1000;
    std::printf(
        "RESULT id=%s wall_s=%.3f cpu_s=%.3f user_s=%.3f sys_s=%.3f media_s=%.3f "
        "cpu_per_media_s=%.4f fps=%.1f "
        "speed=%.3f max_lag_ms=%.0f end_lag_ms=%.0f shed_level=%d input_dropped=%llu events=%zu\n",
        args.id.c_str(), wall, cpu, user, sys, media_s, cpu / media_s,
        static_cast<double>(frames_fed) / wall, media_s / wall, max_lag.load(), end_stats.lag_ms,
        s.shed_level, static_cast<unsigned long long>(s.input_dropped), s.events.size());
    for (const auto& r : s.renditions) {
        const auto& sink = sinks[r.name];
        std::printf(
            "RUNG id=%s name=%s size=%dx%d mode=%s frames=%zu keyframes=%zu kbps=%.0f dropped=%llu "
            "shed=%d times_shed=%llu encode_us=%.0f\n",
            args.id.c_str(), r.name.c_str(), r.width, r.height, r.passthrough ? "pass" : "enc",
            sink->video_packets, sink->keyframes,
            static_cast<double>(sink->bytes[0]) * 8 / media_s / 1000,
            static_cast<unsigned long long>(r.dropped), r.shed ? 1 : 0,
            static_cast<unsigned long long>(r.times_shed), r.encode_us_per_frame);
    }
    for (const auto& e : s.events)
        std::printf("EVENT id=%s %s\n", args.id.c_str(), e.c_str());
    return 0;
}

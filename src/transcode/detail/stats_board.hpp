#pragma once
// Where the worker threads leave their counters and stats() reads them: atomics per rung,
// a mutex for the parts that are not numbers.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "transcode/ladder.hpp"
#include "transcode/stats.hpp"

namespace nchat::transcode::detail {

struct RungCounters {
    std::atomic<std::uint64_t> frames_in{0};
    std::atomic<std::uint64_t> frames_out{0};
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::uint64_t> times_shed{0};
    std::atomic<bool> shed{false};
    std::atomic<double> encode_us{0};
    std::atomic<std::size_t> queue_depth{0};
};

class StatsBoard {
public:
    void set_rungs(std::vector<std::pair<Rung, std::shared_ptr<RungCounters>>> rungs);
    // A shed/recover decision, for stats().events (the latest few are kept).
    void event(std::string what);
    void set_error(std::string what);

    // Fills renditions, events and error, and the numbers below.
    void fill(TranscoderStats& s) const;

    std::atomic<double> lag_ms{0};
    std::atomic<double> speed{0};
    std::atomic<int> shed_level{0};
    std::atomic<int> frame_drop_level{0};
    std::atomic<double> source_keyframe_interval_s{0};  // the latest, 0 until two were seen
    std::atomic<bool> long_gop{false};
    std::atomic<int> top_plan{0};  // worker.hpp TopPlan

private:
    mutable std::mutex mu_;
    std::vector<std::pair<Rung, std::shared_ptr<RungCounters>>> rungs_;
    std::vector<std::string> events_;
    std::string error_;
};

}  // namespace nchat::transcode::detail

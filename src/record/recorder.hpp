#pragma once
// Automatic recording (issue 16, docs/recording.md): every rendition's CMAF segments written as
// the packager completes them (no second encode), off the stream and network threads, to
//   <root>/<streamId>/recording.json          state, start, end, error
//   <root>/<streamId>/master.m3u8             the multivariant playlist as the stream had it
//   <root>/<streamId>/<rendition>/init{g}.mp4, seg{msn}.m4s, index.txt (record/index.hpp)
// A full disk or an I/O error stops the recording, never the stream.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "record/detail/writer.hpp"
#include "record/index.hpp"
#include "record/timeline.hpp"
#include "util/clock.hpp"

namespace nchat::record {

// A complete segment of one rendition, as the packager made it (its buffers shared, not copied).
struct SegmentData {
    std::uint64_t msn = 0;
    std::int64_t duration_us = 0;
    bool discontinuity = false;
    bool gap = false;
    std::uint32_t init_generation = 0;
    Buffer init;
    std::int64_t program_date_ms = 0;
    std::vector<Buffer> parts;
};

enum class State { recording, complete, failed, interrupted };
const char* to_string(State s);

struct Info {
    State state = State::recording;
    std::string error;
    std::int64_t duration_ms = 0;  // of the longest rendition
    std::uint64_t size_bytes = 0;  // every rendition
    std::vector<std::string> renditions;
    std::string started_at;  // ISO 8601, empty if unknown
    std::string ended_at;
    bool mp4 = false;  // recording.mp4 (the best rendition, remuxed) is ready
};

struct RecorderOptions {
    std::filesystem::path root;
    // Bytes waiting for the disk, all streams together (a 4-rung stream writes ~1 MB/s).
    std::size_t max_queued_bytes = 256u << 20;
};

struct RecorderStats {
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<std::uint64_t> segments{0};
    std::atomic<std::uint64_t> failures{0};
};

class Recorder;

// One stream's recording. The segment calls come on the stream strand; finish from anywhere.
class Recording final : public Track, public std::enable_shared_from_this<Recording> {
public:
    Recording(Recorder& recorder, std::string stream_id, std::filesystem::path dir);

    void on_segment(const std::string& rendition, const SegmentData& s);
    // The latest multivariant playlist; written with the end (and once at the first segment).
    void on_master_playlist(std::string text);
    // The recording completes when every rendition that sent a segment has ended.
    void on_rendition_end(const std::string& rendition);
    // The stream is over whatever its renditions say: complete now if not yet done.
    void finish();

    Info info() const;
    // The media time of a wall-clock instant (Unix ms) on what is recorded so far, the live edge
    // included (record/timeline.hpp); thread-safe.
    std::optional<std::int64_t> media_ms_at(std::int64_t unix_ms) const;
    // What an earlier run left of this recording's `rendition` (a restart while live): its
    // timeline goes on from there.
    void continue_timeline(const std::string& rendition, MediaTimeline earlier);
    State state() const { return state_.load(); }
    bool failed() const override { return state_.load() == State::failed; }
    void fail(const std::string& what, std::error_code ec) override;

private:
    struct RenditionFiles {  // on the writer thread
        std::uint32_t last_init = ~std::uint32_t{0};
        bool first = true;
    };
    // `always`: runs even after the recording failed.
    void queue(std::size_t bytes, std::string what, Writer::Work work, bool always = false);
    bool mark_failed(const std::string& what, std::error_code ec);
    void complete_locked();
    // On the writer thread, after the completion: recording.mp4 from the best rendition.
    void make_download();
    std::error_code open_on_writer();  // dirs, offsets from an earlier run's index
    std::string json_locked(State state) const;

    Recorder& recorder_;
    const std::string stream_id_;
    const std::filesystem::path dir_;
    std::atomic<State> state_{State::recording};
    std::atomic<bool> mp4_{false};

    mutable std::mutex error_mu_;  // after mu_ when both are held
    std::string error_;
    mutable std::mutex mu_;  // what follows, read by info()
    std::string master_;
    bool master_written_ = false;
    bool finishing_ = false;
    std::map<std::string, bool> ended_;  // renditions seen: ended?
    std::map<std::string, std::int64_t> duration_us_;
    std::int64_t thumbnail_at_ms_ = 0;  // program date of the segment the last one came from
    // Each rendition's segments so far (the best one is known only once the multivariant
    // playlist is, after its first segment).
    std::map<std::string, MediaTimeline, std::less<>> timelines_;
    std::uint64_t bytes_ = 0;
    std::string started_at_;
    std::string ended_at_;

    // On the writer thread only.
    bool opened_ = false;
    std::uint64_t msn_offset_ = 0;
    std::uint32_t init_offset_ = 0;
    bool resumed_ = false;  // an earlier run's segments are there: the next one is discontinuous
    std::map<std::string, RenditionFiles> files_;
};

class Recorder {
public:
    Recorder(RecorderOptions options, util::Clock& clock);
    ~Recorder();  // writes what is queued

    // Starts the recording of `stream_id` (a recording an earlier run left is continued after a
    // discontinuity). nullptr for an id that cannot name a directory.
    std::shared_ptr<Recording> start(const std::string& stream_id);
    // The active recording of the stream, or what its files say; nullopt when none.
    std::optional<Info> info(const std::string& stream_id) const;
    // The stream's recording directory; nullopt for an id that cannot be one.
    std::optional<std::filesystem::path> dir(std::string_view stream_id) const;
    // The stream is over: its recording completes now if its renditions have not said so.
    void finish(std::string_view stream_id);
    // Takedown: the files leave every URL at once (renamed aside, deleted on the writer thread).
    // False while the stream is being recorded, or when it has no recording.
    bool remove(std::string_view stream_id);
    // recording.mp4 of a stream whose recording is done; nullopt when there is none (yet).
    std::optional<std::filesystem::path> download(std::string_view stream_id) const;
    // The stream's latest thumbnail.jpg (docs/recording.md); nullopt when there is none.
    std::optional<std::filesystem::path> thumbnail(std::string_view stream_id) const;
    // The best rendition recorded so far (the first of its multivariant playlist); "" if none.
    std::string best_rendition(std::string_view stream_id) const;
    // Retention: queues, on the disk thread, the deletion of every finished recording that ended
    // more than `max_age` ago (a takedown's way: gone from every URL). Returns at once.
    void sweep(std::chrono::hours max_age);
    // The media time of a wall-clock instant on the recording being written now; nullopt when
    // there is none here. Cheap (no file read): called for every chat message and reaction.
    std::optional<std::int64_t> media_ms_at(std::string_view stream_id, std::int64_t unix_ms) const;
    // The timeline of the stream's recording, from its best rendition's index on disk (the file
    // read is the caller's); `live` when it is being written now. nullopt when there is none.
    struct Timeline {
        MediaTimeline timeline;
        bool live = false;
    };
    std::optional<Timeline> timeline(std::string_view stream_id) const;
    // Its recording is being written now (its replay waits until it completes).
    bool recording_now(std::string_view stream_id) const;

    const RecorderStats& stats() const { return stats_; }
    Writer& writer() { return writer_; }
    util::Clock& clock() { return clock_; }

private:
    friend class Recording;
    // On the writer thread: the finished recordings older than `cutoff`.
    std::vector<std::string> expired(util::Time cutoff) const;
    RecorderOptions options_;
    util::Clock& clock_;
    RecorderStats stats_;
    mutable std::mutex mu_;
    std::map<std::string, std::weak_ptr<Recording>, std::less<>> active_;
    Writer writer_;  // last: joined first, while the rest is alive
};

// A stream id or rendition name that is safe as one path component ([A-Za-z0-9_-], 1-64).
bool safe_name(std::string_view s);
// Reads a whole small file (nullopt if missing or over `limit` bytes).
std::optional<std::string> read_small_file(const std::filesystem::path& p, std::size_t limit);
// A rendition directory's index.txt (empty when there is none).
std::vector<IndexEntry> read_index(const std::filesystem::path& rendition_dir);

}  // namespace nchat::record

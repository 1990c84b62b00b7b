#include "record/recorder.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>

#include <nlohmann/json.hpp>

#include "record/index.hpp"
#include "record/mp4.hpp"
#include "record/thumbnail.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

namespace nchat::record {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxSmallFile = 1u << 20;

// The rendition names of a multivariant playlist ("720p/index.m3u8" lines), best first.
std::vector<std::string> renditions_of(const std::string& master) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < master.size()) {
        auto nl = master.find('\n', pos);
        if (nl == std::string::npos) nl = master.size();
        std::string_view line(master.data() + pos, nl - pos);
        pos = nl + 1;
        if (line.empty() || line.front() == '#') continue;
        auto slash = line.find('/');
        if (slash != std::string_view::npos && safe_name(line.substr(0, slash)))
            out.emplace_back(line.substr(0, slash));
    }
    return out;
}

State parse_state(const std::string& s) {
    if (s == "complete") return State::complete;
    if (s == "failed") return State::failed;
    return State::interrupted;  // "recording" with no recording running: the server stopped
}

}  // namespace

const char* to_string(State s) {
    switch (s) {
        case State::recording:
            return "recording";
        case State::complete:
            return "complete";
        case State::failed:
            return "failed";
        case State::interrupted:
            return "interrupted";
    }
    return "unknown";
}

bool safe_name(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

std::optional<std::string> read_small_file(const fs::path& p, std::size_t limit) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::string out;
    out.resize(limit + 1);
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n > limit) return std::nullopt;
    out.resize(n);
    return out;
}

std::vector<IndexEntry> read_index(const fs::path& rendition_dir) {
    // Sized by the file, not by the limit: a timeline or a clip reads one on a request.
    std::error_code ec;
    const auto path = rendition_dir / "index.txt";
    const auto size = fs::file_size(path, ec);
    if (ec || size > kMaxIndexBytes) return {};
    auto text = read_small_file(path, static_cast<std::size_t>(size) + 4096);  // still growing
    return text ? parse_index(*text, kMaxIndexEntries) : std::vector<IndexEntry>{};
}

Recording::Recording(Recorder& recorder, std::string stream_id, fs::path dir)
    : recorder_(recorder), stream_id_(std::move(stream_id)), dir_(std::move(dir)) {
    started_at_ = util::format_iso8601(recorder_.clock().now());
}

void Recording::queue(std::size_t bytes, std::string what, Writer::Work work, bool always) {
    auto owner = always ? nullptr : shared_from_this();
    if (!recorder_.writer().push(owner, bytes, std::move(what), std::move(work))) {
        // The disk is slower than the streams: this recording stops, the others go on.
        mark_failed("queueing segments for the disk",
                    std::make_error_code(std::errc::no_buffer_space));
    }
}

void Recording::on_segment(const std::string& rendition, const SegmentData& s) {
    if (failed() || !safe_name(rendition)) return;
    std::size_t bytes = s.init ? s.init->size() : 0;
    for (const auto& p : s.parts)
        bytes += p ? p->size() : 0;
    bool thumbnail = false;
    {
        std::lock_guard lock(mu_);
        if (finishing_) return;
        ended_.try_emplace(rendition, false);
        // Every 10 s of the lowest rendition (the last listed): a new thumbnail from its keyframe.
        auto names = renditions_of(master_);
        timelines_[rendition].add(s.program_date_ms, s.duration_us);
        constexpr std::int64_t kThumbnailEveryMs = 10'000;
        if (!s.gap && !s.parts.empty() && !names.empty() && names.back() == rendition &&
            (thumbnail_at_ms_ == 0 || s.program_date_ms - thumbnail_at_ms_ >= kThumbnailEveryMs)) {
            thumbnail_at_ms_ = s.program_date_ms;
            thumbnail = true;
        }
    }
    auto self = shared_from_this();
    if (thumbnail) {
        // Owned by nobody: a picture that cannot be made leaves the recording alone.
        queue(
            0, "making a thumbnail",
            [self, init = s.init, first = s.parts.front()] {
                if (self->failed()) return std::error_code{};
                std::string jpeg;
                if (auto ec = make_thumbnail(init, first, jpeg)) {
                    util::logger("record")->warn("stream={} no thumbnail: {}", self->stream_id_,
                                                 ec.message());
                    return std::error_code{};
                }
                std::error_code ec;
                fs::create_directories(self->dir_, ec);
                (void)replace_file(self->dir_ / "thumbnail.jpg", jpeg);
                return std::error_code{};
            },
            true);
    }
    queue(bytes, "writing " + rendition + "/" + segment_file(s.msn), [self, rendition, s] {
        if (!self->opened_) {
            if (auto ec = self->open_on_writer()) return ec;
        }
        auto& f = self->files_[rendition];
        const fs::path rdir = self->dir_ / rendition;
        std::error_code ec;
        if (f.first) {
            fs::create_directories(rdir, ec);
            if (ec) return ec;
        }
        const std::uint32_t gen = s.init_generation + self->init_offset_;
        std::uint64_t written = 0;
        if (gen != f.last_init && s.init) {
            Buffer init[] = {s.init};
            if ((ec = write_file(rdir / init_file(gen), init))) return ec;
            f.last_init = gen;
            written += s.init->size();
        }
        IndexEntry e;
        e.msn = s.msn + self->msn_offset_;
        e.duration_us = s.duration_us;
        e.discontinuity = s.discontinuity || (f.first && self->resumed_);
        e.gap = s.gap;
        e.init_generation = gen;
        e.program_date_ms = s.program_date_ms;
        if (!s.gap) {
            if ((ec = write_file(rdir / segment_file(e.msn), s.parts))) return ec;
            for (const auto& p : s.parts)
                e.bytes += p ? p->size() : 0;
        }
        // The index names a segment only once its file is whole.
        if ((ec = append_text(rdir / "index.txt", format_entry(e)))) return ec;
        f.first = false;
        written += e.bytes;
        self->recorder_.stats_.bytes += written;
        self->recorder_.stats_.segments += 1;
        std::lock_guard lock(self->mu_);
        self->bytes_ += written;
        self->duration_us_[rendition] += s.duration_us;
        return std::error_code{};
    });
}

void Recording::on_master_playlist(std::string text) {
    std::lock_guard lock(mu_);
    if (text.empty() || text == master_) return;
    master_ = std::move(text);
    if (master_written_ || finishing_) return;
    // Once early, so that a recording the server never finishes (a crash) can still be played.
    master_written_ = true;
    auto self = shared_from_this();
    queue(master_.size(), "writing master.m3u8", [self, text = master_] {
        if (!self->opened_) {
            if (auto ec = self->open_on_writer()) return ec;
        }
        return replace_file(self->dir_ / "master.m3u8", text);
    });
}

void Recording::on_rendition_end(const std::string& rendition) {
    std::lock_guard lock(mu_);
    auto it = ended_.find(rendition);
    if (it == ended_.end()) return;
    it->second = true;
    if (std::all_of(ended_.begin(), ended_.end(), [](const auto& kv) { return kv.second; }))
        complete_locked();
}

void Recording::finish() {
    std::lock_guard lock(mu_);
    complete_locked();
}

void Recording::complete_locked() {
    if (finishing_) return;
    finishing_ = true;
    ended_at_ = util::format_iso8601(recorder_.clock().now());
    auto self = shared_from_this();
    // Queued with no owner: it runs for a failed recording too, to say so on disk.
    queue(
        master_.size(), "completing the recording",
        [self, master = master_] {
            if (!self->opened_ && !self->failed()) {
                if (auto ec = self->open_on_writer()) {
                    self->fail("opening the recording", ec);
                    return std::error_code{};
                }
            }
            if (!master.empty() && !self->failed()) {
                if (auto ec = replace_file(self->dir_ / "master.m3u8", master)) {
                    self->fail("writing master.m3u8", ec);
                }
            }
            State expected = State::recording;
            const bool ok = !self->failed();
            std::string json;
            {
                std::lock_guard lock(self->mu_);
                json = self->json_locked(ok ? State::complete : State::failed);
            }
            // Complete only once it says so on disk: info() reads the same from either.
            if (auto ec = replace_file(self->dir_ / "recording.json", json); ok && ec) {
                self->fail("writing recording.json", ec);
                return std::error_code{};
            }
            if (ok && self->state_.compare_exchange_strong(expected, State::complete)) {
                util::logger("record")->info("stream={} recording complete", self->stream_id_);
                self->make_download();
            }
            return std::error_code{};
        },
        true);
}

void Recording::make_download() {
    std::string best;
    {
        std::lock_guard lock(mu_);
        auto names = renditions_of(master_);
        if (!names.empty()) {
            best = names.front();
        } else if (!duration_us_.empty()) {
            best = duration_us_.begin()->first;
        }
    }
    if (best.empty()) return;
    const fs::path rdir = dir_ / best;
    auto text = read_small_file(rdir / "index.txt", kMaxIndexBytes);
    if (!text) return;
    auto entries = parse_index(*text, kMaxIndexEntries);
    bool truncated = false;
    const auto start = std::chrono::steady_clock::now();
    if (auto ec = make_mp4(rdir, entries, dir_ / "recording.mp4", &truncated)) {
        // The replay plays without it: the download is what is missing.
        util::logger("record")->error("stream={} recording.mp4 of {} not made: {}", stream_id_,
                                      best, ec.message());
        return;
    }
    mp4_.store(true);
    util::logger("record")->info("stream={} recording.mp4 from {} in {} ms{}", stream_id_, best,
                                 std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count(),
                                 truncated ? " (up to a change of codec configuration)" : "");
}

std::error_code Recording::open_on_writer() {
    opened_ = true;
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return ec;
    // A recording an earlier run left (the server stopped while the stream was live, and its
    // publisher came back): go on after its last segment, names and all.
    bool any = false;
    std::uint64_t last_msn = 0;
    std::uint32_t last_init = 0;
    std::uint64_t bytes = 0;
    std::map<std::string, std::int64_t> durations;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
        if (!entry.is_directory() || !safe_name(entry.path().filename().string())) continue;
        auto text = read_small_file(entry.path() / "index.txt", kMaxIndexBytes);
        if (!text) continue;
        for (const auto& e : parse_index(*text, kMaxIndexEntries)) {
            any = true;
            last_msn = std::max(last_msn, e.msn);
            last_init = std::max(last_init, e.init_generation);
            bytes += e.bytes;
            durations[entry.path().filename().string()] += e.duration_us;
        }
    }
    if (any) {
        resumed_ = true;
        msn_offset_ = last_msn + 1;
        init_offset_ = last_init + 1;
        if (auto old = read_small_file(dir_ / "recording.json", kMaxSmallFile)) {
            auto j = nlohmann::json::parse(*old, nullptr, false);
            if (j.is_object() && j.contains("startedAt") && j["startedAt"].is_string()) {
                std::lock_guard lock(mu_);
                started_at_ = j["startedAt"].get<std::string>();
            }
        }
    }
    std::string json;
    {
        std::lock_guard lock(mu_);
        bytes_ += bytes;
        for (const auto& [r, d] : durations)
            duration_us_[r] += d;
        json = json_locked(state_.load());
    }
    return replace_file(dir_ / "recording.json", json);
}

std::string Recording::json_locked(State state) const {
    nlohmann::json j = {
        {"streamId", stream_id_}, {"state", to_string(state)}, {"startedAt", started_at_}};
    if (!ended_at_.empty()) j["endedAt"] = ended_at_;
    std::lock_guard lock(error_mu_);
    if (!error_.empty()) j["error"] = error_;
    return j.dump();
}

bool Recording::mark_failed(const std::string& what, std::error_code ec) {
    State expected = State::recording;
    if (!state_.compare_exchange_strong(expected, State::failed)) return false;
    recorder_.stats_.failures += 1;
    std::lock_guard lock(error_mu_);  // not mu_: a queue() under mu_ may fail
    error_ = what + ": " + ec.message();
    util::logger("record")->error("stream={} recording failed ({}): the stream goes on unrecorded",
                                  stream_id_, error_);
    return true;
}

void Recording::fail(const std::string& what, std::error_code ec) {
    if (!mark_failed(what, ec)) return;
    std::string json;
    {
        std::lock_guard lock(mu_);
        json = json_locked(state_.load());
    }
    // Likely to fail too on a full disk; the in-memory state says it meanwhile.
    (void)replace_file(dir_ / "recording.json", json);
}

std::optional<std::int64_t> Recording::media_ms_at(std::int64_t unix_ms) const {
    std::lock_guard lock(mu_);
    auto names = renditions_of(master_);
    auto it = names.empty() ? timelines_.begin() : timelines_.find(names.front());
    if (it == timelines_.end()) return std::nullopt;
    return it->second.media_ms_at(unix_ms);
}

void Recording::continue_timeline(const std::string& rendition, MediaTimeline earlier) {
    std::lock_guard lock(mu_);
    timelines_[rendition] = std::move(earlier);
}

Info Recording::info() const {
    std::lock_guard lock(mu_);
    Info out;
    out.state = state_.load();
    {
        std::lock_guard error_lock(error_mu_);
        out.error = error_;
    }
    out.size_bytes = bytes_;
    out.started_at = started_at_;
    out.ended_at = ended_at_;
    for (const auto& [r, d] : duration_us_)
        out.duration_ms = std::max(out.duration_ms, d / 1000);
    out.mp4 = mp4_.load();
    out.renditions = renditions_of(master_);
    if (out.renditions.empty()) {
        for (const auto& [r, d] : duration_us_)
            out.renditions.push_back(r);
    }
    return out;
}

Recorder::Recorder(RecorderOptions options, util::Clock& clock)
    : options_(std::move(options)), clock_(clock), writer_(options_.max_queued_bytes) {}

Recorder::~Recorder() = default;

std::optional<fs::path> Recorder::dir(std::string_view stream_id) const {
    if (!safe_name(stream_id)) return std::nullopt;
    return options_.root / std::string(stream_id);
}

std::shared_ptr<Recording> Recorder::start(const std::string& stream_id) {
    auto d = dir(stream_id);
    if (!d) return nullptr;
    std::lock_guard lock(mu_);
    std::erase_if(active_, [](const auto& kv) { return kv.second.expired(); });
    if (auto old = active_[stream_id].lock()) return old;
    auto rec = std::make_shared<Recording>(*this, stream_id, *d);
    // A recording an earlier run left (a restart while live): media time goes on after it.
    if (auto master = read_small_file(*d / "master.m3u8", kMaxSmallFile)) {
        auto names = renditions_of(*master);
        if (!names.empty()) {
            auto entries = read_index(*d / names.front());
            if (!entries.empty()) rec->continue_timeline(names.front(), MediaTimeline(entries));
        }
    }
    active_[stream_id] = rec;
    util::logger("record")->info("stream={} recording to {}", stream_id, d->string());
    return rec;
}

void Recorder::finish(std::string_view stream_id) {
    std::shared_ptr<Recording> rec;
    {
        std::lock_guard lock(mu_);
        auto it = active_.find(stream_id);
        if (it != active_.end()) rec = it->second.lock();
    }
    if (rec) rec->finish();
}

bool Recorder::remove(std::string_view stream_id) {
    auto d = dir(stream_id);
    if (!d || recording_now(stream_id)) return false;
    std::error_code ec;
    if (!fs::exists(*d / "recording.json", ec)) return false;
    auto aside = options_.root / (".deleted-" + std::string(stream_id) + "-" +
                                  std::to_string(clock_.now().time_since_epoch().count()));
    fs::rename(*d, aside, ec);
    if (ec) {
        util::logger("record")->error("stream={} takedown: cannot move {} aside: {}", stream_id,
                                      d->string(), ec.message());
        return false;
    }
    {
        std::lock_guard lock(mu_);
        if (auto it = active_.find(stream_id); it != active_.end()) active_.erase(it);
    }
    util::logger("record")->info("stream={} recording deleted", stream_id);
    writer_.push(nullptr, 0, "deleting a recording", [aside] {
        std::error_code e;
        fs::remove_all(aside, e);
        return e;
    });
    return true;
}

std::optional<fs::path> Recorder::thumbnail(std::string_view stream_id) const {
    auto d = dir(stream_id);
    if (!d) return std::nullopt;
    std::error_code ec;
    auto p = *d / "thumbnail.jpg";
    if (!fs::exists(p, ec)) return std::nullopt;
    return p;
}

std::string Recorder::best_rendition(std::string_view stream_id) const {
    auto d = dir(stream_id);
    if (!d) return {};
    if (auto master = read_small_file(*d / "master.m3u8", kMaxSmallFile)) {
        auto names = renditions_of(*master);
        if (!names.empty()) return names.front();
    }
    return {};
}

std::optional<fs::path> Recorder::download(std::string_view stream_id) const {
    auto d = dir(stream_id);
    if (!d || recording_now(stream_id)) return std::nullopt;
    std::error_code ec;
    auto p = *d / "recording.mp4";
    if (!fs::exists(p, ec)) return std::nullopt;
    return p;
}

std::vector<std::string> Recorder::expired(util::Time cutoff) const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(options_.root, ec)) {
        const std::string id = entry.path().filename().string();
        if (!entry.is_directory() || !safe_name(id) || recording_now(id)) continue;
        auto json = read_small_file(entry.path() / "recording.json", kMaxSmallFile);
        if (!json) continue;
        auto j = nlohmann::json::parse(*json, nullptr, false);
        if (!j.is_object()) continue;
        // An interrupted recording has no end: its start says how old it is.
        std::string when = j.value("endedAt", j.value("startedAt", ""));
        auto t = util::parse_iso8601(when);
        if (t && *t < cutoff) out.push_back(id);
    }
    return out;
}

void Recorder::sweep(std::chrono::hours max_age) {
    const util::Time cutoff = clock_.now() - max_age;
    writer_.push(nullptr, 0, "retention", [this, cutoff] {
        for (const auto& id : expired(cutoff)) {
            if (remove(id))
                util::logger("record")->info("stream={} recording past its retention", id);
        }
        return std::error_code{};
    });
}

std::optional<std::int64_t> Recorder::media_ms_at(std::string_view stream_id,
                                                  std::int64_t unix_ms) const {
    std::shared_ptr<Recording> rec;
    {
        std::lock_guard lock(mu_);
        auto it = active_.find(stream_id);
        if (it != active_.end()) rec = it->second.lock();
    }
    if (!rec || rec->state() != State::recording) return std::nullopt;
    return rec->media_ms_at(unix_ms);
}

std::optional<Recorder::Timeline> Recorder::timeline(std::string_view stream_id) const {
    auto best = best_rendition(stream_id);
    auto d = dir(stream_id);
    if (best.empty() || !d) return std::nullopt;
    auto entries = read_index(*d / best);
    if (entries.empty()) return std::nullopt;
    return Timeline{MediaTimeline(entries), recording_now(stream_id)};
}

bool Recorder::recording_now(std::string_view stream_id) const {
    std::lock_guard lock(mu_);
    auto it = active_.find(stream_id);
    if (it == active_.end()) return false;
    auto rec = it->second.lock();
    return rec && rec->state() == State::recording;
}

std::optional<Info> Recorder::info(const std::string& stream_id) const {
    {
        std::lock_guard lock(mu_);
        auto it = active_.find(stream_id);
        if (it != active_.end()) {
            if (auto rec = it->second.lock()) return rec->info();
        }
    }
    auto d = dir(stream_id);
    if (!d) return std::nullopt;
    auto json = read_small_file(*d / "recording.json", kMaxSmallFile);
    if (!json) return std::nullopt;
    auto j = nlohmann::json::parse(*json, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    Info out;
    out.state = parse_state(j.value("state", ""));
    out.error = j.value("error", "");
    out.started_at = j.value("startedAt", "");
    out.ended_at = j.value("endedAt", "");
    if (auto master = read_small_file(*d / "master.m3u8", kMaxSmallFile))
        out.renditions = renditions_of(*master);
    std::error_code ec;
    out.mp4 = fs::exists(*d / "recording.mp4", ec);
    for (const auto& r : out.renditions) {
        auto text = read_small_file(*d / r / "index.txt", kMaxIndexBytes);
        if (!text) continue;
        std::int64_t us = 0;
        for (const auto& e : parse_index(*text, kMaxIndexEntries)) {
            us += e.duration_us;
            out.size_bytes += e.bytes;
        }
        out.duration_ms = std::max(out.duration_ms, us / 1000);
        // The init segments count too, as they do while recording.
        for (const auto& f : fs::directory_iterator(*d / r, ec)) {
            if (f.path().filename().string().starts_with("init")) out.size_bytes += f.file_size(ec);
        }
    }
    return out;
}

}  // namespace nchat::record

#pragma once
// The recordings' disk thread (`rec-writer`): every file a recording makes is written here, in
// the order its jobs were queued, so the stream strand and the network threads never touch the
// disk. The queue is bounded by bytes: when the disk cannot keep up, the recording whose job did
// not fit fails (the stream goes on); nothing waits.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace nchat::record {

using Buffer = std::shared_ptr<const std::vector<std::uint8_t>>;

// What one recording's jobs share with the writer: once failed, its later jobs are skipped.
class Track {
public:
    virtual ~Track() = default;
    virtual bool failed() const = 0;
    // On the writer thread: a job of this recording returned `ec` while doing `what`.
    virtual void fail(const std::string& what, std::error_code ec) = 0;
};

class Writer {
public:
    using Work = std::function<std::error_code()>;

    explicit Writer(std::size_t max_queued_bytes);
    ~Writer();  // runs what is queued, then stops
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // Any thread. False (and nothing queued) when `bytes` more would pass the bound.
    bool push(std::shared_ptr<Track> owner, std::size_t bytes, std::string what, Work work);
    std::size_t queued_bytes() const;
    // Blocks until every job queued before the call has run (tests, shutdown).
    void drain();

private:
    struct Job {
        std::shared_ptr<Track> owner;
        std::size_t bytes = 0;
        std::string what;
        Work work;
    };
    void run();

    const std::size_t max_bytes_;
    mutable std::mutex mu_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<Job> jobs_;
    std::size_t bytes_ = 0;
    bool busy_ = false;
    bool stop_ = false;
    std::thread thread_;
};

// File operations for jobs; each returns the errno of the first failure.
std::error_code write_file(const std::filesystem::path& path, std::span<const Buffer> buffers);
std::error_code append_text(const std::filesystem::path& path, const std::string& text);
// Written beside and renamed over `path`: a reader sees the old file or the new one whole.
std::error_code replace_file(const std::filesystem::path& path, const std::string& text);

}  // namespace nchat::record

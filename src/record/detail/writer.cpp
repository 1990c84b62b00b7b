#include "record/detail/writer.hpp"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

namespace nchat::record {
namespace {

std::error_code last_error() {
    return {errno, std::generic_category()};
}

// Writes all of `data`, resuming after a short write or a signal.
std::error_code write_all(int fd, const std::uint8_t* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return {};
}

std::error_code close_checked(int fd, std::error_code ec) {
    // A full disk may only show at close (delayed allocation); the first error wins.
    if (::close(fd) != 0 && !ec) ec = last_error();
    return ec;
}

std::error_code write_buffers(const std::filesystem::path& path,
                              int flags,
                              std::span<const Buffer> buffers,
                              const std::string* text) {
    int fd = ::open(path.c_str(), flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return last_error();
    std::error_code ec;
    for (const auto& b : buffers) {
        if (!b) continue;
        if ((ec = write_all(fd, b->data(), b->size()))) break;
    }
    if (!ec && text) {
        ec = write_all(fd, reinterpret_cast<const std::uint8_t*>(text->data()), text->size());
    }
    return close_checked(fd, ec);
}

}  // namespace

Writer::Writer(std::size_t max_queued_bytes)
    : max_bytes_(max_queued_bytes), thread_([this] { run(); }) {}

Writer::~Writer() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

bool Writer::push(std::shared_ptr<Track> owner, std::size_t bytes, std::string what, Work work) {
    {
        std::lock_guard lock(mu_);
        if (bytes_ + bytes > max_bytes_ && !jobs_.empty()) return false;
        bytes_ += bytes;
        jobs_.push_back({std::move(owner), bytes, std::move(what), std::move(work)});
    }
    wake_.notify_one();
    return true;
}

std::size_t Writer::queued_bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
}

void Writer::drain() {
    std::unique_lock lock(mu_);
    idle_.wait(lock, [&] { return jobs_.empty() && !busy_; });
}

void Writer::run() {
    pthread_setname_np(pthread_self(), "rec-writer");
    std::unique_lock lock(mu_);
    for (;;) {
        wake_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and everything queued has run
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        busy_ = true;
        const std::size_t bytes = job.bytes;
        lock.unlock();
        if (!job.owner || !job.owner->failed()) {
            if (auto ec = job.work(); ec && job.owner) job.owner->fail(job.what, ec);
        }
        job = {};  // the buffers go before the next wait
        lock.lock();
        bytes_ -= std::min(bytes_, bytes);
        busy_ = false;
        if (jobs_.empty()) idle_.notify_all();
    }
}

std::error_code write_file(const std::filesystem::path& path, std::span<const Buffer> buffers) {
    return write_buffers(path, O_TRUNC, buffers, nullptr);
}

std::error_code append_text(const std::filesystem::path& path, const std::string& text) {
    return write_buffers(path, O_APPEND, {}, &text);
}

std::error_code replace_file(const std::filesystem::path& path, const std::string& text) {
    auto tmp = path;
    tmp += ".tmp";
    if (auto ec = write_buffers(tmp, O_TRUNC, {}, &text)) return ec;
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    return ec;
}

}  // namespace nchat::record

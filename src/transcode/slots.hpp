#pragma once
// The process-wide limit on concurrent transcodes (LadderConfig::max_concurrent): each
// Transcoder that encodes holds a slot; one created beyond the limit runs passthrough only.
#include <atomic>
#include <memory>

namespace nchat::transcode {

class TranscodeSlots : public std::enable_shared_from_this<TranscodeSlots> {
public:
    // Releases its slot when destroyed.
    class Slot {
    public:
        explicit Slot(std::shared_ptr<TranscodeSlots> owner) : owner_(std::move(owner)) {}
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        ~Slot() { owner_->in_use_.fetch_sub(1); }

    private:
        std::shared_ptr<TranscodeSlots> owner_;
    };

    // The one the server's transcoders share.
    static std::shared_ptr<TranscodeSlots> process();

    // A slot when fewer than `limit` are taken (limit <= 0: no limit), else nullptr.
    std::unique_ptr<Slot> try_acquire(int limit);
    int in_use() const { return in_use_.load(); }

private:
    std::atomic<int> in_use_{0};
};

}  // namespace nchat::transcode

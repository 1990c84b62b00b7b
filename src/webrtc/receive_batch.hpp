#pragma once
// Incoming datagrams read with one recvmmsg(2) (issue 14, WHEP fan-out at 500 viewers): the UDP
// port is drained up to kCapacity datagrams per wakeup instead of one per turn of its strand, so
// ICE checks (consent) and DTLS handshakes do not wait in the socket behind the fan-out's sends
// until its buffer overflows. Fixed memory: kCapacity slots, reused. Not thread-safe: used on the
// UdpServer's strand.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <boost/asio/ip/udp.hpp>

#include "webrtc/limits.hpp"

struct mmsghdr;
struct timespec;

namespace nchat::webrtc {

// recvmmsg(2) as a function, so a test can make it fail.
using RecvMmsgFn = int (*)(int fd, mmsghdr* msgs, unsigned int n, int flags, timespec* timeout);

class ReceiveBatch {
public:
    // 32 datagrams per system call: a few ms of inbound checks, DTLS and RTCP from hundreds of
    // peers, while one wakeup's work stays short beside the fan-out's turns.
    static constexpr std::size_t kCapacity = 32;
    // One byte over the largest datagram we take, so a longer one shows up as truncated.
    static constexpr std::size_t kSlotSize = limits::kMaxDatagram + 1;

    ReceiveBatch();
    ReceiveBatch(const ReceiveBatch&) = delete;
    ReceiveBatch& operator=(const ReceiveBatch&) = delete;

    struct Entry {
        boost::asio::ip::udp::endpoint from;
        std::size_t size = 0;
        bool truncated = false;  // longer than kMaxDatagram: not a WebRTC datagram
    };
    std::size_t size() const { return count_; }
    const Entry& entry(std::size_t i) const { return entries_[i]; }
    std::span<const std::uint8_t> data(std::size_t i) const {
        return {storage_.data() + i * kSlotSize, entries_[i].size};
    }

private:
    friend std::size_t receive_batch(int fd, ReceiveBatch& batch, RecvMmsgFn recvmmsg_fn);
    std::array<std::uint8_t, kCapacity * kSlotSize> storage_;
    std::array<Entry, kCapacity> entries_;
    std::size_t count_ = 0;
};

// Reads what is queued on `fd` (non-blocking), up to ReceiveBatch::kCapacity datagrams, into
// `batch` and returns how many: 0 when nothing is queued or on an error (the caller waits for
// readability again).
std::size_t receive_batch(int fd, ReceiveBatch& batch, RecvMmsgFn recvmmsg_fn = nullptr);

}  // namespace nchat::webrtc

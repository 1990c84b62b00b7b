#pragma once
// Outgoing datagrams gathered for one sendmmsg(2) (issue 14, WHEP fan-out): a stream's frame
// goes to every viewer as one batch of system calls instead of one sendto per packet per
// viewer. Fixed memory: kCapacity slots of kSlotSize bytes, filled in place (the RTP is copied
// in once and SRTP-protected there), then sent and cleared. Where the kernel has UDP GSO
// (UDP_SEGMENT, Linux 4.18), consecutive datagrams to one address of one size (a frame's FU-A
// fragments; the last may be shorter) go as one message the kernel cuts up. Not thread-safe:
// used on the UdpServer's strand.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <boost/asio/ip/udp.hpp>

#include "webrtc/limits.hpp"

struct mmsghdr;

namespace nchat::webrtc {

class DatagramBatch {
public:
    // 64 slots is 64 FU-A packets of one frame to one viewer, or one packet to 64 viewers:
    // one system call per 64 datagrams, 128 KiB reused for the life of the server.
    static constexpr std::size_t kCapacity = 64;
    static constexpr std::size_t kSlotSize = limits::kMaxDatagram;

    DatagramBatch();
    DatagramBatch(const DatagramBatch&) = delete;
    DatagramBatch& operator=(const DatagramBatch&) = delete;

    bool full() const { return count_ == kCapacity; }
    bool empty() const { return count_ == 0; }
    std::size_t size() const { return count_; }
    // The next free slot, to be written then committed; empty when the batch is full.
    std::span<std::uint8_t> slot();
    // The slot just written holds `n` bytes for `to`.
    void commit(const boost::asio::ip::udp::endpoint& to, std::size_t n);
    void clear() { count_ = 0; }

    struct Entry {
        boost::asio::ip::udp::endpoint to;
        std::size_t size = 0;
    };
    const Entry& entry(std::size_t i) const { return entries_[i]; }
    const std::uint8_t* data(std::size_t i) const { return storage_.data() + i * kSlotSize; }

private:
    std::array<std::uint8_t, kCapacity * kSlotSize> storage_;
    std::array<Entry, kCapacity> entries_;
    std::size_t count_ = 0;
};

// What one flush did. Every datagram is either sent or dropped (counted, never retried later:
// the fan-out never waits on a full socket buffer; RTP recovers by NACK/PLI).
struct BatchResult {
    std::size_t sent = 0, bytes = 0, dropped = 0;
    std::size_t syscalls = 0;
    std::size_t gso_messages = 0;  // messages that carried more than one datagram
};

// sendmmsg(2) as a function, so a test can make it return short counts and errors.
using SendMmsgFn = int (*)(int fd, mmsghdr* msgs, unsigned int n, int flags);

// Sends the batch on `fd` (non-blocking) and clears it. A short count from sendmmsg is
// followed by another call for the rest; EAGAIN/ENOBUFS drops what is left; another error
// drops the message it names and goes on. `gso` in: try UDP GSO; out: false once the kernel
// refused it (EIO, EINVAL, ENOTSUP...): from then on one datagram per message.
BatchResult send_batch(int fd, DatagramBatch& batch, bool& gso, SendMmsgFn sendmmsg_fn = nullptr);

// Whether this kernel knows UDP_SEGMENT on `fd` (a getsockopt probe).
bool gso_supported(int fd);

}  // namespace nchat::webrtc

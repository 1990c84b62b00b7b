#include "webrtc/datagram_batch.hpp"

#include <cassert>
#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

namespace nchat::webrtc {

namespace {

// The kernel's UDP_MAX_SEGMENTS: more segments in one GSO message is EINVAL.
constexpr std::size_t kMaxGsoSegments = 64;
// One GSO message is one UDP datagram before segmentation: its payload must fit in 64 KiB
// with the IP and UDP headers.
constexpr std::size_t kMaxGsoBytes = 65'000;

int system_sendmmsg(int fd, mmsghdr* msgs, unsigned int n, int flags) {
    return ::sendmmsg(fd, msgs, n, flags);
}

bool gso_refused(int err) {
    return err == EIO || err == EINVAL || err == EOPNOTSUPP || err == ENOPROTOOPT ||
           err == EMSGSIZE;
}

}  // namespace

DatagramBatch::DatagramBatch() = default;

std::span<std::uint8_t> DatagramBatch::slot() {
    if (full()) return {};
    return {storage_.data() + count_ * kSlotSize, kSlotSize};
}

void DatagramBatch::commit(const boost::asio::ip::udp::endpoint& to, std::size_t n) {
    assert(!full() && n <= kSlotSize);
    entries_[count_] = {to, n};
    ++count_;
}

bool gso_supported(int fd) {
    int size = 0;
    socklen_t len = sizeof size;
    return ::getsockopt(fd, SOL_UDP, UDP_SEGMENT, &size, &len) == 0;
}

BatchResult send_batch(int fd, DatagramBatch& batch, bool& gso, SendMmsgFn sendmmsg_fn) {
    if (!sendmmsg_fn) sendmmsg_fn = &system_sendmmsg;
    constexpr std::size_t kN = DatagramBatch::kCapacity;
    constexpr std::size_t kControl = CMSG_SPACE(sizeof(std::uint16_t));
    std::array<mmsghdr, kN> msgs;
    std::array<iovec, kN> iov;
    std::array<std::size_t, kN> segments;  // datagrams carried by each message
    alignas(cmsghdr) std::array<std::array<std::uint8_t, kControl>, kN> control;
    BatchResult r;
    const std::size_t count = batch.size();
    std::size_t next = 0;  // the first datagram neither sent nor dropped
    const auto drop = [&](std::size_t n) {
        r.dropped += n;
        next += n;
    };
    while (next < count) {
        // Build messages from `next` on: one per datagram, or one per run of same-size
        // datagrams to one address when GSO is on.
        for (std::size_t i = next; i < count; ++i) {
            const auto& e = batch.entry(i);
            iov[i] = {const_cast<std::uint8_t*>(batch.data(i)), e.size};
        }
        std::size_t m = 0;
        for (std::size_t i = next; i < count; ++m) {
            const auto& first = batch.entry(i);
            std::size_t j = i + 1, bytes = first.size;
            if (gso) {
                while (j < count && j - i < kMaxGsoSegments) {
                    const auto& e = batch.entry(j);
                    if (!(e.to == first.to) || e.size > first.size ||
                        bytes + e.size > kMaxGsoBytes) {
                        break;
                    }
                    bytes += e.size;
                    ++j;
                    if (e.size < first.size) break;  // a shorter one can only be the last
                }
            }
            auto& h = msgs[m].msg_hdr;
            h = {};
            h.msg_name = const_cast<sockaddr*>(static_cast<const sockaddr*>(first.to.data()));
            h.msg_namelen = static_cast<socklen_t>(first.to.size());
            h.msg_iov = &iov[i];
            h.msg_iovlen = j - i;
            if (j - i > 1) {
                h.msg_control = control[m].data();
                h.msg_controllen = kControl;
                cmsghdr* c = CMSG_FIRSTHDR(&h);
                c->cmsg_level = SOL_UDP;
                c->cmsg_type = UDP_SEGMENT;
                c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
                const auto seg = static_cast<std::uint16_t>(first.size);
                std::memcpy(CMSG_DATA(c), &seg, sizeof seg);
            }
            msgs[m].msg_len = 0;
            segments[m] = j - i;
            i = j;
        }
        ++r.syscalls;
        const int n = sendmmsg_fn(fd, msgs.data(), static_cast<unsigned int>(m), MSG_DONTWAIT);
        if (n < 0) {
            const int err = errno;
            if (err == EINTR) continue;
            if (segments[0] > 1 && gso_refused(err)) {
                gso = false;  // this kernel or device cannot: one datagram per message from now
                continue;
            }
            if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
                drop(count - next);  // the socket buffer is full: the rest would fail too
                break;
            }
            drop(segments[0]);  // this destination refused (unreachable...): the others may not
            continue;
        }
        if (n == 0) {
            drop(segments[0]);  // not what sendmmsg does for a non-empty vector; never spin
            continue;
        }
        // A short count: the rest goes in the next call, which reports the error if any.
        for (int k = 0; k < n; ++k) {
            for (std::size_t s = 0; s < segments[k]; ++s)
                r.bytes += batch.entry(next + s).size;
            r.sent += segments[k];
            if (segments[k] > 1) ++r.gso_messages;
            next += segments[k];
        }
    }
    batch.clear();
    return r;
}

}  // namespace nchat::webrtc

#include "webrtc/receive_batch.hpp"

#include <cstring>

#include <netinet/in.h>
#include <sys/socket.h>

namespace nchat::webrtc {

namespace {

int system_recvmmsg(int fd, mmsghdr* msgs, unsigned int n, int flags, timespec* timeout) {
    return ::recvmmsg(fd, msgs, n, flags, timeout);
}

}  // namespace

ReceiveBatch::ReceiveBatch() = default;

std::size_t receive_batch(int fd, ReceiveBatch& batch, RecvMmsgFn recvmmsg_fn) {
    if (!recvmmsg_fn) recvmmsg_fn = &system_recvmmsg;
    constexpr std::size_t kN = ReceiveBatch::kCapacity;
    std::array<mmsghdr, kN> msgs;
    std::array<iovec, kN> iov;
    std::array<sockaddr_storage, kN> names;
    std::memset(msgs.data(), 0, sizeof msgs);
    for (std::size_t i = 0; i < kN; ++i) {
        iov[i].iov_base = batch.storage_.data() + i * ReceiveBatch::kSlotSize;
        iov[i].iov_len = ReceiveBatch::kSlotSize;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &names[i];
        msgs[i].msg_hdr.msg_namelen = sizeof names[i];
    }
    batch.count_ = 0;
    const int n = recvmmsg_fn(fd, msgs.data(), kN, MSG_DONTWAIT, nullptr);
    if (n <= 0) return 0;  // EAGAIN: drained; another error: the caller waits and tries again
    for (int i = 0; i < n; ++i) {
        auto& e = batch.entries_[batch.count_++];
        const auto& h = msgs[i].msg_hdr;
        e.size = std::min<std::size_t>(msgs[i].msg_len, ReceiveBatch::kSlotSize);
        e.truncated = (h.msg_flags & MSG_TRUNC) != 0 || e.size > limits::kMaxDatagram;
        e.from = {};
        if (h.msg_namelen <= e.from.capacity()) {
            std::memcpy(e.from.data(), &names[i], h.msg_namelen);
            e.from.resize(h.msg_namelen);
        }
    }
    return batch.count_;
}

}  // namespace nchat::webrtc

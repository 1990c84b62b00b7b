// The UDP port's read side: one recvmmsg takes up to ReceiveBatch::kCapacity queued datagrams
// from a real loopback socket, in order, with their sender; the calls that follow take the rest;
// an over-long datagram is marked truncated; a failing recvmmsg reads nothing.
#include "webrtc/receive_batch.hpp"

#include <cerrno>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nchat::webrtc {
namespace {

// A bound, non-blocking loopback UDP socket.
struct Socket {
    Socket() {
        fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        addr = a;
        const int buf = 1 << 20;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    }
    ~Socket() { ::close(fd); }
    void send_to(const Socket& to, const std::vector<std::uint8_t>& d) const {
        ::sendto(fd, d.data(), d.size(), 0, reinterpret_cast<const sockaddr*>(&to.addr),
                 sizeof to.addr);
    }
    // Until something is queued (poll guards a hang, it is not a timing check).
    bool readable() const {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, 5000) == 1;
    }
    int fd = -1;
    sockaddr_in addr{};
};

std::vector<std::uint8_t> datagram(std::size_t i, std::size_t size) {
    std::vector<std::uint8_t> d(size, static_cast<std::uint8_t>(i));
    d[0] = 0x80;  // RTP-looking, as most of what the port reads
    return d;
}

TEST(ReceiveBatch, ReadsEveryQueuedDatagramInBatchesInOrder) {
    Socket rx, tx;
    constexpr std::size_t kSent = ReceiveBatch::kCapacity + 8;
    for (std::size_t i = 0; i < kSent; ++i)
        tx.send_to(rx, datagram(i, 100 + i));
    ReceiveBatch batch;
    std::size_t got = 0, calls = 0;
    while (got < kSent && rx.readable()) {
        const std::size_t n = receive_batch(rx.fd, batch);
        ASSERT_LE(n, ReceiveBatch::kCapacity);
        ASSERT_EQ(n, batch.size());
        ++calls;
        for (std::size_t k = 0; k < n; ++k, ++got) {
            const auto& e = batch.entry(k);
            EXPECT_FALSE(e.truncated);
            EXPECT_EQ(e.from.port(), ntohs(tx.addr.sin_port));
            EXPECT_EQ(e.from.address().to_string(), "127.0.0.1");
            const auto d = batch.data(k);
            ASSERT_EQ(d.size(), 100 + got);
            EXPECT_EQ(d[1], static_cast<std::uint8_t>(got));  // in the order sent
        }
    }
    EXPECT_EQ(got, kSent);
    EXPECT_GE(calls, 2u);                        // more than one batch's worth: never all at once
    EXPECT_EQ(receive_batch(rx.fd, batch), 0u);  // drained: EAGAIN, nothing read
    EXPECT_EQ(batch.size(), 0u);
}

TEST(ReceiveBatch, MarksADatagramLongerThanAnyWebRtcOneTruncated) {
    Socket rx, tx;
    tx.send_to(rx, datagram(1, limits::kMaxDatagram + 100));
    tx.send_to(rx, datagram(2, limits::kMaxDatagram));
    ReceiveBatch batch;
    std::size_t got = 0;
    std::vector<bool> truncated;
    while (got < 2 && rx.readable()) {
        const std::size_t n = receive_batch(rx.fd, batch);
        for (std::size_t k = 0; k < n; ++k, ++got)
            truncated.push_back(batch.entry(k).truncated);
    }
    ASSERT_EQ(truncated.size(), 2u);
    EXPECT_TRUE(truncated[0]);
    EXPECT_FALSE(truncated[1]);
}

TEST(ReceiveBatch, AFailingRecvmmsgReadsNothing) {
    ReceiveBatch batch;
    const auto failing = [](int, mmsghdr*, unsigned int, int, timespec*) {
        errno = ENOMEM;
        return -1;
    };
    EXPECT_EQ(receive_batch(-1, batch, failing), 0u);
    EXPECT_EQ(batch.size(), 0u);
}

}  // namespace
}  // namespace nchat::webrtc

// The fan-out's send batch: every datagram reaches a real loopback socket, in order, with and
// without UDP GSO; a short count from sendmmsg sends the rest; a full socket buffer drops what
// is left (counted); a kernel that refuses GSO gets one datagram per message.
#include "webrtc/datagram_batch.hpp"

#include <cerrno>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nchat::webrtc {
namespace {

using udp = boost::asio::ip::udp;

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
        endpoint = udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), ntohs(a.sin_port));
        const int buf = 1 << 20;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    }
    ~Socket() { ::close(fd); }
    // The next datagram; empty when none comes (poll guards a hang, it is not a timing check).
    std::vector<std::uint8_t> receive() const {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) != 1) return {};
        std::vector<std::uint8_t> b(4096);
        const auto n = ::recv(fd, b.data(), b.size(), 0);
        b.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
        return b;
    }
    bool idle() const {
        std::uint8_t b[1];
        return ::recv(fd, b, sizeof b, MSG_DONTWAIT) < 0 && errno == EAGAIN;
    }
    int fd = -1;
    udp::endpoint endpoint;
};

// Datagram i: `size` bytes, each the low byte of i, the first two i itself.
void add(DatagramBatch& b, const udp::endpoint& to, std::size_t i, std::size_t size) {
    auto s = b.slot();
    ASSERT_GE(s.size(), size);
    for (std::size_t k = 0; k < size; ++k)
        s[k] = static_cast<std::uint8_t>(i);
    s[0] = static_cast<std::uint8_t>(i >> 8);
    s[1] = static_cast<std::uint8_t>(i);
    b.commit(to, size);
}

std::size_t index_of(const std::vector<std::uint8_t>& d) {
    return d.size() < 2 ? SIZE_MAX : (std::size_t{d[0]} << 8) | d[1];
}

class DatagramBatchTest : public ::testing::TestWithParam<bool> {};

TEST_P(DatagramBatchTest, EveryDatagramArrivesInOrderWithItsSize) {
    Socket sender, a, b;
    DatagramBatch batch;
    // A frame for viewer a (same-size fragments, a shorter last: one GSO message), audio for b,
    // then datagrams of mixed sizes alternating between them.
    std::vector<std::pair<const Socket*, std::size_t>> plan;
    for (int i = 0; i < 20; ++i)
        plan.emplace_back(&a, i == 19 ? 300 : 1130);
    plan.emplace_back(&b, 120);
    for (int i = 0; i < 43; ++i)
        plan.emplace_back(i % 2 ? &a : &b, 50 + 29 * static_cast<std::size_t>(i));
    ASSERT_EQ(plan.size(), DatagramBatch::kCapacity);
    for (std::size_t i = 0; i < plan.size(); ++i)
        add(batch, plan[i].first->endpoint, i, plan[i].second);
    EXPECT_TRUE(batch.full());
    EXPECT_TRUE(batch.slot().empty());

    bool gso = GetParam() && gso_supported(sender.fd);
    const auto r = send_batch(sender.fd, batch, gso);
    EXPECT_TRUE(batch.empty());
    EXPECT_EQ(r.sent, plan.size());
    EXPECT_EQ(r.dropped, 0u);
    std::size_t bytes = 0;
    for (const auto& p : plan)
        bytes += p.second;
    EXPECT_EQ(r.bytes, bytes);
    if (gso) {
        EXPECT_GE(r.gso_messages, 1u);
    } else {
        EXPECT_EQ(r.gso_messages, 0u);
    }
    for (const Socket* s : {&a, &b}) {
        for (std::size_t i = 0; i < plan.size(); ++i) {
            if (plan[i].first != s) continue;
            const auto d = s->receive();
            ASSERT_EQ(d.size(), plan[i].second) << "datagram " << i;
            EXPECT_EQ(index_of(d), i);
            EXPECT_EQ(d.back(), static_cast<std::uint8_t>(i));
        }
        EXPECT_TRUE(s->idle());
    }
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutGso, DatagramBatchTest, ::testing::Bool());

// A scripted sendmmsg: each call takes the next scripted answer (a count, or -errno) and
// records the first byte pairs (datagram indexes) of the messages it "sent".
struct Script {
    static inline std::vector<int> answers;
    static inline std::size_t call = 0;
    static inline std::vector<std::size_t> sent;  // datagram indexes, in order
    static inline std::vector<std::size_t> iovlens;

    static void reset(std::vector<int> a) {
        answers = std::move(a);
        call = 0;
        sent.clear();
        iovlens.clear();
    }
    static int fn(int, mmsghdr* msgs, unsigned int n, int) {
        const int a = call < answers.size() ? answers[call] : static_cast<int>(n);
        ++call;
        for (unsigned int m = 0; m < n; ++m)
            iovlens.push_back(msgs[m].msg_hdr.msg_iovlen);
        if (a < 0) {
            errno = -a;
            return -1;
        }
        const int k = std::min(a, static_cast<int>(n));
        for (int m = 0; m < k; ++m) {
            for (std::size_t v = 0; v < msgs[m].msg_hdr.msg_iovlen; ++v) {
                const auto* p =
                    static_cast<const std::uint8_t*>(msgs[m].msg_hdr.msg_iov[v].iov_base);
                sent.push_back((std::size_t{p[0]} << 8) | p[1]);
            }
        }
        return k;
    }
};

udp::endpoint peer(std::uint16_t port) {
    return {boost::asio::ip::make_address("127.0.0.1"), port};
}

// Ten datagrams to ten different peers: one message each, GSO or not.
void fill_ten(DatagramBatch& b) {
    for (std::size_t i = 0; i < 10; ++i)
        add(b, peer(static_cast<std::uint16_t>(40000 + i)), i, 100);
}

TEST(DatagramBatchScripted, AShortCountIsFollowedByACallForTheRest) {
    DatagramBatch b;
    fill_ten(b);
    Script::reset({3, 4});  // then everything
    bool gso = false;
    const auto r = send_batch(-1, b, gso, &Script::fn);
    EXPECT_EQ(r.sent, 10u);
    EXPECT_EQ(r.dropped, 0u);
    EXPECT_EQ(r.syscalls, 3u);
    EXPECT_EQ(Script::sent, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_TRUE(b.empty());
}

TEST(DatagramBatchScripted, AFullSocketBufferDropsTheRestAndNeverWaits) {
    DatagramBatch b;
    fill_ten(b);
    Script::reset({2, -EAGAIN});
    bool gso = false;
    const auto r = send_batch(-1, b, gso, &Script::fn);
    EXPECT_EQ(r.sent, 2u);
    EXPECT_EQ(r.dropped, 8u);
    EXPECT_EQ(r.syscalls, 2u);
    EXPECT_TRUE(b.empty());
}

TEST(DatagramBatchScripted, AnErrorForOneDestinationDropsOnlyItsMessage) {
    DatagramBatch b;
    fill_ten(b);
    Script::reset({4, -EHOSTUNREACH});  // the fifth is refused, the rest go
    bool gso = false;
    const auto r = send_batch(-1, b, gso, &Script::fn);
    EXPECT_EQ(r.sent, 9u);
    EXPECT_EQ(r.dropped, 1u);
    EXPECT_EQ(Script::sent, (std::vector<std::size_t>{0, 1, 2, 3, 5, 6, 7, 8, 9}));
}

TEST(DatagramBatchScripted, AKernelRefusingGsoGetsOneDatagramPerMessage) {
    DatagramBatch b;
    for (std::size_t i = 0; i < 8; ++i)
        add(b, peer(40000), i, 1000);  // one run: one GSO message of 8
    Script::reset({-EIO});
    bool gso = true;
    const auto r = send_batch(-1, b, gso, &Script::fn);
    EXPECT_FALSE(gso);
    EXPECT_EQ(r.sent, 8u);
    EXPECT_EQ(r.dropped, 0u);
    EXPECT_EQ(r.gso_messages, 0u);
    ASSERT_EQ(Script::iovlens.size(), 1u + 8u);  // the refused message, then 8 single ones
    EXPECT_EQ(Script::iovlens[0], 8u);
    EXPECT_EQ(Script::sent, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(DatagramBatchScripted, GsoRunsStopAtAnotherPeerALongerDatagramOrAfterAShorterOne) {
    DatagramBatch b;
    add(b, peer(40000), 0, 1000);
    add(b, peer(40000), 1, 1000);
    add(b, peer(40000), 2, 400);   // shorter: ends the run
    add(b, peer(40000), 3, 1000);  // a new run
    add(b, peer(40000), 4, 1200);  // longer: a new run
    add(b, peer(40001), 5, 1200);  // another peer
    Script::reset({});
    bool gso = true;
    const auto r = send_batch(-1, b, gso, &Script::fn);
    EXPECT_EQ(r.sent, 6u);
    EXPECT_EQ(Script::iovlens, (std::vector<std::size_t>{3, 1, 1, 1}));
    EXPECT_EQ(r.gso_messages, 1u);
}

}  // namespace
}  // namespace nchat::webrtc

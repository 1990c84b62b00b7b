#pragma once
// Test helpers for the HLS tests: a tiny ISO-BMFF box walker that checks sizes and nesting,
// hex literals, and real H.264/AAC frames made by the ffmpeg CLI when it is installed.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"

namespace nchat::hls::test {

using Bytes = std::vector<std::uint8_t>;

using nchat::testing::hex;

inline std::uint32_t be32(std::span<const std::uint8_t> b, std::size_t at) {
    return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 |
           std::uint32_t(b[at + 2]) << 8 | b[at + 3];
}
inline std::uint64_t be64(std::span<const std::uint8_t> b, std::size_t at) {
    return std::uint64_t(be32(b, at)) << 32 | be32(b, at + 4);
}

struct Box {
    std::string type;
    std::size_t offset = 0;  // from the start of the walked buffer
    std::size_t size = 0;
    std::span<const std::uint8_t> body;  // after the 8-byte header
};

// The boxes laid end to end in `data`; a size that does not add up exactly fails the test.
inline std::vector<Box> walk(std::span<const std::uint8_t> data, std::size_t base = 0) {
    std::vector<Box> boxes;
    std::size_t pos = 0;
    while (pos < data.size()) {
        if (data.size() - pos < 8) {
            ADD_FAILURE() << "truncated box header at " << base + pos;
            break;
        }
        const std::uint32_t size = be32(data, pos);
        if (size < 8 || size > data.size() - pos) {
            ADD_FAILURE() << "bad box size " << size << " at " << base + pos;
            break;
        }
        boxes.push_back({std::string(reinterpret_cast<const char*>(&data[pos + 4]), 4), base + pos,
                         size, data.subspan(pos + 8, size - 8)});
        pos += size;
    }
    return boxes;
}

// Children of `b`, after `skip` bytes of its own fields (4 for a FullBox header).
inline std::vector<Box> children(const Box& b, std::size_t skip = 0) {
    return walk(b.body.subspan(skip), b.offset + 8 + skip);
}

inline std::optional<Box> find(const std::vector<Box>& boxes, std::string_view type) {
    for (const auto& b : boxes) {
        if (b.type == type) return b;
    }
    return std::nullopt;
}

inline std::vector<std::string> types(const std::vector<Box>& boxes) {
    std::vector<std::string> out;
    for (const auto& b : boxes)
        out.push_back(b.type);
    return out;
}

// Runs a shell command, returns its stdout (empty on failure).
inline std::string run(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    ::pclose(p);
    return out;
}

inline bool have_ffmpeg() {
    return run("command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null && echo yes") ==
           "yes\n";
}

inline Bytes read_file(const std::string& path) {
    Bytes out;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return out;
    std::uint8_t buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
        out.insert(out.end(), buf, buf + n);
    std::fclose(f);
    return out;
}

inline void write_file(const std::string& path, std::span<const std::uint8_t> data) {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
}

}  // namespace nchat::hls::test

#pragma once
// Bounds-checked reading and writing of big- and little-endian fields (STYLE.md, Parsers of
// untrusted bytes). A read that does not fit returns false and consumes nothing.
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace nchat::util {

class ByteReader {
public:
    explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

    std::size_t remaining() const { return data_.size() - pos_; }
    std::size_t position() const { return pos_; }
    bool empty() const { return remaining() == 0; }
    std::span<const std::uint8_t> rest() const { return data_.subspan(pos_); }

    bool read_u8(std::uint8_t& v) { return read_be(v, 1); }
    bool read_u16(std::uint16_t& v) { return read_be(v, 2); }
    bool read_u24(std::uint32_t& v) { return read_be(v, 3); }
    bool read_u32(std::uint32_t& v) { return read_be(v, 4); }
    bool read_u64(std::uint64_t& v) { return read_be(v, 8); }
    bool read_u32le(std::uint32_t& v) {
        if (remaining() < 4) return false;
        v = std::uint32_t(data_[pos_]) | std::uint32_t(data_[pos_ + 1]) << 8 |
            std::uint32_t(data_[pos_ + 2]) << 16 | std::uint32_t(data_[pos_ + 3]) << 24;
        pos_ += 4;
        return true;
    }
    bool read_f64(double& v) {
        std::uint64_t bits = 0;
        if (!read_u64(bits)) return false;
        std::memcpy(&v, &bits, sizeof v);
        return true;
    }
    bool peek_u8(std::uint8_t& v) const {
        if (remaining() < 1) return false;
        v = data_[pos_];
        return true;
    }
    bool read_bytes(std::size_t n, std::span<const std::uint8_t>& out) {
        if (remaining() < n) return false;
        out = data_.subspan(pos_, n);
        pos_ += n;
        return true;
    }
    bool read_string(std::size_t n, std::string& out) {
        std::span<const std::uint8_t> b;
        if (!read_bytes(n, b)) return false;
        out.assign(reinterpret_cast<const char*>(b.data()), b.size());
        return true;
    }
    bool skip(std::size_t n) {
        if (remaining() < n) return false;
        pos_ += n;
        return true;
    }

private:
    template <class T>
    bool read_be(T& v, std::size_t n) {
        if (remaining() < n) return false;
        T out = 0;
        for (std::size_t i = 0; i < n; ++i)
            out = static_cast<T>((out << 8) | data_[pos_ + i]);
        v = out;
        pos_ += n;
        return true;
    }

    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
};

class ByteWriter {
public:
    explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v) { be(v, 2); }
    void u24(std::uint32_t v) { be(v, 3); }
    void u32(std::uint32_t v) { be(v, 4); }
    void u64(std::uint64_t v) { be(v, 8); }
    void u32le(std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    void f64(double v) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof v);
        u64(bits);
    }
    void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
    void bytes(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
    std::size_t size() const { return out_.size(); }

private:
    template <class T>
    void be(T v, int n) {
        for (int i = n - 1; i >= 0; --i)
            out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    std::vector<std::uint8_t>& out_;
};

}  // namespace nchat::util

#pragma once
// MSB-first bit reader with Exp-Golomb codes (H.264 §7.2, §9.1), bounds-checked: reading past
// the end sets a sticky failure flag and returns zeros.
#include <cstdint>
#include <span>

namespace nchat::media::detail {

class BitReader {
public:
    explicit BitReader(std::span<const std::uint8_t> data) : data_(data) {}

    std::uint32_t bits(int n) {
        std::uint32_t v = 0;
        for (int i = 0; i < n; ++i)
            v = (v << 1) | bit();
        return v;
    }
    std::uint32_t bit() {
        if (pos_ >= data_.size() * 8) {
            failed_ = true;
            return 0;
        }
        std::uint32_t b = (data_[pos_ / 8] >> (7 - pos_ % 8)) & 1;
        ++pos_;
        return b;
    }
    // ue(v): at most 31 leading zeros, or the code is malformed.
    std::uint32_t ue() {
        int zeros = 0;
        while (bit() == 0) {
            if (failed_ || ++zeros > 31) {
                failed_ = true;
                return 0;
            }
        }
        if (zeros == 0) return 0;
        return (1u << zeros) - 1 + bits(zeros);
    }
    std::int32_t se() {
        std::uint32_t k = ue();
        return (k & 1) ? static_cast<std::int32_t>((k + 1) / 2) : -static_cast<std::int32_t>(k / 2);
    }
    bool failed() const { return failed_; }

private:
    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

}  // namespace nchat::media::detail

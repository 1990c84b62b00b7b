#include "media/h264.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <string_view>

#include "media/detail/bit_reader.hpp"
#include "util/byte_reader.hpp"

namespace nchat::media {
namespace {

const std::error_code kInvalid = std::make_error_code(std::errc::invalid_argument);

// Emulation prevention (§7.4.1): 00 00 03 → 00 00.
std::vector<std::uint8_t> to_rbsp(std::span<const std::uint8_t> nal) {
    std::vector<std::uint8_t> out;
    out.reserve(nal.size());
    int zeros = 0;
    for (auto b : nal) {
        if (zeros >= 2 && b == 3) {
            zeros = 0;
            continue;
        }
        zeros = b == 0 ? zeros + 1 : 0;
        out.push_back(b);
    }
    return out;
}

void skip_scaling_list(detail::BitReader& br, int size) {
    int last = 8, next = 8;
    for (int j = 0; j < size && !br.failed(); ++j) {
        if (next != 0) next = (last + br.se() + 256) % 256;
        last = next == 0 ? last : next;
    }
}

}  // namespace

bool is_high_profile(std::uint8_t p) {
    switch (p) {
        case 100:
        case 110:
        case 122:
        case 244:
        case 44:
        case 83:
        case 86:
        case 118:
        case 128:
        case 138:
        case 139:
        case 134:
        case 135:
            return true;
        default:
            return false;
    }
}

util::Result<AvcConfig> parse_avcc(std::span<const std::uint8_t> avcc) {
    util::ByteReader in(avcc);
    std::uint8_t version = 0, profile = 0, compat = 0, level = 0, len_byte = 0, nsps = 0;
    if (!in.read_u8(version) || version != 1 || !in.read_u8(profile) || !in.read_u8(compat) ||
        !in.read_u8(level) || !in.read_u8(len_byte) || !in.read_u8(nsps)) {
        return kInvalid;
    }
    AvcConfig c;
    c.nal_length_size = static_cast<std::uint8_t>((len_byte & 3) + 1);
    if (c.nal_length_size == 3) return kInvalid;  // 14496-15: 1, 2 or 4
    for (int i = 0; i < (nsps & 0x1F); ++i) {
        std::uint16_t len = 0;
        std::span<const std::uint8_t> b;
        if (!in.read_u16(len) || len == 0 || !in.read_bytes(len, b)) return kInvalid;
        c.sps.emplace_back(b.begin(), b.end());
    }
    std::uint8_t npps = 0;
    if (!in.read_u8(npps)) return kInvalid;
    for (int i = 0; i < npps; ++i) {
        std::uint16_t len = 0;
        std::span<const std::uint8_t> b;
        if (!in.read_u16(len) || len == 0 || !in.read_bytes(len, b)) return kInvalid;
        c.pps.emplace_back(b.begin(), b.end());
    }
    if (c.sps.empty() || c.pps.empty()) return kInvalid;
    return c;
}

util::Result<Sps> parse_sps(std::span<const std::uint8_t> nal) {
    if (nal.size() < 4 || (nal[0] & 0x1F) != 7) return kInvalid;
    auto rbsp = to_rbsp(nal.subspan(1));
    detail::BitReader br(rbsp);
    Sps s;
    s.profile_idc = static_cast<std::uint8_t>(br.bits(8));
    s.constraint_flags = static_cast<std::uint8_t>(br.bits(8));
    s.level_idc = static_cast<std::uint8_t>(br.bits(8));
    br.ue();  // seq_parameter_set_id
    std::uint32_t chroma_format_idc = 1;
    bool separate_colour_plane = false;
    if (is_high_profile(s.profile_idc)) {
        chroma_format_idc = br.ue();
        if (chroma_format_idc > 3) return kInvalid;
        if (chroma_format_idc == 3) separate_colour_plane = br.bit();
        br.ue();         // bit_depth_luma_minus8
        br.ue();         // bit_depth_chroma_minus8
        br.bit();        // qpprime_y_zero_transform_bypass_flag
        if (br.bit()) {  // seq_scaling_matrix_present_flag
            int lists = chroma_format_idc != 3 ? 8 : 12;
            for (int i = 0; i < lists; ++i) {
                if (br.bit()) skip_scaling_list(br, i < 6 ? 16 : 64);
            }
        }
    }
    br.ue();  // log2_max_frame_num_minus4
    auto poc_type = br.ue();
    if (poc_type == 0) {
        br.ue();
    } else if (poc_type == 1) {
        br.bit();
        br.se();
        br.se();
        auto n = br.ue();
        if (n > 255) return kInvalid;
        for (std::uint32_t i = 0; i < n; ++i)
            br.se();
    } else if (poc_type != 2) {
        return kInvalid;
    }
    br.ue();   // max_num_ref_frames
    br.bit();  // gaps_in_frame_num_value_allowed_flag
    auto w_mbs = br.ue() + 1;
    auto h_map = br.ue() + 1;
    bool frame_mbs_only = br.bit();
    if (!frame_mbs_only) br.bit();  // mb_adaptive_frame_field_flag
    br.bit();                       // direct_8x8_inference_flag
    std::uint32_t crop[4] = {0, 0, 0, 0};
    if (br.bit()) {
        for (auto& c : crop)
            c = br.ue();
    }
    if (br.failed() || w_mbs > 1024 || h_map > 1024) return kInvalid;
    // §7.4.2.1.1: crop units depend on chroma subsampling and field coding.
    std::uint32_t array_type = separate_colour_plane ? 0 : chroma_format_idc;
    std::uint32_t unit_x = array_type == 0 ? 1 : (array_type == 3 ? 1 : 2);
    std::uint32_t unit_y = (array_type == 0 || array_type == 3 ? 1 : (array_type == 2 ? 1 : 2)) *
                           (2 - (frame_mbs_only ? 1 : 0));
    std::uint32_t full_w = w_mbs * 16;
    std::uint32_t full_h = (2 - (frame_mbs_only ? 1 : 0)) * h_map * 16;
    std::uint64_t cut_w = std::uint64_t(unit_x) * (crop[0] + crop[1]);
    std::uint64_t cut_h = std::uint64_t(unit_y) * (crop[2] + crop[3]);
    if (cut_w >= full_w || cut_h >= full_h) return kInvalid;
    s.width = full_w - static_cast<std::uint32_t>(cut_w);
    s.height = full_h - static_cast<std::uint32_t>(cut_h);

    if (br.bit()) {                              // vui_parameters_present_flag (Annex E.1.1)
        if (br.bit()) {                          // aspect_ratio_info_present_flag
            if (br.bits(8) == 255) br.bits(32);  // Extended_SAR
        }
        if (br.bit()) br.bit();  // overscan
        if (br.bit()) {          // video_signal_type_present_flag
            br.bits(4);
            if (br.bit()) br.bits(24);  // colour description
        }
        if (br.bit()) {  // chroma_loc_info_present_flag
            br.ue();
            br.ue();
        }
        if (br.bit()) {  // timing_info_present_flag
            auto num_units = br.bits(32);
            auto time_scale = br.bits(32);
            if (!br.failed() && num_units > 0)
                s.frame_rate = double(time_scale) / (2.0 * num_units);
        }
    }
    return s;
}

std::string avc_codec_string(const Sps& sps) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "avc1.%02x%02x%02x", sps.profile_idc, sps.constraint_flags,
                  sps.level_idc);
    return buf;
}

util::Result<std::vector<std::uint8_t>> avcc_to_avcc4(std::span<const std::uint8_t> in_bytes,
                                                      std::uint8_t length_size) {
    if (length_size != 1 && length_size != 2 && length_size != 4) return kInvalid;
    std::vector<std::uint8_t> out;
    out.reserve(in_bytes.size() + 16);
    util::ByteReader in(in_bytes);
    util::ByteWriter w(out);
    while (!in.empty()) {
        std::uint32_t len = 0;
        bool ok = false;
        if (length_size == 4) {
            ok = in.read_u32(len);
        } else if (length_size == 2) {
            std::uint16_t l = 0;
            ok = in.read_u16(l);
            len = l;
        } else {
            std::uint8_t l = 0;
            ok = in.read_u8(l);
            len = l;
        }
        std::span<const std::uint8_t> nal;
        if (!ok || len == 0 || !in.read_bytes(len, nal)) return kInvalid;
        w.u32(len);
        w.bytes(nal);
    }
    return out;
}

bool has_idr(std::span<const std::uint8_t> avcc4) {
    bool idr = false;
    for_each_nal(avcc4, [&](std::span<const std::uint8_t> nal) {
        idr = !nal.empty() && (nal[0] & 0x1F) == 5;
        return !idr;
    });
    return idr;
}

namespace {

// x264's user-data UUID (its SEI writer, common/common.c).
constexpr std::array<std::uint8_t, 16> kX264Uuid = {0xdc, 0x45, 0xe9, 0xbd, 0xe6, 0xd9, 0x48, 0xb7,
                                                    0x96, 0x2c, 0xd8, 0x20, 0xd9, 0x23, 0xee, 0xef};
// x264's text is ~600 bytes; anything longer is not it.
constexpr std::size_t kMaxSeiBytes = 4096;

// An SEI message's payloadType or payloadSize (§7.3.2.3.1): 0xFF bytes add 255 each.
bool read_sei_number(util::ByteReader& in, std::size_t& out) {
    out = 0;
    std::uint8_t b = 0xFF;
    while (b == 0xFF) {
        if (!in.read_u8(b) || out > kMaxSeiBytes) return false;
        out += b;
    }
    return true;
}

std::optional<int> keyint_in(std::string_view text) {
    for (std::size_t at = text.find("keyint="); at != std::string_view::npos;
         at = text.find("keyint=", at + 1)) {
        if (at != 0 && text[at - 1] != ' ') continue;  // not keyint_min=, not min-keyint
        std::string_view v = text.substr(at + 7);
        if (v.starts_with("infinite")) return 0;
        int n = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc{} || n <= 0) return std::nullopt;
        return n;
    }
    return std::nullopt;
}

}  // namespace

std::optional<int> x264_keyint(std::span<const std::uint8_t> avcc4) {
    std::optional<int> found;
    for_each_nal(avcc4, [&](std::span<const std::uint8_t> nal) {
        if (nal.size() < 2 || (nal[0] & 0x1F) != 6 || nal.size() > kMaxSeiBytes) return true;
        const std::vector<std::uint8_t> rbsp = to_rbsp(nal.subspan(1));
        util::ByteReader in(rbsp);
        std::size_t type = 0;
        std::size_t size = 0;
        std::span<const std::uint8_t> payload;
        // Messages until the trailing bits (0x80) or the end.
        while (in.remaining() > 1 && read_sei_number(in, type) && read_sei_number(in, size) &&
               in.read_bytes(size, payload)) {
            if (type != 5 || payload.size() < kX264Uuid.size() ||
                !std::equal(kX264Uuid.begin(), kX264Uuid.end(), payload.begin())) {
                continue;
            }
            auto text = payload.subspan(kX264Uuid.size());
            found = keyint_in({reinterpret_cast<const char*>(text.data()), text.size()});
            return false;
        }
        return true;
    });
    return found;
}

}  // namespace nchat::media

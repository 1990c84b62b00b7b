#include "ingest/rtmp/detail/amf0.hpp"

#include "ingest/rtmp/detail/limits.hpp"

namespace nchat::ingest::rtmp {
namespace {

// AMF0 §2.1 type markers.
enum Marker : std::uint8_t {
    kNumber = 0x00,
    kBoolean = 0x01,
    kString = 0x02,
    kObject = 0x03,
    kNull = 0x05,
    kUndefined = 0x06,
    kEcmaArray = 0x08,
    kObjectEnd = 0x09,
    kStrictArray = 0x0A,
    kDate = 0x0B,
    kLongString = 0x0C,
};

// Values still allowed in the message being decoded (limits::kMaxAmfValues).
struct Budget {
    std::size_t values = limits::kMaxAmfValues;
};

util::Result<Amf0Value> decode(util::ByteReader& in, int depth, Budget& budget);

util::Result<std::string> read_utf8(util::ByteReader& in, bool long_string) {
    std::uint32_t len = 0;
    if (long_string) {
        if (!in.read_u32(len)) return error::need_more;
    } else {
        std::uint16_t l16 = 0;
        if (!in.read_u16(l16)) return error::need_more;
        len = l16;
    }
    std::string s;
    // The length is only believed as far as bytes have arrived (STYLE.md: allocate only what
    // has arrived).
    if (!in.read_string(len, s)) return error::need_more;
    return s;
}

// Object properties up to the 00 00 09 end marker (AMF0 §2.5, §2.10).
util::Result<std::vector<Amf0Property>> read_properties(util::ByteReader& in,
                                                        int depth,
                                                        Budget& budget) {
    std::vector<Amf0Property> props;
    for (;;) {
        auto key = read_utf8(in, false);
        if (!key) return key.error();
        if (key->empty()) {
            std::uint8_t end = 0;
            if (!in.read_u8(end)) return error::need_more;
            if (end != kObjectEnd) return error::malformed;
            return props;
        }
        if (props.size() >= limits::kMaxAmfElements) return error::too_large;
        auto value = decode(in, depth + 1, budget);
        if (!value) return value.error();
        props.push_back({std::move(*key), std::move(*value)});
    }
}

void write_utf8(util::ByteWriter& out, std::string_view s) {
    out.u16(static_cast<std::uint16_t>(s.size()));
    out.bytes(s);
}

}  // namespace

const Amf0Value* Amf0Value::get(std::string_view key) const {
    for (const auto& p : properties) {
        if (p.key == key) return &p.value;
    }
    return nullptr;
}

namespace {

util::Result<Amf0Value> decode(util::ByteReader& in, int depth, Budget& budget) {
    if (depth > limits::kMaxAmfDepth) return error::too_deep;
    if (budget.values == 0) return error::too_large;
    --budget.values;
    std::uint8_t marker = 0;
    if (!in.read_u8(marker)) return error::need_more;
    Amf0Value v;
    switch (marker) {
        case kNumber:
            v.type = Amf0Value::Type::number;
            if (!in.read_f64(v.number)) return error::need_more;
            return v;
        case kBoolean: {
            std::uint8_t b = 0;
            if (!in.read_u8(b)) return error::need_more;
            v.type = Amf0Value::Type::boolean;
            v.boolean = b != 0;
            return v;
        }
        case kString:
        case kLongString: {
            auto s = read_utf8(in, marker == kLongString);
            if (!s) return s.error();
            v.type = Amf0Value::Type::string;
            v.string = std::move(*s);
            return v;
        }
        case kObject:
        case kEcmaArray: {
            if (marker == kEcmaArray) {
                std::uint32_t count_hint = 0;  // AMF0 §2.10: not to be trusted; ignored
                if (!in.read_u32(count_hint)) return error::need_more;
            }
            auto props = read_properties(in, depth, budget);
            if (!props) return props.error();
            v.type = marker == kObject ? Amf0Value::Type::object : Amf0Value::Type::ecma_array;
            v.properties = std::move(*props);
            return v;
        }
        case kNull:
            v.type = Amf0Value::Type::null;
            return v;
        case kUndefined:
            v.type = Amf0Value::Type::undefined;
            return v;
        case kStrictArray: {
            std::uint32_t count = 0;
            if (!in.read_u32(count)) return error::need_more;
            if (count > limits::kMaxAmfElements) return error::too_large;
            v.type = Amf0Value::Type::strict_array;
            for (std::uint32_t i = 0; i < count; ++i) {
                auto item = decode(in, depth + 1, budget);
                if (!item) return item.error();
                v.items.push_back(std::move(*item));
            }
            return v;
        }
        case kDate: {
            std::uint16_t tz = 0;  // AMF0 §2.13: reserved, should be 0
            v.type = Amf0Value::Type::date;
            if (!in.read_f64(v.number) || !in.read_u16(tz)) return error::need_more;
            return v;
        }
        default:
            // Reference, XML, typed object, movieclip, recordset, AMF3 switch: no encoder we
            // accept sends them in a publish session.
            return error::unsupported;
    }
}

}  // namespace

util::Result<Amf0Value> decode_amf0(util::ByteReader& in, int depth) {
    Budget budget;
    return decode(in, depth, budget);
}

util::Result<std::vector<Amf0Value>> decode_amf0_all(std::span<const std::uint8_t> body) {
    util::ByteReader in(body);
    std::vector<Amf0Value> out;
    Budget budget;  // one for the whole message
    while (!in.empty()) {
        if (out.size() >= limits::kMaxAmfElements) return error::too_large;
        auto v = decode(in, 0, budget);
        if (!v) {
            // Inside a complete message body a short value is malformed, not "wait for more".
            return v.error() == error::need_more ? std::error_code(error::malformed) : v.error();
        }
        out.push_back(std::move(*v));
    }
    return out;
}

void encode_amf0(util::ByteWriter& out, const Amf0Value& v) {
    using T = Amf0Value::Type;
    switch (v.type) {
        case T::number:
            out.u8(kNumber);
            out.f64(v.number);
            break;
        case T::boolean:
            out.u8(kBoolean);
            out.u8(v.boolean ? 1 : 0);
            break;
        case T::string:
            if (v.string.size() > 0xFFFF) {
                out.u8(kLongString);
                out.u32(static_cast<std::uint32_t>(v.string.size()));
                out.bytes(v.string);
            } else {
                out.u8(kString);
                write_utf8(out, v.string);
            }
            break;
        case T::object:
        case T::ecma_array:
            out.u8(v.type == T::object ? kObject : kEcmaArray);
            if (v.type == T::ecma_array) out.u32(static_cast<std::uint32_t>(v.properties.size()));
            for (const auto& p : v.properties) {
                write_utf8(out, p.key);
                encode_amf0(out, p.value);
            }
            out.u16(0);
            out.u8(kObjectEnd);
            break;
        case T::null:
            out.u8(kNull);
            break;
        case T::undefined:
            out.u8(kUndefined);
            break;
        case T::strict_array:
            out.u8(kStrictArray);
            out.u32(static_cast<std::uint32_t>(v.items.size()));
            for (const auto& item : v.items)
                encode_amf0(out, item);
            break;
        case T::date:
            out.u8(kDate);
            out.f64(v.number);
            out.u16(0);
            break;
    }
}

}  // namespace nchat::ingest::rtmp

#pragma once
// AMF0 (Adobe AMF0 spec §2): the encoding of RTMP commands and metadata.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/rtmp/detail/error.hpp"
#include "util/byte_reader.hpp"
#include "util/result.hpp"

namespace nchat::ingest::rtmp {

struct Amf0Property;

struct Amf0Value {
    enum class Type : std::uint8_t {
        number,
        boolean,
        string,
        object,
        null,
        undefined,
        ecma_array,
        strict_array,
        date
    };
    Type type = Type::null;
    double number = 0;  // number, date (ms since epoch)
    bool boolean = false;
    std::string string;
    std::vector<Amf0Property> properties;  // object, ecma_array (vector allows the incomplete type)
    std::vector<Amf0Value> items;          // strict_array

    // Factories; defined below, once Amf0Property is complete.
    static Amf0Value num(double v);
    static Amf0Value boolean_of(bool v);
    static Amf0Value str(std::string v);
    static Amf0Value null();
    static Amf0Value object(std::vector<Amf0Property> props);

    // The property `key` of an object or ECMA array; nullptr when absent or not one.
    const Amf0Value* get(std::string_view key) const;
    bool is_string() const { return type == Type::string; }
    bool is_number() const { return type == Type::number; }
};

struct Amf0Property {
    std::string key;
    Amf0Value value;
};

inline Amf0Value Amf0Value::num(double v) {
    Amf0Value out;
    out.type = Type::number;
    out.number = v;
    return out;
}
inline Amf0Value Amf0Value::boolean_of(bool v) {
    Amf0Value out;
    out.type = Type::boolean;
    out.boolean = v;
    return out;
}
inline Amf0Value Amf0Value::str(std::string v) {
    Amf0Value out;
    out.type = Type::string;
    out.string = std::move(v);
    return out;
}
inline Amf0Value Amf0Value::null() {
    return Amf0Value{};
}
inline Amf0Value Amf0Value::object(std::vector<Amf0Property> props) {
    Amf0Value out;
    out.type = Type::object;
    out.properties = std::move(props);
    return out;
}

// Decodes one value. need_more when `in` ends inside it; never reads past `in`.
util::Result<Amf0Value> decode_amf0(util::ByteReader& in, int depth = 0);
// Decodes values until the input ends (a command message body).
util::Result<std::vector<Amf0Value>> decode_amf0_all(std::span<const std::uint8_t> body);

void encode_amf0(util::ByteWriter& out, const Amf0Value& v);

}  // namespace nchat::ingest::rtmp

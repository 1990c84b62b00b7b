#include "ingest/rtmp/detail/amf0.hpp"

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"

namespace nchat::ingest::rtmp {
namespace {

using Bytes = std::vector<std::uint8_t>;

using nchat::testing::hex;

// The start of a `connect` command as FFmpeg's RTMP client sends it (captured, trimmed to
// the keys that matter).
const Bytes kConnect =
    hex("02 0007 636f6e6e656374"          // string "connect"
        "00 3ff0000000000000"             // number 1 (transaction id)
        "03"                              // object {
        "  0003 617070 02 0004 6c697665"  //   app: "live"
        "  0004 74797065 02 000a 6e6f6e707269766174"
        "65"  //   type: "nonprivate"
        "  0008 666c617368566572 02 0008 464d4c452f33"
        "2e30"  //   flashVer: "FMLE/3.0"
        // tcUrl: "rtmp://127.0.0.1:1935/live"
        "  0005 746355726c 02 001a 72746d703a2f2f3132372e302e302e313a313933352f6c697665"
        "  000009");  // }

TEST(Amf0, DecodesFfmpegConnect) {
    auto values = decode_amf0_all(kConnect);
    ASSERT_TRUE(values) << values.error().message();
    ASSERT_EQ(values->size(), 3u);
    EXPECT_EQ((*values)[0].string, "connect");
    EXPECT_EQ((*values)[1].number, 1.0);
    const auto& obj = (*values)[2];
    ASSERT_EQ(obj.type, Amf0Value::Type::object);
    EXPECT_EQ(obj.get("app")->string, "live");
    EXPECT_EQ(obj.get("flashVer")->string, "FMLE/3.0");
    EXPECT_EQ(obj.get("tcUrl")->string, "rtmp://127.0.0.1:1935/live");
    EXPECT_EQ(obj.get("nope"), nullptr);
}

TEST(Amf0, EncodesBackToTheSameBytes) {
    auto values = decode_amf0_all(kConnect);
    ASSERT_TRUE(values);
    Bytes out;
    util::ByteWriter w(out);
    for (const auto& v : *values)
        encode_amf0(w, v);
    EXPECT_EQ(out, kConnect);
}

TEST(Amf0, EveryTruncatedPrefixNeedsMore) {
    for (std::size_t n = 0; n < kConnect.size(); ++n) {
        util::ByteReader in(std::span(kConnect.data(), n));
        std::error_code last;
        while (true) {
            auto v = decode_amf0(in);
            if (!v) {
                last = v.error();
                break;
            }
        }
        EXPECT_EQ(last, make_error_code(error::need_more)) << "prefix " << n;
    }
}

TEST(Amf0, AllTypesRoundTrip) {
    Amf0Value ecma{.type = Amf0Value::Type::ecma_array,
                   .properties = {{"width", Amf0Value::num(1920)},
                                  {"encoder", Amf0Value::str("obs-output module")}}};
    Amf0Value arr{.type = Amf0Value::Type::strict_array,
                  .items = {Amf0Value::num(1), Amf0Value::boolean_of(true), Amf0Value::null()}};
    Amf0Value date{.type = Amf0Value::Type::date, .number = 1.7e12};
    Amf0Value undef{.type = Amf0Value::Type::undefined};
    Amf0Value longstr = Amf0Value::str(std::string(70000, 'x'));
    std::vector<Amf0Value> in{
        ecma, arr, date, undef, longstr, Amf0Value::object({{"nested", Amf0Value::object({})}})};
    Bytes out;
    util::ByteWriter w(out);
    for (const auto& v : in)
        encode_amf0(w, v);
    auto back = decode_amf0_all(out);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), in.size());
    EXPECT_EQ((*back)[0].get("encoder")->string, "obs-output module");
    EXPECT_EQ((*back)[0].type, Amf0Value::Type::ecma_array);
    EXPECT_EQ((*back)[1].items.size(), 3u);
    EXPECT_TRUE((*back)[1].items[1].boolean);
    EXPECT_EQ((*back)[2].number, 1.7e12);
    EXPECT_EQ((*back)[3].type, Amf0Value::Type::undefined);
    EXPECT_EQ((*back)[4].string.size(), 70000u);
    EXPECT_EQ((*back)[5].get("nested")->type, Amf0Value::Type::object);
}

TEST(Amf0, RefusesHostileInput) {
    // Nesting past the limit.
    Bytes deep;
    for (int i = 0; i < 100; ++i)
        deep.insert(deep.end(), {0x03, 0x00, 0x01, 'a'});  // {a: {a: …
    EXPECT_EQ(decode_amf0_all(deep).error(), make_error_code(error::too_deep));
    // A strict array announcing 4 billion elements allocates nothing and is refused.
    EXPECT_EQ(decode_amf0_all(hex("0a ffffffff")).error(), make_error_code(error::too_large));
    // A string longer than the message: malformed inside a whole body.
    EXPECT_EQ(decode_amf0_all(hex("02 ffff 41")).error(), make_error_code(error::malformed));
    // AMF3 switch and XML are not accepted.
    EXPECT_EQ(decode_amf0_all(hex("11 00")).error(), make_error_code(error::unsupported));
    // Object without a proper end marker.
    EXPECT_EQ(decode_amf0_all(hex("03 0000 05")).error(), make_error_code(error::malformed));
}

// Nested arrays of nulls cost 1 byte a value on the wire: without a budget for the whole
// message, 1024 per array times the depth let a few MiB decode into gigabytes.
Bytes nested_null_arrays(int depth, std::uint32_t per_array) {
    Bytes out;
    for (int d = 0; d < depth; ++d) {
        out.push_back(0x0A);
        for (int shift = 24; shift >= 0; shift -= 8)
            out.push_back(static_cast<std::uint8_t>(per_array >> shift));
        // per_array - 1 nulls, then the next array (or one more null at the bottom)
        out.insert(out.end(), per_array - 1, 0x05);
    }
    out.push_back(0x05);
    return out;
}

TEST(Amf0, ValuesOfOneMessageHaveOneBudget) {
    // 4 × 1000 values, each array within kMaxAmfElements: fine.
    auto fits = decode_amf0_all(nested_null_arrays(4, 1000));
    ASSERT_TRUE(fits) << fits.error().message();
    // 8 × 1000: every array is small, the message is not.
    EXPECT_EQ(decode_amf0_all(nested_null_arrays(8, 1000)).error(),
              make_error_code(error::too_large));
    // The same budget across the message's top-level values.
    Bytes many;
    for (int i = 0; i < 5; ++i) {
        auto part = nested_null_arrays(1, 1000);
        many.insert(many.end(), part.begin(), part.end());
    }
    EXPECT_EQ(decode_amf0_all(many).error(), make_error_code(error::too_large));
}

}  // namespace
}  // namespace nchat::ingest::rtmp

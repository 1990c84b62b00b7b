#include "hls/detail/uri_query.hpp"

#include <gtest/gtest.h>

namespace nchat::hls {
namespace {

TEST(UriQuery, EveryUriOfAMediaPlaylistGetsTheParameter) {
    const std::string in =
        "#EXTM3U\n"
        "#EXT-X-TARGETDURATION:2\n"
        "#EXT-X-MAP:URI=\"init0.mp4\"\n"
        "#EXT-X-PART:DURATION=0.334,URI=\"part10.0.m4s\",INDEPENDENT=YES\n"
        "#EXTINF:2.000,\n"
        "seg10.m4s\n"
        "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part11.1.m4s\"\n"
        "#EXT-X-RENDITION-REPORT:URI=\"../720p/index.m3u8\",LAST-MSN=11,LAST-PART=0\n";
    const std::string out = add_query_to_uris(in, "token=u.1.sig");
    EXPECT_EQ(out,
              "#EXTM3U\n"
              "#EXT-X-TARGETDURATION:2\n"
              "#EXT-X-MAP:URI=\"init0.mp4?token=u.1.sig\"\n"
              "#EXT-X-PART:DURATION=0.334,URI=\"part10.0.m4s?token=u.1.sig\",INDEPENDENT=YES\n"
              "#EXTINF:2.000,\n"
              "seg10.m4s?token=u.1.sig\n"
              "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part11.1.m4s?token=u.1.sig\"\n"
              "#EXT-X-RENDITION-REPORT:URI=\"../720p/index.m3u8?token=u.1.sig\",LAST-MSN=11,"
              "LAST-PART=0\n");
}

TEST(UriQuery, MultivariantAndUrisThatHaveAQueryOrCrlf) {
    const std::string in =
        "#EXTM3U\r\n"
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"x\",URI=\"audio/index.m3u8?x=1\"\r\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=800000\r\n"
        "480p/index.m3u8\r\n"
        "\r\n"
        "#EXT-X-SESSION-DATA:DATA-ID=\"a\",X-URI=\"not-a-uri\"\r\n"
        "360p/index.m3u8";
    EXPECT_EQ(
        add_query_to_uris(in, "token=t"),
        "#EXTM3U\r\n"
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"x\",URI=\"audio/index.m3u8?x=1&token=t\"\r\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=800000\r\n"
        "480p/index.m3u8?token=t\r\n"
        "\r\n"
        "#EXT-X-SESSION-DATA:DATA-ID=\"a\",X-URI=\"not-a-uri\"\r\n"
        "360p/index.m3u8?token=t");
}

}  // namespace
}  // namespace nchat::hls

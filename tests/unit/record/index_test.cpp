#include "record/index.hpp"

#include <gtest/gtest.h>

namespace nchat::record {
namespace {

IndexEntry entry(std::uint64_t msn, std::int64_t us) {
    IndexEntry e;
    e.msn = msn;
    e.duration_us = us;
    e.program_date_ms = 1'764'700'000'000 + static_cast<std::int64_t>(msn) * 2000;
    e.bytes = 1000 + msn;
    return e;
}

TEST(RecordIndex, LinesRoundTrip) {
    IndexEntry a = entry(7, 2'002'000);
    a.discontinuity = true;
    a.init_generation = 3;
    IndexEntry b = entry(8, 1'968'000);
    b.gap = true;
    b.init_generation = 3;
    auto parsed = parse_index(format_entry(a) + format_entry(b), 100);
    ASSERT_EQ(parsed.size(), 2u);
    EXPECT_EQ(parsed[0].msn, 7u);
    EXPECT_EQ(parsed[0].duration_us, 2'002'000);
    EXPECT_TRUE(parsed[0].discontinuity);
    EXPECT_FALSE(parsed[0].gap);
    EXPECT_EQ(parsed[0].init_generation, 3u);
    EXPECT_EQ(parsed[0].program_date_ms, a.program_date_ms);
    EXPECT_EQ(parsed[0].bytes, a.bytes);
    EXPECT_TRUE(parsed[1].gap);
}

TEST(RecordIndex, APartialOrBadLineEndsTheList) {
    auto good = format_entry(entry(1, 2'000'000)) + format_entry(entry(2, 2'000'000));
    // A crash mid-append leaves a line with no newline: ignored.
    EXPECT_EQ(parse_index(good + "3 2000", 100).size(), 2u);
    // Garbage, a negative or absurd duration, msns going backwards, a flag not 0/1: the end.
    EXPECT_EQ(parse_index(good + "x y z\n" + format_entry(entry(4, 1)), 100).size(), 2u);
    EXPECT_EQ(parse_index(good + "3 -5 0 0 0 0 0\n", 100).size(), 2u);
    EXPECT_EQ(parse_index(good + "3 99999999999 0 0 0 0 0\n", 100).size(), 2u);
    EXPECT_EQ(parse_index(good + format_entry(entry(2, 2'000'000)), 100).size(), 2u);
    EXPECT_EQ(parse_index(good + "3 2000000 2 0 0 0 0\n", 100).size(), 2u);
    EXPECT_EQ(parse_index(good + std::string(500, '1') + "\n", 100).size(), 2u);
    EXPECT_EQ(parse_index(good, 1).size(), 1u);  // the cap
    EXPECT_TRUE(parse_index("", 100).empty());
}

TEST(RecordIndex, VodPlaylistListsEverySegmentAndEnds) {
    std::vector<IndexEntry> e = {entry(0, 2'000'000), entry(1, 2'400'000), entry(2, 1'000'000)};
    e[2].discontinuity = true;
    e[2].init_generation = 1;
    e[1].gap = true;
    auto text = vod_playlist(e);
    EXPECT_EQ(text.rfind("#EXTM3U\n", 0), 0u);
    EXPECT_NE(text.find("#EXT-X-PLAYLIST-TYPE:VOD\n"), std::string::npos);
    EXPECT_NE(text.find("#EXT-X-TARGETDURATION:2\n"), std::string::npos);  // 2.4 rounds to 2
    EXPECT_NE(text.find("#EXT-X-MEDIA-SEQUENCE:0\n"), std::string::npos);
    EXPECT_NE(text.find("#EXT-X-MAP:URI=\"init.mp4\"\n"), std::string::npos);
    EXPECT_NE(text.find("#EXT-X-GAP\n#EXTINF:2.400,\nseg1.m4s\n"), std::string::npos);
    EXPECT_NE(text.find("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init1.mp4\"\n"), std::string::npos);
    EXPECT_NE(text.find("#EXTINF:1.000,\nseg2.m4s\n#EXT-X-ENDLIST\n"), std::string::npos);
    EXPECT_NE(text.find("#EXT-X-PROGRAM-DATE-TIME:2025-12-02T18:26:40.000Z\n"), std::string::npos);
}

}  // namespace
}  // namespace nchat::record

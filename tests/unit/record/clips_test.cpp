#include "record/clips.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace nchat::record {
namespace {
namespace fs = std::filesystem;

class ClipsTest : public ::testing::Test {
protected:
    fs::path dir = fs::temp_directory_path() /
                   ("nchat-clips-" +
                    std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    void SetUp() override {
        fs::create_directories(dir / "720p");
        std::ofstream index(dir / "720p" / "index.txt");
        // Segments of 2 s from msn 10 (a resumed or late-started window), then a 1.5 s one.
        for (std::uint64_t msn = 10; msn < 15; ++msn) {
            IndexEntry e;
            e.msn = msn;
            e.duration_us = msn == 14 ? 1'500'000 : 2'000'000;
            index << format_entry(e);
        }
    }
    void TearDown() override { fs::remove_all(dir); }
};

TEST_F(ClipsTest, CutsOnTheSegmentsAroundWhatWasAsked) {
    std::string why;
    auto c = cut_clip(dir, "720p", 2500, 5000, &why);
    ASSERT_TRUE(c) << why;
    EXPECT_EQ(c->from_ms, 2000);  // the segment holding 2.5 s starts at 2 s
    EXPECT_EQ(c->to_ms, 6000);    // the one holding 4.999 s ends at 6 s
    EXPECT_EQ(c->first_msn, 11u);
    EXPECT_EQ(c->last_msn, 12u);
    auto exact = cut_clip(dir, "720p", 4000, 6000, &why);
    ASSERT_TRUE(exact);
    EXPECT_EQ(exact->from_ms, 4000);
    EXPECT_EQ(exact->to_ms, 6000);
    EXPECT_EQ(exact->first_msn, exact->last_msn);
}

TEST_F(ClipsTest, ClampsToWhatIsRecordedAndRefusesWhatIsNot) {
    std::string why;
    auto c = cut_clip(dir, "720p", 7000, 60000, &why);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->to_ms, 9500);
    EXPECT_EQ(c->last_msn, 14u);
    EXPECT_FALSE(cut_clip(dir, "720p", 9500, 12000, &why));
    EXPECT_NE(why.find("9500 ms"), std::string::npos) << why;
    EXPECT_FALSE(cut_clip(dir, "480p", 0, 1000, &why));
}

TEST_F(ClipsTest, SavedListedAndItsEntries) {
    std::string why;
    auto c = cut_clip(dir, "720p", 0, 3000, &why);
    ASSERT_TRUE(c);
    c->id = "11111111-2222-3333-4444-555555555555";
    c->stream_id = "s";
    c->title = "a \"moment\"";
    c->created_at = "2026-12-03T10:00:00.000Z";
    ASSERT_FALSE(save_clip(dir, *c));
    auto back = load_clip(dir, c->id);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->title, c->title);
    EXPECT_EQ(back->last_msn, 11u);
    EXPECT_EQ(list_clips(dir).size(), 1u);
    EXPECT_EQ(clip_entries(dir, "720p", *back).size(), 2u);
    EXPECT_FALSE(load_clip(dir, "../720p/index"));
}

}  // namespace
}  // namespace nchat::record

#include "record/recorder.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "record/index.hpp"
#include "util/clock.hpp"

namespace nchat::record {
namespace {
namespace fs = std::filesystem;

Buffer bytes(std::size_t n, std::uint8_t v) {
    return std::make_shared<const std::vector<std::uint8_t>>(n, v);
}

SegmentData segment(std::uint64_t msn, std::uint32_t gen = 0) {
    SegmentData s;
    s.msn = msn;
    s.duration_us = 2'000'000;
    s.init_generation = gen;
    s.init = bytes(10, 0xee);
    s.program_date_ms = 1'764'700'000'000;
    s.parts = {bytes(100, std::uint8_t(msn)), bytes(50, std::uint8_t(msn))};
    return s;
}

class RecorderTest : public ::testing::Test {
protected:
    fs::path root =
        fs::temp_directory_path() /
        ("nchat-rec-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    util::SystemClock clock;
    void TearDown() override { fs::remove_all(root); }
    RecorderOptions options() {
        RecorderOptions o;
        o.root = root;
        return o;
    }
};

TEST_F(RecorderTest, WritesEachRenditionsSegmentsAndCompletesWhenAllEnd) {
    Recorder recorder(options(), clock);
    auto rec = recorder.start("stream-1");
    ASSERT_TRUE(rec);
    rec->on_segment("720p", segment(0));
    rec->on_master_playlist(
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8\n");
    rec->on_segment("360p", segment(0));
    rec->on_segment("720p", segment(1));
    rec->on_rendition_end("720p");
    recorder.writer().drain();
    EXPECT_EQ(rec->state(), State::recording) << "360p has not ended";
    rec->on_rendition_end("360p");
    recorder.writer().drain();
    EXPECT_EQ(rec->state(), State::complete);

    const fs::path d = root / "stream-1";
    EXPECT_EQ(fs::file_size(d / "720p" / "seg1.m4s"), 150u);
    EXPECT_EQ(fs::file_size(d / "720p" / "init.mp4"), 10u);
    auto index = read_small_file(d / "720p" / "index.txt", 1 << 20);
    ASSERT_TRUE(index);
    EXPECT_EQ(parse_index(*index, 100).size(), 2u);
    auto info = recorder.info("stream-1");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->state, State::complete);
    EXPECT_EQ(info->duration_ms, 4000);
    EXPECT_EQ(info->size_bytes, 3u * 150u + 2u * 10u);
    EXPECT_EQ(info->renditions, (std::vector<std::string>{"720p", "360p"}));
    EXPECT_EQ(recorder.stats().segments.load(), 3u);
    EXPECT_FALSE(recorder.recording_now("stream-1"));
}

TEST_F(RecorderTest, InfoFromTheFilesOnceTheRecordingIsGone) {
    {
        Recorder recorder(options(), clock);
        auto rec = recorder.start("s2");
        rec->on_master_playlist("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nsource/index.m3u8\n");
        rec->on_segment("source", segment(0));
        rec->finish();
    }
    Recorder again(options(), clock);
    auto info = again.info("s2");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->state, State::complete);
    EXPECT_EQ(info->duration_ms, 2000);
    EXPECT_EQ(info->size_bytes, 150u + 10u) << "the segment and its init, as while recording";
    EXPECT_EQ(info->renditions, (std::vector<std::string>{"source"}));
    EXPECT_FALSE(again.info("nothing-here"));
    EXPECT_FALSE(again.info("../etc"));
}

TEST_F(RecorderTest, AStoppedServersRecordingIsInterruptedAndContinuedAfterADiscontinuity) {
    {
        Recorder recorder(options(), clock);
        auto rec = recorder.start("s3");
        rec->on_segment("source", segment(0));
        rec->on_segment("source", segment(1));
        recorder.writer().drain();
    }  // the server stopped while live: never finished
    Recorder second(options(), clock);
    EXPECT_EQ(second.info("s3")->state, State::interrupted);
    auto rec = second.start("s3");
    rec->on_segment("source", segment(0));  // the new process's packager starts at 0 again
    rec->finish();
    second.writer().drain();
    auto entries = parse_index(*read_small_file(root / "s3" / "source" / "index.txt", 1 << 20), 10);
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[2].msn, 2u);
    EXPECT_TRUE(entries[2].discontinuity);
    EXPECT_EQ(entries[2].init_generation, 1u);
    EXPECT_TRUE(fs::exists(root / "s3" / "source" / "seg2.m4s"));
    EXPECT_TRUE(fs::exists(root / "s3" / "source" / "init1.mp4"));
    EXPECT_EQ(second.info("s3")->duration_ms, 6000);
}

TEST_F(RecorderTest, AWriteErrorFailsTheRecordingAndSaysWhy) {
    fs::create_directories(root);
    // A file where the stream's directory should be: every write fails.
    { std::ofstream(root / "s4") << "in the way"; }
    Recorder recorder(options(), clock);
    auto rec = recorder.start("s4");
    rec->on_segment("source", segment(0));
    rec->on_segment("source", segment(1));
    recorder.writer().drain();
    EXPECT_EQ(rec->state(), State::failed);
    EXPECT_NE(rec->info().error.find("writing source/seg0.m4s"), std::string::npos)
        << rec->info().error;
    EXPECT_EQ(recorder.stats().failures.load(), 1u);
    rec->finish();
    recorder.writer().drain();
    EXPECT_EQ(rec->state(), State::failed);
}

TEST_F(RecorderTest, ADiskSlowerThanTheStreamsFailsOnlyThatRecording) {
    RecorderOptions o = options();
    o.max_queued_bytes = 400;  // two segments
    Recorder recorder(o, clock);
    auto rec = recorder.start("s5");
    for (std::uint64_t i = 0; i < 50; ++i)
        rec->on_segment("source", segment(i));
    recorder.writer().drain();
    // Whether the writer kept up is up to the scheduler; when it did not, the recording failed
    // (and said so) rather than queueing without bound.
    if (rec->state() == State::failed) {
        EXPECT_NE(rec->info().error.find("queueing"), std::string::npos) << rec->info().error;
    } else {
        EXPECT_EQ(rec->state(), State::recording);
    }
    EXPECT_LE(recorder.writer().queued_bytes(), 400u);
}

TEST_F(RecorderTest, TakedownRemovesTheFilesButNotWhileRecording) {
    Recorder recorder(options(), clock);
    auto rec = recorder.start("s6");
    rec->on_segment("source", segment(0));
    recorder.writer().drain();
    EXPECT_FALSE(recorder.remove("s6")) << "still recording";
    rec->finish();
    recorder.writer().drain();
    EXPECT_TRUE(recorder.remove("s6"));
    EXPECT_FALSE(recorder.info("s6"));
    recorder.writer().drain();
    EXPECT_TRUE(fs::is_empty(root));
    EXPECT_FALSE(recorder.remove("s6"));
}

TEST(RecordNames, OnlyPlainComponents) {
    EXPECT_TRUE(safe_name("3f2a-9c_720p"));
    EXPECT_FALSE(safe_name(""));
    EXPECT_FALSE(safe_name(".."));
    EXPECT_FALSE(safe_name("a/b"));
    EXPECT_FALSE(safe_name(std::string(65, 'a')));
}

}  // namespace
}  // namespace nchat::record

namespace nchat::record {
namespace {

TEST_F(RecorderTest, RetentionDeletesOnlyFinishedRecordingsPastTheirDays) {
    auto write = [&](const std::string& id, const std::string& json) {
        fs::create_directories(root / id / "source");
        std::ofstream(root / id / "recording.json") << json;
    };
    write("old", R"({"state":"complete","startedAt":"2020-01-01T00:00:00.000Z",)"
                 R"("endedAt":"2020-01-01T01:00:00.000Z"})");
    write("interrupted", R"({"state":"recording","startedAt":"2020-01-02T00:00:00.000Z"})");
    write("recent", R"({"state":"complete","startedAt":"2099-01-01T00:00:00.000Z",)"
                    R"("endedAt":"2099-01-01T01:00:00.000Z"})");
    Recorder recorder(options(), clock);
    auto live = recorder.start("live");
    live->on_segment("source", segment(0));
    recorder.writer().drain();
    recorder.sweep(std::chrono::hours(24 * 30));
    recorder.writer().drain();
    EXPECT_FALSE(fs::exists(root / "old"));
    EXPECT_FALSE(fs::exists(root / "interrupted"));
    EXPECT_TRUE(fs::exists(root / "recent"));
    EXPECT_TRUE(fs::exists(root / "live")) << "being recorded";
}

}  // namespace
}  // namespace nchat::record

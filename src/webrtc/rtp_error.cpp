#include "webrtc/rtp_error.hpp"

#include <string>

namespace nchat::webrtc {
namespace {

class Category final : public std::error_category {
public:
    const char* name() const noexcept override { return "rtp"; }
    std::string message(int ev) const override {
        switch (static_cast<rtp_error>(ev)) {
            case rtp_error::truncated:
                return "truncated packet";
            case rtp_error::bad_version:
                return "not RTP version 2";
            case rtp_error::malformed:
                return "malformed packet";
            case rtp_error::too_large:
                return "length or count over limit";
        }
        return "unknown rtp error";
    }
};

}  // namespace

const std::error_category& rtp_error_category() {
    static const Category c;
    return c;
}

}  // namespace nchat::webrtc

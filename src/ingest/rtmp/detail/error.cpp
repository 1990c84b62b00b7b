#include "ingest/rtmp/detail/error.hpp"

namespace nchat::ingest::rtmp {
namespace {

class Category final : public std::error_category {
public:
    const char* name() const noexcept override { return "rtmp"; }
    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
            case error::need_more:
                return "need more data";
            case error::malformed:
                return "malformed data";
            case error::too_deep:
                return "nesting too deep";
            case error::too_large:
                return "length over limit";
            case error::unsupported:
                return "unsupported";
        }
        return "unknown rtmp error";
    }
};

}  // namespace

const std::error_category& error_category() {
    static const Category c;
    return c;
}

}  // namespace nchat::ingest::rtmp

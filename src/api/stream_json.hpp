#pragma once
// The Stream object of the REST API: every column of nchat_streams in camelCase; a field
// without a value is present as null; times ISO 8601 UTC; streamKey only for its
// broadcaster and admins.
#include <nlohmann/json.hpp>

#include "store/types.hpp"

namespace nchat::api {

nlohmann::json stream_to_json(const store::Stream& s, bool with_key);

}  // namespace nchat::api

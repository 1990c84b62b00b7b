#pragma once
// The Stream object of the REST API: every column of nchat_streams in camelCase; a field
// without a value is present as null; times ISO 8601 UTC. No streamKey: only its hash is
// stored, and the routes that make a key (create, POST /key) add it to their one answer.
#include <nlohmann/json.hpp>

#include "store/types.hpp"

namespace nchat::api {

nlohmann::json stream_to_json(const store::Stream& s);

}  // namespace nchat::api

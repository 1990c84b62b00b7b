#include "realtime/rooms.hpp"

#include <atomic>
#include <cassert>

#include "realtime/presence.hpp"
#include "realtime/protocol.hpp"

namespace nchat::realtime {

namespace {
std::atomic<std::uint64_t> next_connection{1};
}  // namespace

Member::Member() : connection_(next_connection.fetch_add(1, std::memory_order_relaxed)) {}

OutEventPtr make_out_event(const Event& e) {
    auto out = std::make_shared<OutEvent>();
    out->stream_id = e.stream_id;
    out->type = e.type;
    out->user_id = e.user_id;
    if (e.type == "chat.message" && e.data.is_object()) {
        auto it = e.data.find("id");
        if (it != e.data.end() && it->is_string()) out->message_id = it->get<std::string>();
    }
    out->frame = ws::make_text_frame(protocol::encode_event(e));
    return out;
}

Joined Rooms::join(const std::string& stream_id, Member& m) {
    auto it = rooms_.find(stream_id);
    if (it == rooms_.end()) it = rooms_.try_emplace(stream_id, stream_id).first;
    auto& room = it->second;
    room.members_.push_back(&m);
    if (presence_) presence_->join(stream_id, m.user_id(), m.connection());
    return {&room, room.members_.size() - 1};
}

void Rooms::leave(Room& room, std::size_t index) {
    auto& v = room.members_;
    assert(index < v.size());
    Member* leaving = v[index];
    if (index + 1 != v.size()) {
        v[index] = v.back();
        v[index]->moved(room, index);
    }
    v.pop_back();
    if (presence_) presence_->leave(room.stream_id_, leaving->user_id(), leaving->connection());
    if (v.empty()) rooms_.erase(rooms_.find(room.stream_id_));  // `room` is gone after this
}

std::size_t Rooms::deliver(const OutEventPtr& e) {
    auto it = rooms_.find(e->stream_id);
    if (it == rooms_.end()) return 0;
    std::size_t n = 0;
    // Members deliver into their own queues; none leaves the room from inside deliver().
    for (Member* m : it->second.members_) {
        if (e->user_id) {
            const auto* uid = m->user_id();
            if (!uid || *uid != *e->user_id) continue;
        }
        m->deliver(e);
        ++n;
    }
    return n;
}

const Room* Rooms::find(const std::string& stream_id) const {
    auto it = rooms_.find(stream_id);
    return it == rooms_.end() ? nullptr : &it->second;
}

}  // namespace nchat::realtime

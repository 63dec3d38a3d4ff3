// slack-messages: history (cursor pages), post, update, delete and search.
// A message's id is "<channel>:<ts>", since Slack names a message by both.
#pragma once

#include "slack_api.hpp"

#include <utility>

namespace slack {

std::string message_id(std::string_view channel, std::string_view ts);
// {channel, ts} of a message id; BadInput when it is not one.
std::pair<std::string, std::string> split_message_id(std::string_view id);

extern const Operation kMessagesList;    // slack-messages.list (params.channel)
extern const Operation kMessagesGet;     // slack-messages.get
extern const Operation kMessagesCreate;  // slack-messages.create (body.channel, text, thread_ts)
extern const Operation kMessagesUpdate;  // slack-messages.update (body.text)
extern const Operation kMessagesDelete;  // slack-messages.delete
extern const Operation kMessagesSearch;  // slack-messages.search (user token)
extern const Operation kChannelPost;     // POST /slack/channels/{id}/messages

}  // namespace slack

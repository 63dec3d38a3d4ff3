// slack-channels: conversations.list / conversations.info, and the `test`
// verb every Slack connector shares (auth.test).
#pragma once

#include "slack_api.hpp"

namespace slack {

json::object channel_item(const Input& input, const json::object& channel);

extern const Operation kChannelsList;  // slack-channels.list, GET /slack/channels
extern const Operation kChannelsGet;   // slack-channels.get
extern const Operation kAuthTest;      // <connector>.test

}  // namespace slack

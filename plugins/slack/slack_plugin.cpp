// The slack provider plugin. Its OAuth descriptors live in manifest.json as
// data; the host's OAuth engine drives the flow from them. Each connector's
// operations live in their own file; this one only dispatches.
#include "channels.hpp"
#include "manifest_json.hpp"
#include "messages.hpp"
#include "users.hpp"

#include <lagentry/plugin.hpp>

#include <string_view>
#include <utility>

namespace {
const std::pair<std::string_view, const slack::Operation*> kOperations[] = {
    {"slack-channels.list", &slack::kChannelsList},     {"slack-channels.get", &slack::kChannelsGet},
    {"slack-channels.test", &slack::kAuthTest},         {"slack-messages.list", &slack::kMessagesList},
    {"slack-messages.get", &slack::kMessagesGet},       {"slack-messages.create", &slack::kMessagesCreate},
    {"slack-messages.update", &slack::kMessagesUpdate}, {"slack-messages.delete", &slack::kMessagesDelete},
    {"slack-messages.search", &slack::kMessagesSearch}, {"slack-messages.test", &slack::kAuthTest},
    {"slack-users.list", &slack::kUsersList},           {"slack-users.get", &slack::kUsersGet},
    {"slack-users.test", &slack::kAuthTest},            {"slack.post_message", &slack::kChannelPost},
};

lagentry::Step handle(const lagentry::Call& call) {
  for (const auto& [name, operation] : kOperations)
    if (call.operation == name) return slack::run(*operation, call);
  throw lagentry::UnknownOperation(call.operation);
}
}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "slack",
                        .version = "0.1.0",
                        .manifest = kManifestJson,
                        .handle = handle,
                        .response_list = true})

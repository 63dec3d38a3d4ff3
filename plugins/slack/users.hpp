// slack-users: users.list (cursor pages) and users.info.
#pragma once

#include "slack_api.hpp"

namespace slack {

extern const Operation kUsersList;  // slack-users.list
extern const Operation kUsersGet;   // slack-users.get

}  // namespace slack

#include "users.hpp"

#include <boost/json.hpp>

namespace slack {

namespace {
json::object user_item(const Input& input, const json::object& user) {
  static const json::object no_profile;
  const auto* p = user.if_contains("profile");
  const json::object& profile = p && p->is_object() ? p->get_object() : no_profile;
  json::value title = nullable_text(user, "real_name");
  if (title.is_null()) title = nullable_text(user, "name");
  json::object item = make_item(input,
                                {text_at(user, "id"), "user", std::move(title), nullable_text(profile, "display_name"),
                                 nullptr, nullptr},
                                user);
  item["name"] = nullable_text(user, "name");
  item["email"] = nullable_text(profile, "email");
  for (const char* flag : {"is_bot", "deleted"})
    if (const auto* v = user.if_contains(flag)) item[flag] = *v;
  return item;
}
}  // namespace

const Operation kUsersList{
    [](const Input& input) { return paged_call("users.list", input, 1000); },
    [](const Input& input, const json::object& answer) {
      auto items = items_of(answer.if_contains("members"), [&](const json::object& u) { return user_item(input, u); });
      return page_reply(std::move(items), next_cursor(answer));
    }};

const Operation kUsersGet{
    [](const Input& input) { return ApiCall{"users.info", {{"user", input.required_param("id")}}}; },
    [](const Input& input, const json::object& answer) {
      return reply_json(user_item(input, object_field(answer, "user")));
    }};

}  // namespace slack

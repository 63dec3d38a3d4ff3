#include "slack_api.hpp"

#include "slack_errors.hpp"

#include "encoding.hpp"
#include "json_input.hpp"
#include "responses.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace slack {
namespace common = lagentry::plugin_common;

std::string fetch_document(const ApiCall& call) {
  json::object request{{"url", "https://slack.com/api/" + call.method}, {"auth", call.user_token ? "user" : "connection"}};
  if (call.post_json) {
    json::object body;
    for (const auto& [key, value] : call.args) body[key] = value;
    request["method"] = "POST";
    request["headers"] = {{"Content-Type", "application/json; charset=utf-8"}};
    request["body"] = json::serialize(body);
  } else {
    std::string url = "https://slack.com/api/" + call.method;
    char separator = '?';
    for (const auto& [key, value] : call.args) {
      url += separator + key + '=' + common::percent_encode(value);
      separator = '&';
    }
    request["method"] = "GET";
    request["url"] = url;
  }
  return common::fetch_document(json::array{std::move(request)});
}

ApiCall paged_call(std::string method, const Input& input, std::size_t max,
                   std::vector<std::pair<std::string, std::string>> args) {
  args.emplace_back("limit", std::to_string(input.limit(20, max)));
  if (auto cursor = input.param("cursor"); !cursor.empty()) args.emplace_back("cursor", cursor);
  return ApiCall{std::move(method), std::move(args)};
}

lagentry::Step run(const Operation& operation, const lagentry::Call& call) {
  const Input input(call.input);
  if (call.first_step()) return lagentry::Step::fetch(fetch_document(operation.call(input)), "slack");
  const auto responses = common::responses_of(call);
  const common::Response& response = responses.at(0);
  const int status = response.status;
  json::value body = response.json();
  if (auto failure = classify(status, body, response.error))
    return lagentry::Step::reply(failure_reply(*failure, status, body));
  return lagentry::Step::reply(operation.reply(input, body.get_object()));
}

json::object make_item(const Input& input, ItemFields fields, const json::value& raw) {
  json::object item = common::item(fields.id, fields.type, std::move(fields.title), std::move(fields.snippet),
                                   std::move(fields.url), std::move(fields.created_at), nullptr);
  if (input.include_raw()) item["raw"] = raw;
  return item;
}

std::string page_reply(json::array items, const std::string& next_cursor) {
  return reply_json(common::page(std::move(items), next_cursor));
}

std::string next_cursor(const json::object& answer) {
  const auto* meta = answer.if_contains("response_metadata");
  return meta && meta->is_object() ? text_at(meta->get_object(), "next_cursor") : std::string();
}

json::value ts_time(std::string_view ts) {
  long long seconds = 0;
  auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), seconds);
  if (ec != std::errc() || end == ts.data()) return nullptr;
  return json::value(common::rfc3339_from_epoch(seconds));
}

const json::object& object_field(const json::object& answer, std::string_view key) {
  const auto* v = answer.if_contains(key);
  if (!v || !v->is_object()) throw std::runtime_error("Slack answered no '" + std::string(key) + "'");
  return v->get_object();
}


}  // namespace slack

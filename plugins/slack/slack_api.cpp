#include "slack_api.hpp"

#include "slack_errors.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace slack {

namespace {
const json::object& object_at(const json::object& o, std::string_view key) {
  static const json::object empty;
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : empty;
}
}  // namespace

Input::Input(std::string_view text) {
  json::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) throw lagentry::BadInput("the input is not a JSON object");
  params_ = object_at(doc.get_object(), "params");
  body_ = object_at(doc.get_object(), "body");
}

std::string Input::param(std::string_view key) const { return text_at(params_, key); }

std::string Input::required_param(std::string_view key) const {
  std::string value = param(key);
  if (value.empty()) throw lagentry::BadInput("the parameter '" + std::string(key) + "' is required");
  return value;
}

std::string Input::body_text(std::string_view key) const { return text_at(body_, key); }

std::size_t Input::limit(std::size_t fallback, std::size_t max) const {
  const std::string text = param("limit");
  if (text.empty()) return fallback;
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0)
    throw lagentry::BadInput("limit must be a positive whole number");
  return std::min(value, max);
}

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
      url += separator + key + '=' + boost::urls::encode(value, boost::urls::unreserved_chars);
      separator = '&';
    }
    request["method"] = "GET";
    request["url"] = url;
  }
  return json::serialize(json::object{{"requests", json::array{std::move(request)}}});
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
  const json::value responses = json::parse(call.responses);
  const json::object& response = responses.at(0).as_object();
  const int status = response.at("status").to_number<int>();
  json::error_code ec;
  json::value body = json::parse(text_at(response, "body"), ec);
  if (ec) body = nullptr;
  if (auto failure = classify(status, body, text_at(response, "error")))
    return lagentry::Step::reply(failure_reply(*failure, status, body));
  return lagentry::Step::reply(operation.reply(input, body.get_object()));
}

json::object make_item(const Input& input, ItemFields fields, const json::value& raw) {
  json::object item{{"id", std::move(fields.id)},
                    {"type", std::move(fields.type)},
                    {"title", std::move(fields.title)},
                    {"snippet", std::move(fields.snippet)},
                    {"url", std::move(fields.url)},
                    {"created_at", std::move(fields.created_at)},
                    {"updated_at", nullptr}};
  if (input.include_raw()) item["raw"] = raw;
  return item;
}

std::string reply_json(const json::value& body, int status) {
  return json::serialize(json::object{{"status", status}, {"body", body}});
}

std::string page_reply(json::array items, const std::string& next_cursor) {
  return reply_json(json::object{{"items", std::move(items)},
                                 {"next_cursor", next_cursor.empty() ? json::value(nullptr) : json::value(next_cursor)}});
}

std::string next_cursor(const json::object& answer) {
  const auto* meta = answer.if_contains("response_metadata");
  return meta && meta->is_object() ? text_at(meta->get_object(), "next_cursor") : std::string();
}

std::string rfc3339(long long epoch_seconds) {
  using namespace std::chrono;
  const sys_seconds at{seconds(epoch_seconds)};
  const auto day = floor<days>(at);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> time{at - day};
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(time.hours().count()), static_cast<long long>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()));
  return text;
}

json::value ts_time(std::string_view ts) {
  long long seconds = 0;
  auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), seconds);
  if (ec != std::errc() || end == ts.data()) return nullptr;
  return json::value(rfc3339(seconds));
}

const json::object& object_field(const json::object& answer, std::string_view key) {
  const auto* v = answer.if_contains(key);
  if (!v || !v->is_object()) throw std::runtime_error("Slack answered no '" + std::string(key) + "'");
  return v->get_object();
}

std::string text_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::value nullable_text(const json::object& o, std::string_view key) {
  std::string text = text_at(o, key);
  return text.empty() ? json::value(nullptr) : json::value(text);
}

}  // namespace slack

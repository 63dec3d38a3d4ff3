#include "responses.hpp"

#include "charset.hpp"
#include "json_input.hpp"
#include "unified.hpp"

#include <boost/json/parse.hpp>

#include <string_view>

namespace lagentry::plugin_common {
namespace json = boost::json;

namespace {
std::string utf8_text(const lg_bytes& bytes) {
  const std::string_view text(bytes.data ? bytes.data : "", bytes.data ? bytes.length : 0);
  return is_utf8(text) ? std::string(text) : valid_utf8(text);
}
}  // namespace

json::value Response::json() const {
  json::error_code ec;
  json::value v = parse_upstream_json(body, ec);
  if (ec) return nullptr;
  return v;  // not `ec ? null : v`, which would copy the whole document
}

std::vector<Response> responses_of(const lagentry::Call& call) {
  std::vector<Response> out;
  if (call.response_count > 0) {
    out.reserve(call.response_count);
    for (std::size_t i = 0; i < call.response_count; ++i) {
      const lg_response* r = call.response_list[i];
      Response response;
      response.status = r->status;
      response.body = utf8_text(r->body);
      response.error = utf8_text(r->error);
      out.push_back(std::move(response));
    }
    return out;
  }
  if (call.responses.empty()) return out;
  const json::value doc = json::parse(call.responses);
  for (const auto& entry : doc.as_array()) {
    const auto& o = entry.as_object();
    Response r;
    r.status = o.at("status").to_number<int>();
    r.body = string_member(o, "body");
    r.error = string_member(o, "error");
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace lagentry::plugin_common

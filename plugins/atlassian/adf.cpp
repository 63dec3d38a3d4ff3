#include "adf.hpp"

#include <boost/json.hpp>

namespace atlassian {
namespace json = boost::json;

namespace {
json::object paragraph(std::string_view text) {
  json::array content;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    if (end > start) content.push_back(json::object{{"type", "text"}, {"text", text.substr(start, end - start)}});
    if (end < text.size()) content.push_back(json::object{{"type", "hardBreak"}});
    start = end + 1;
  }
  return {{"type", "paragraph"}, {"content", std::move(content)}};
}
}  // namespace

json::object adf_from_text(std::string_view text) {
  std::string normalised;
  for (char c : text)
    if (c != '\r') normalised += c;
  json::array paragraphs;
  std::string_view rest = normalised;
  while (!rest.empty()) {
    const auto gap = rest.find("\n\n");
    std::string_view block = rest.substr(0, gap);
    while (!block.empty() && block.front() == '\n') block.remove_prefix(1);
    while (!block.empty() && block.back() == '\n') block.remove_suffix(1);
    if (!block.empty()) paragraphs.push_back(paragraph(block));
    rest = gap == std::string_view::npos ? std::string_view() : rest.substr(gap + 2);
  }
  return {{"type", "doc"}, {"version", 1}, {"content", std::move(paragraphs)}};
}

std::string adf_to_text(const json::value& adf) {
  if (adf.is_string()) return std::string(adf.get_string());
  if (!adf.is_object()) return {};
  const auto& node = adf.get_object();
  const auto* type = node.if_contains("type");
  if (type && *type == "hardBreak") return "\n";
  std::string out;
  if (const auto* text = node.if_contains("text"); text && text->is_string()) out += text->get_string();
  if (const auto* content = node.if_contains("content"); content && content->is_array())
    for (const auto& child : content->get_array()) {
      const bool block = child.is_object() && child.get_object().contains("content") && !out.empty();
      if (block && (type && *type == "doc")) out += "\n\n";
      out += adf_to_text(child);
    }
  return out;
}

}  // namespace atlassian

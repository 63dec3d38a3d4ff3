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

namespace {
// Inline nodes sit inside a block; everything else (paragraph, heading,
// bulletList, listItem, codeBlock, blockquote, table, ...) is a block.
bool inline_node(const json::value& node) {
  const auto* object = node.if_object();
  const auto* type = object ? object->if_contains("type") : nullptr;
  if (!type || !type->is_string()) return true;
  const std::string_view t = type->get_string();
  return t == "text" || t == "hardBreak" || t == "mention" || t == "emoji" || t == "inlineCard" || t == "date" ||
         t == "status" || t == "mediaInline";
}
}  // namespace

// Paragraphs of the document are joined by "\n\n", nested blocks (list items,
// table cells) by "\n", a hardBreak is "\n"; mentions, emoji and the like
// give their text.
std::string adf_to_text(const json::value& adf) {
  if (adf.is_string()) return std::string(adf.get_string());
  if (!adf.is_object()) return {};
  const auto& node = adf.get_object();
  const auto* type = node.if_contains("type");
  if (type && *type == "hardBreak") return "\n";
  std::string out;
  if (const auto* text = node.if_contains("text"); text && text->is_string()) out += text->get_string();
  else if (const auto* attrs = node.if_contains("attrs"); attrs && attrs->is_object())
    if (const auto* label = attrs->get_object().if_contains("text"); label && label->is_string()) out += label->get_string();
  const std::string_view separator = type && *type == "doc" ? "\n\n" : "\n";
  bool after_block = false;
  if (const auto* content = node.if_contains("content"); content && content->is_array())
    for (const auto& child : content->get_array()) {
      const bool block = !inline_node(child);
      std::string text = adf_to_text(child);
      if (block && !out.empty() && !text.empty()) out += separator;
      else if (!block && after_block && !text.empty()) out += separator;
      if (!text.empty()) after_block = block;
      out += text;
    }
  return out;
}

}  // namespace atlassian

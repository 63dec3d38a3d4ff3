// Confluence Cloud REST v2 pages (confluence-pages): cursor pages whose
// next cursor is read from the relative `_links.next`.
#pragma once

#include "api.hpp"

namespace atlassian {

// The decoded `cursor` query value of a `_links.next` link ("" when none).
std::string cursor_from_next_link(std::string_view link);
// Storage-format (XHTML) as plain text: tags dropped, entities for & < > " ' decoded.
std::string storage_text(std::string_view storage);

extern const Operation kPagesList, kPagesGet, kPagesCreate, kConfluenceTest;

}  // namespace atlassian

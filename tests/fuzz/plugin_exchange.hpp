// Drives a plugin's invoke() through the sans-I/O step protocol the way the
// host does (core/runtime/operation_runner.cpp), with the operation, the
// input document and every upstream response taken from the fuzzer's input,
// and checks each document the plugin hands back.
//
// Input format (text, so recorded exchanges read as seeds):
//
//   <operation>
//   <input document: JSON, may span lines>
//   --- <status> [content-type]
//   <body of the first upstream response>
//   --- <status>
//   <body of the next one>...
//
// Responses are handed out in order, one per requested fetch; status 0 is a
// transport failure whose text is the body. When the records run out the
// remaining requests fail as transport errors.
#pragma once

#include <lagentry/plugin.h>

#include <cstddef>
#include <cstdint>

namespace lagentry::fuzz {

// Runs one exchange; aborts (a fuzzer finding) when the plugin breaks the
// protocol: an unknown result code, a reply or fetch document that is not
// valid JSON, a malformed fetch, or an upstream URL that is not a plain
// absolute https URL.
int run_exchange(lg_plugin_entry_fn entry, const std::uint8_t* data, std::size_t size);

}  // namespace lagentry::fuzz

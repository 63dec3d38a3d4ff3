// The google provider plugin: Gmail, Drive and Calendar connectors and the
// Gmail provider routes. OAuth descriptors live in manifest.json as data; the
// host's OAuth engine drives the flow from them. This file only dispatches an
// operation name to its function (see gmail.hpp, drive.hpp, calendar.hpp).
#include "calendar.hpp"
#include "drive.hpp"
#include "gmail.hpp"
#include "manifest_json.hpp"

#include <lagentry/plugin.hpp>

#include <string_view>
#include <utility>

namespace {
using Operation = lagentry::Step (*)(const lagentry::Call&);

// Every operation named in manifest.json, and nothing else.
constexpr std::pair<std::string_view, Operation> kOperations[] = {
    {"gmail.test", google::gmail::test},         {"gmail.list", google::gmail::list},
    {"gmail.search", google::gmail::search},     {"gmail.get", google::gmail::get},
    {"gmail.create", google::gmail::create},     {"gmail.send", google::gmail::create},
    {"gmail.update", google::gmail::update},     {"gmail.delete", google::gmail::remove},
    {"gmail.labels", google::gmail::labels},     {"drive.test", google::drive::test},
    {"drive.list", google::drive::list},         {"drive.get", google::drive::get},
    {"drive.create", google::drive::create},     {"drive.search", google::drive::search},
    {"calendar.test", google::calendar::test},   {"calendar.list", google::calendar::list},
    {"calendar.get", google::calendar::get},     {"calendar.create", google::calendar::create},
    {"calendar.delete", google::calendar::remove},
};

lagentry::Step handle(const lagentry::Call& call) {
  for (const auto& [name, operation] : kOperations)
    if (name == call.operation) return operation(call);
  throw lagentry::UnknownOperation(call.operation);
}
}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "google",
                        .version = "0.1.0",
                        .manifest = kManifestJson,
                        .handle = handle,
                        .response_list = true})

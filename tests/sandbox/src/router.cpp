#include "router.hpp"

namespace lagentry::sandbox {

void Router::add_origin(std::string origin, ErrorShape shape) { origins_[std::move(origin)] = std::move(shape); }

void Router::add(const std::string& origin, std::string methods, std::string pattern, Handler handler) {
  Route route{origin, "|" + methods + "|", pattern, split(pattern, '/'), std::move(handler)};
  routes_.push_back(std::move(route));
}

const Router::Route* Router::match(Request& request, bool& path_known) const {
  auto segments = split(request.path, '/');
  for (const auto& route : routes_) {
    if (route.origin != request.origin) continue;
    std::map<std::string, std::string> captures;
    bool ok = true;
    std::size_t i = 0;
    for (; ok && i < route.segments.size(); ++i) {
      const auto& want = route.segments[i];
      bool capture = want.size() > 2 && want.front() == '{' && want.back() == '}';
      if (capture && want[want.size() - 2] == '*') {  // rest of the path
        std::vector<std::string> rest(segments.begin() + static_cast<long>(std::min(i, segments.size())),
                                      segments.end());
        ok = !rest.empty();
        captures[want.substr(1, want.size() - 3)] = percent_decode(join(rest, "/"), false);
        i = segments.size();
        break;
      }
      if (i >= segments.size()) ok = false;
      else if (capture) captures[want.substr(1, want.size() - 2)] = percent_decode(segments[i], false);
      else ok = want == segments[i];
    }
    if (!ok || i != segments.size()) continue;
    path_known = true;
    if (route.methods.find("|" + request.method + "|") == std::string::npos) continue;
    request.captures = std::move(captures);
    return &route;
  }
  return nullptr;
}

std::optional<Response> Router::inject_fault(const Request& request, int& delay_ms) {
  for (auto& fault : state_.faults) {
    if (fault.remaining == 0) continue;
    if (!fault.origin.empty() && fault.origin != request.origin) continue;
    if (!fault.path_prefix.empty() && !starts_with(request.path, fault.path_prefix)) continue;
    if (fault.remaining > 0) --fault.remaining;
    delay_ms += fault.latency_ms;
    if (fault.reset) {
      ++state_.stats.faults_injected;
      Response r;
      r.reset_connection = true;
      return r;
    }
    if (fault.status != 0) {
      ++state_.stats.faults_injected;
      auto shape = origins_.find(request.origin);
      Response r = shape->second(fault.status, fault.status == 429 ? "Rate limit exceeded" : "Injected fault");
      if (fault.retry_after >= 0) r.with_header("Retry-After", std::to_string(fault.retry_after));
      return r;
    }
  }
  return std::nullopt;
}

Response Router::dispatch(Request& request) {
  // "/gmail.googleapis.com/gmail/v1/..." -> origin + "/gmail/v1/..."
  auto slash = request.path.find('/', 1);
  request.origin = request.path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  request.path = slash == std::string::npos ? "/" : request.path.substr(slash);

  auto shape = origins_.find(request.origin);
  if (shape == origins_.end())
    return text_response(404, "lagentry-sandbox: unknown origin '" + request.origin +
                                  "'; paths look like /<origin host>/<path>, e.g. /slack.com/api/auth.test");

  std::lock_guard lock(state_.mutex);
  bool path_known = false;
  const Route* route = match(request, path_known);
  const bool control = request.origin == kControlOrigin;
  // Counted by route pattern, so ids in paths do not scatter the counters.
  if (!control) ++state_.stats.calls[request.origin + " " + request.method + " " + (route ? route->pattern : request.path)];

  int delay_ms = 0;
  std::optional<Response> response;
  if (!control) response = inject_fault(request, delay_ms);
  if (!response && !route) response = path_known ? shape->second(405, "Method not allowed") : shape->second(404, "Not found");
  if (!response) response = route->handler(state_, request);
  response->delay_ms = delay_ms;
  return std::move(*response);
}

}  // namespace lagentry::sandbox

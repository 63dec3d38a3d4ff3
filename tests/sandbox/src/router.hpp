// Origin routing: "/<origin>/<path>" -> the handler registered for that
// origin, method and path pattern. Also where faults are injected and calls
// counted, so every provider gets both for free.
#pragma once

#include "http.hpp"
#include "state.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lagentry::sandbox {

// Handlers run with State::mutex held.
using Handler = std::function<Response(State&, const Request&)>;
// How an origin renders an error the router produces itself (fault, unknown path).
using ErrorShape = std::function<Response(int status, const std::string& message)>;

// The origin the control API lives under: "<base>/_sandbox/...".
inline constexpr const char* kControlOrigin = "_sandbox";

class Router {
 public:
  explicit Router(State& state) : state_(state) {}

  void add_origin(std::string origin, ErrorShape shape);
  // methods: "GET", "POST", or several joined with '|'. pattern: "/a/{id}/b";
  // a final "{name*}" capture takes the rest of the path.
  void add(const std::string& origin, std::string methods, std::string pattern, Handler handler);

  // request.path is the full target path ("/slack.com/api/auth.test");
  // dispatch splits the origin off and fills request.origin/path/captures.
  Response dispatch(Request& request);

 private:
  struct Route {
    std::string origin, methods, pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  const Route* match(Request& request, bool& path_known) const;
  std::optional<Response> inject_fault(const Request& request, int& delay_ms);

  State& state_;
  std::map<std::string, ErrorShape> origins_;
  std::vector<Route> routes_;
};

}  // namespace lagentry::sandbox

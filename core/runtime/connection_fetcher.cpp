#include "core/runtime/connection_fetcher.hpp"

#include "core/runtime/egress.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace lagentry::runtime {
namespace asio = boost::asio;
using runtime::UpstreamRequest;
using runtime::UpstreamResponse;

namespace {
// Shared by the workers of one fetch_all; every worker runs on the caller's
// event loop (one thread), so plain fields need no locking.
struct FanOut {
  std::vector<UpstreamRequest> requests;
  std::vector<net::UpstreamUrl> urls;  // requests[i]'s URL, as the egress check parsed it
  std::vector<UpstreamResponse> responses;
  std::size_t next = 0;
  std::size_t workers_left = 0;
  asio::steady_timer done;
  explicit FanOut(asio::any_io_executor executor) : done(executor, asio::steady_timer::time_point::max()) {}
};

// After vet_request: the plugin's own credential headers are gone.
void inject(UpstreamRequest& request, const Credentials& credentials) {
  const std::string* token = nullptr;
  if (request.auth == "connection") token = &credentials.access_token;
  if (request.auth == "user") token = credentials.user_token.empty() ? &credentials.access_token : &credentials.user_token;
  if (token && !token->empty()) request.headers["Authorization"] = "Bearer " + *token;
}
}  // namespace

asio::awaitable<std::vector<UpstreamResponse>> ConnectionFetcher::fetch_all(std::vector<UpstreamRequest> requests) {
  // All are vetted before any is sent: a refused step sends nothing.
  std::vector<net::UpstreamUrl> urls;
  urls.reserve(requests.size());
  for (auto& r : requests) urls.push_back(vet_request(r, credentials_.api_origins));
  for (auto& r : requests) inject(r, credentials_);
  if (requests.size() == 1) {  // the common step: no workers to start and wait for
    UpstreamResponse only = co_await client_.send(std::move(requests.front()), std::move(urls.front()));
    std::vector<UpstreamResponse> responses;
    responses.push_back(std::move(only));
    co_return responses;
  }
  auto executor = co_await asio::this_coro::executor;
  auto state = std::make_shared<FanOut>(executor);
  state->responses.resize(requests.size());
  state->requests = std::move(requests);
  state->urls = std::move(urls);
  state->workers_left = std::min(max_parallel_, state->requests.size());

  for (std::size_t w = 0, n = state->workers_left; w < n; ++w) {
    asio::co_spawn(
        executor,
        [state, this]() -> asio::awaitable<void> {
          while (state->next < state->requests.size()) {
            const std::size_t i = state->next++;
            state->responses[i] = co_await client_.send(std::move(state->requests[i]), std::move(state->urls[i]));
          }
        },
        [state](std::exception_ptr) {
          if (--state->workers_left == 0) state->done.cancel();
        });
  }
  if (state->workers_left > 0) {
    boost::system::error_code ignored;
    co_await state->done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return std::move(state->responses);
}

}  // namespace lagentry::runtime

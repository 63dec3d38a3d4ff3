#include "host/api/refreshing_fetcher.hpp"

#include "core/log/logger.hpp"

namespace lagentry::host {
namespace asio = boost::asio;
using runtime::UpstreamRequest;
using runtime::UpstreamResponse;

runtime::Credentials credentials_of(const oauth::Access& access, const std::vector<std::string>& api_origins) {
  return {access.tokens.primary.access_token, access.tokens.user ? access.tokens.user->access_token : "", api_origins};
}

asio::awaitable<bool> refresh_once(oauth::OAuthEngine& engine, ConnectionContext& connection) {
  if (connection.user_email.empty() || connection.refreshed) co_return false;
  connection.refreshed = true;
  std::optional<oauth::Access> access;
  std::optional<ApiError> failure;
  try {
    access = co_await engine.refresh(connection.tenant_id, connection.user_email, connection.provider, connection.request_id);
  } catch (const ApiError& e) {
    failure = e;
  }
  if (failure) {
    if (failure->code == "reauth_required") throw *failure;
    co_return false;
  }
  connection.credentials = credentials_of(*access, connection.api_origins);
  co_return true;
}

asio::awaitable<std::vector<UpstreamResponse>> RefreshingFetcher::fetch_all(std::vector<UpstreamRequest> requests) {
  // A plugin route runs without a user when none is named (its operation may
  // need no tokens). One that does need them is the caller's mistake, not a
  // refused egress: it used to answer 502 "not one of the api_origins".
  if (connection_.user_email.empty())
    for (const auto& request : requests)
      if (request.auth != "none")
        throw ApiError(boost::beast::http::status::bad_request, "invalid_request",
                       "user_email is required: this operation calls " + connection_.provider + " as a connected user",
                       boost::json::object{{"in", "query"}, {"pointer", "/user_email"}, {"keyword", "required"}});
  for (auto& request : requests) {
    request.provider = connection_.provider;
    request.request_id = connection_.request_id;
  }
  runtime::ConnectionFetcher first(http_, connection_.credentials);
  std::vector<UpstreamRequest> copies = requests;
  auto responses = co_await first.fetch_all(std::move(copies));
  std::vector<std::size_t> unauthorized;
  for (std::size_t i = 0; i < responses.size(); ++i)
    if (responses[i].status == 401 && requests[i].auth != "none") unauthorized.push_back(i);
  if (unauthorized.empty()) co_return responses;

  log::info("upstream", "401 from " + connection_.provider + ": refreshing the token once and retrying",
            {{"provider", connection_.provider}, {"request_id", connection_.request_id}});
  const bool refreshed = co_await refresh_once(engine_, connection_);
  if (!refreshed) co_return responses;
  std::vector<UpstreamRequest> retry;
  for (std::size_t i : unauthorized) retry.push_back(requests[i]);
  runtime::ConnectionFetcher second(http_, connection_.credentials);
  auto retried = co_await second.fetch_all(std::move(retry));
  for (std::size_t k = 0; k < unauthorized.size(); ++k) responses[unauthorized[k]] = std::move(retried[k]);
  co_return responses;
}

}  // namespace lagentry::host

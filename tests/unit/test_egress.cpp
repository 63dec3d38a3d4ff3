// Issue #11, the pure parts: URL normalisation, the egress rules for a
// plugin's requests, the origin map's rewrite and the redirect allow-list,
// each with the inputs that were seen to leak.
#include "core/net/origin_map.hpp"
#include "core/net/upstream_url.hpp"
#include "core/oauth/redirect_allowlist.hpp"
#include "core/runtime/egress.hpp"

#include <boost/test/unit_test.hpp>

using namespace lagentry;

namespace {
const std::vector<std::string> kBitbucket = {"https://api.bitbucket.org"};

runtime::UpstreamRequest request(std::string url, std::string auth = "connection") {
  runtime::UpstreamRequest r;
  r.url = std::move(url);
  r.auth = std::move(auth);
  return r;
}

std::string refusal(runtime::UpstreamRequest r, const std::vector<std::string>& origins = kBitbucket) {
  try {
    runtime::vet_request(r, origins);
  } catch (const runtime::EgressRefused& e) {
    return e.what();
  }
  return {};
}

std::string normal(std::string_view url) {
  auto n = net::normalise_upstream_url(url);
  if (auto* why = std::get_if<std::string>(&n)) return "refused: " + *why;
  return std::string(std::get<net::UpstreamUrl>(n).url.buffer());
}
}  // namespace

BOOST_AUTO_TEST_SUITE(egress)

BOOST_AUTO_TEST_CASE(urls_are_normalised_or_refused) {
  BOOST_TEST(normal("HTTPS://API.Bitbucket.ORG:443/2.0/%7Euser?q=%2fx#frag") == "https://api.bitbucket.org/2.0/~user?q=%2Fx");
  BOOST_TEST(normal("http://127.0.0.1:8080/a") == "http://127.0.0.1:8080/a");
  // Only unreserved characters are decoded: a reserved one keeps its meaning ("%26" is not "&").
  BOOST_TEST(normal("https://a.test/p%2bq%3A%41?q=a%26b%3dc%2Bd%20e&x=%7e") == "https://a.test/p%2Bq%3AA?q=a%26b%3Dc%2Bd%20e&x=~");
  for (const char* bad : {"https://api.bitbucket.org/2.0/../../evil.example/steal",
                          "https://api.bitbucket.org/2.0/%2e%2e/%2E%2E/evil.example/steal",
                          "https://api.bitbucket.org/2.0/./../../evil.example/steal", "https://api.bitbucket.org/./x",
                          "https://api.bitbucket.org/2.0/.%2E/x", "https://api.bitbucket.org/2.0/a%2Fb",
                          "https://api.bitbucket.org/2.0/a%5Cb", "https://api.bitbucket.org/a%00b",
                          "https://user:pass@api.bitbucket.org/x", "https://api.bitbucket.org%2F..%2Fevil/x",
                          "ftp://api.bitbucket.org/x", "https:///x", "/relative", "https://a b/", "https://x.test/a\\b",
                          "https://x.test:99999/"})
    BOOST_TEST(normal(bad).rfind("refused: ", 0) == 0u, bad << " -> " << normal(bad));
  BOOST_TEST(net::parse_origin("https://API.example.com:443/").value() == "https://api.example.com");
  BOOST_TEST(net::parse_origin("https://api.example.com:8443").value() == "https://api.example.com:8443");
  for (const char* bad : {"https://api.example.com/v1", "https://u@api.example.com", "https://api.example.com?x", "api.example.com"})
    BOOST_TEST(!net::parse_origin(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(credentialed_requests_go_only_to_api_origins_over_https) {
  auto ok = request("https://API.bitbucket.org:443/2.0/repositories/sandbox-team?page=2");
  BOOST_TEST(refusal(ok).empty());
  runtime::vet_request(ok, kBitbucket);
  BOOST_TEST(ok.url == "https://api.bitbucket.org/2.0/repositories/sandbox-team?page=2");

  BOOST_TEST(refusal(request("http://api.bitbucket.org/2.0/user")).find("only over https") != std::string::npos);
  BOOST_TEST(refusal(request("https://evil.example/steal")).find("not one of the provider's api_origins") != std::string::npos);
  BOOST_TEST(!refusal(request("https://api.bitbucket.org:8443/2.0/user")).empty());
  BOOST_TEST(!refusal(request("https://api.bitbucket.org.evil.example/2.0/user")).empty());
  BOOST_TEST(!refusal(request("https://evil.example/steal", "user")).empty());
  BOOST_TEST(refusal(request("https://api.bitbucket.org/2.0/user"), {}).find("declares none") != std::string::npos);
  BOOST_TEST(refusal(request("https://api.bitbucket.org/2.0/user", "all")).find("auth must be") != std::string::npos);
  BOOST_TEST(refusal(request("https://api.bitbucket.org/2.0/../../evil.example/steal")).find("dot segment") != std::string::npos);
  // No credential: any http(s) origin, but never a path trick.
  BOOST_TEST(refusal(request("http://example.org/public", "none")).empty());
  BOOST_TEST(!refusal(request("https://example.org/a/%2e%2e/b", "none")).empty());
  // The refusal never carries the path or query (they may hold user data).
  BOOST_TEST(refusal(request("https://evil.example/secret-path?q=private")).find("secret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(plugins_never_set_credential_or_framing_headers) {
  auto r = request("https://api.bitbucket.org/2.0/user");
  r.headers = {{"authorization", "Bearer forged"}, {"AUTHORIZATION", "Bearer forged"}, {"Cookie", "a=b"},
               {"proxy-authorization", "Basic x"}, {"Host", "evil.example"}, {"Transfer-Encoding", "chunked"},
               {"Content-Length", "5"}, {"Accept", "application/json"}};
  runtime::vet_request(r, kBitbucket);
  BOOST_TEST(r.headers.size() == 1u);
  BOOST_TEST(r.headers.at("Accept") == "application/json");
  auto split = request("https://api.bitbucket.org/2.0/user");
  split.headers = {{"X-A", "1\r\nAuthorization: Bearer forged"}};
  BOOST_TEST(refusal(split).find("CR, LF") != std::string::npos);
  auto bad_name = request("https://api.bitbucket.org/2.0/user");
  bad_name.headers = {{"X A", "1"}};
  BOOST_TEST(!refusal(bad_name).empty());
}

// LAGENTRY_UPSTREAM_ORIGINS=*=http://proxy.internal/{host}: the URLs
// were joined raw onto the base and a normalising proxy delivered them to
// evil.example; now they are not rewritten at all.
BOOST_AUTO_TEST_CASE(the_origin_map_rewrites_only_normalised_urls) {
  auto map = net::OriginMap::parse("*=http://proxy.internal/{host}");
  BOOST_TEST(map.rewrite("https://api.bitbucket.org/2.0/repositories/x?page=2").value() ==
             "http://proxy.internal/api.bitbucket.org/2.0/repositories/x?page=2");
  BOOST_TEST(map.rewrite("https://api.bitbucket.org").value() == "http://proxy.internal/api.bitbucket.org");
  for (const char* bad : {"https://api.bitbucket.org/2.0/../../evil.example/steal",
                          "https://api.bitbucket.org/2.0/%2e%2e/%2e%2e/evil.example/steal",
                          "https://api.bitbucket.org/2.0/./../../evil.example/steal",
                          "https://api.bitbucket.org/..%2F..%2Fevil.example", "https://api.bitbucket.org%2F..%2Fevil.example/x"})
    BOOST_TEST(!map.rewrite(bad).has_value(), bad);
  BOOST_CHECK_THROW(net::OriginMap::parse("*=http://proxy.internal/../{host}"), std::invalid_argument);
  BOOST_CHECK_THROW(net::OriginMap::parse("https://u@a.test=http://b.test"), std::invalid_argument);
  // ".." is a plain host name, but put into {host} it is a dot segment of the base's path.
  auto dots = net::normalise_upstream_url("https://../evil.example/x");
  BOOST_TEST_REQUIRE(std::holds_alternative<net::UpstreamUrl>(dots));
  BOOST_TEST(!map.map(std::get<net::UpstreamUrl>(std::move(dots))).has_value());
}

// The mapped URL is the base (host put in, normalised) with the URL's own
// path and query appended, as if the joined text had been normalised.
BOOST_AUTO_TEST_CASE(the_origin_map_keeps_path_query_and_percent_encoding) {
  auto map = net::OriginMap::parse("https://a.test=HTTP://Proxy.Internal:8080/A%7e/{host}, *=http://127.0.0.1:9000");
  BOOST_TEST(map.rewrite("https://A.test:443/x/%7E/y%2a?q=%7e&b=1+2#frag").value() ==
             "http://proxy.internal:8080/A~/a.test/x/~/y%2A?q=~&b=1+2");
  BOOST_TEST(map.rewrite("https://b.test/2.0/x?page=2").value() == "http://127.0.0.1:9000/2.0/x?page=2");
  BOOST_TEST(map.rewrite("https://b.test").value() == "http://127.0.0.1:9000");
  BOOST_TEST(map.rewrite("https://b.test/").value() == "http://127.0.0.1:9000/");
  BOOST_TEST(map.rewrite("https://b.test/?").value() == "http://127.0.0.1:9000/?");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(redirect_allowlist)

BOOST_AUTO_TEST_CASE(entries_are_urls_not_prefixes) {
  auto list = oauth::RedirectAllowList::parse({"https://app.example.com", "https://other.example/app/"});
  auto allowed = [&](std::string_view target) { return list.check(target).allowed(); };
  BOOST_TEST(allowed("https://app.example.com/done?x=1"));
  BOOST_TEST(allowed("https://APP.example.com:443/"));
  BOOST_TEST(list.check("https://APP.example.com:443/a").url == "https://app.example.com/a");
  BOOST_TEST(allowed("https://other.example/app"));
  BOOST_TEST(allowed("https://other.example/app/x/y"));
  // Seen accepted as string prefixes:
  BOOST_TEST(!allowed("https://app.example.com.evil.com/x"));
  BOOST_TEST(!allowed("https://app.example.com@evil.com/"));
  BOOST_TEST(!allowed("https://other.example/application"));  // not on a segment boundary
  BOOST_TEST(!allowed("https://other.example/app/../admin"));
  BOOST_TEST(!allowed("http://app.example.com/"));           // another scheme
  BOOST_TEST(!allowed("https://app.example.com:8443/"));     // another port
  BOOST_TEST(!allowed("https://user@app.example.com/"));     // userinfo
  // Unparsable: refused, never stored to fail at the callback.
  for (const char* bad : {"https://app.example.com/a b", "https://app.example.com/a\\b", "https://app.example.com/%zz",
                          "//app.example.com/", "javascript:alert(1)", "/relative"})
    BOOST_TEST(!allowed(bad), bad);
  const std::string longest = "https://app.example.com/" + std::string(2048 - 24, 'a');
  BOOST_TEST(allowed(longest));
  BOOST_TEST(list.check(longest + "a").refusal.find("2048") != std::string::npos);
  BOOST_TEST(!oauth::RedirectAllowList::parse({}).check("https://app.example.com/").allowed());
  BOOST_CHECK_THROW(oauth::RedirectAllowList::parse({"app.example.com"}), std::invalid_argument);
  BOOST_CHECK_THROW(oauth::RedirectAllowList::parse({"https://app.example.com/?x=1"}), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

// The MCP server at /mcp against the real host: the transport's rules over raw
// HTTP, tool filters and discovery, keys bound to one user, the official
// TypeScript SDK client end to end with the provider sandox (including
// connect-on-demand and the stdio bridge), and the official conformance suite.
#include "tests/support/command.hpp"
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oauth_flow.hpp"
#include "tests/support/sandbox_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/socket.h>

#include <filesystem>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace lagentry::test;

namespace {

const fs::path kNodeModules = fs::path(LAGENTRY_SOURCE_DIR) / "scripts" / "node" / "node_modules";
const std::map<std::string, std::string> kMcpHeaders = {{"Content-Type", "application/json"},
                                                        {"Accept", "application/json, text/event-stream"}};

HostProcess& mcp_host() {
  static HostProcess host([] {
    HostOptions options;
    for (const char* p : {"google", "slack", "atlassian"}) options.plugins.push_back(product_plugin_dir() / (std::string(p) + ".so"));
    options.environment = {{"GOOGLE_CLIENT_ID", "google-id"}, {"GOOGLE_CLIENT_SECRET", "google-very-secret-value"}};
    return options;
  }());
  return host;
}

const std::string kInitialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})";

struct McpSession {
  HttpClient client;
  std::string id;
  McpSession(HostProcess& host, const std::string& query = "?user_email=alice@example.com", const std::string& key = kTestApiKey)
      : client(host.port()) {
    client.set_bearer(key);
    auto r = client.request("POST", "/mcp" + query, kInitialize, kMcpHeaders);
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.status << " " << r.body);
    id = r.header("mcp-session-id");
    BOOST_REQUIRE(!id.empty());
    BOOST_REQUIRE(post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})").status == 202);
  }
  HttpResult post(const std::string& body, std::map<std::string, std::string> extra = {}) {
    auto headers = kMcpHeaders;
    headers["MCP-Session-Id"] = id;
    headers["MCP-Protocol-Version"] = "2025-11-25";
    for (auto& [k, v] : extra) headers[k] = v;
    return client.request("POST", "/mcp", body, headers);
  }
  json::value call(const std::string& method, const std::string& params = "{}") {
    auto r = post(R"({"jsonrpc":"2.0","id":7,"method":")" + method + R"(","params":)" + params + "}");
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.status << " " << r.body);
    return r.json();
  }
  std::vector<std::string> tool_names() {
    std::vector<std::string> names;
    const json::value listed = call("tools/list");  // bound: a temporary's member would die before the loop
    for (const auto& t : listed.at("result").at("tools").as_array()) names.emplace_back(t.at("name").as_string());
    return names;
  }
};

// A GET /mcp stream read as it arrives, over a plain socket.
class EventStreamReader {
 public:
  EventStreamReader(unsigned short port, const std::string& session_id) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    timeval timeout{0, 200000};  // reads return every 200 ms so the deadline is checked
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const std::string request = "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + std::string(kTestApiKey) +
                                "\r\nAccept: text/event-stream\r\nMCP-Session-Id: " + session_id +
                                "\r\nMCP-Protocol-Version: 2025-11-25\r\n\r\n";
    boost::asio::write(socket_, boost::asio::buffer(request));
  }
  // Reads until `text` arrived (true) or `seconds` passed or the stream closed (false).
  bool wait_for(const std::string& text, int seconds = 10) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (received_.find(text) == std::string::npos) {
      if (closed_ || std::chrono::steady_clock::now() > deadline) return false;
      char chunk[4096];
      const ssize_t n = ::recv(socket_.native_handle(), chunk, sizeof chunk, 0);
      if (n == 0) closed_ = true;
      if (n > 0) received_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  }
  // Waits for the server to close the stream.
  bool wait_closed(int seconds = 5) {
    wait_for("\x01never\x01", seconds);
    return closed_;
  }
  const std::string& received() const { return received_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string received_;
  bool closed_ = false;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mcp)

BOOST_AUTO_TEST_CASE(the_transport_follows_the_streamable_http_rules) {
  HostProcess& host = mcp_host();
  HttpClient raw(host.port());
  raw.set_bearer("");
  auto unauthenticated = raw.request("POST", "/mcp?user_email=a@b", kInitialize, kMcpHeaders);
  BOOST_TEST(unauthenticated.status == 401);
  BOOST_TEST(unauthenticated.header("www-authenticate") == "Bearer");

  HttpClient client(host.port());
  auto with = [&](std::map<std::string, std::string> extra) {
    auto headers = kMcpHeaders;
    for (auto& [k, v] : extra) headers[k] = v;
    return client.request("POST", "/mcp?user_email=a@b", kInitialize, headers);
  };
  BOOST_TEST(with({{"Origin", "http://evil.example.com"}}).status == 403);
  BOOST_TEST(with({{"Host", "evil.example.com"}, {"Origin", "http://evil.example.com"}}).status == 403);
  BOOST_TEST(with({{"Origin", "http://127.0.0.1:" + std::to_string(host.port())}}).status == 200);
  auto no_user = client.request("POST", "/mcp", kInitialize, kMcpHeaders);
  BOOST_TEST(no_user.status == 400);
  BOOST_TEST(no_user.body.find("user_email") != std::string::npos);

  // Version negotiation: a supported older version is echoed, an unknown one gets the latest.
  auto older = client.request("POST", "/mcp?user_email=a@b",
                              R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}})",
                              kMcpHeaders);
  BOOST_TEST(older.json().at("result").at("protocolVersion").as_string() == "2025-06-18");
  auto future = client.request("POST", "/mcp?user_email=a@b",
                               R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2999-01-01","capabilities":{}}})",
                               kMcpHeaders);
  BOOST_TEST(future.json().at("result").at("protocolVersion").as_string() == "2025-11-25");

  McpSession session(host);
  for (char c : session.id) BOOST_TEST((c >= 0x21 && c <= 0x7E));
  const auto init = json::parse(with({}).body);
  BOOST_TEST(init.at("result").at("serverInfo").at("name").as_string() == "lagentry-host");
  BOOST_TEST(!init.at("result").at("instructions").as_string().empty());
  BOOST_TEST(session.call("ping").at("result").as_object().empty());
  BOOST_TEST(session.call("resources/list").at("result").at("resources").as_array().empty());  // declared, empty
  BOOST_TEST(session.call("completion/complete").at("error").at("code").as_int64() == -32601);

  auto headers = kMcpHeaders;
  BOOST_TEST(client.request("POST", "/mcp", R"({"jsonrpc":"2.0","id":2,"method":"ping"})", headers).status == 400);  // no session
  headers["MCP-Session-Id"] = "not-a-session";
  BOOST_TEST(client.request("POST", "/mcp", R"({"jsonrpc":"2.0","id":2,"method":"ping"})", headers).status == 404);
  BOOST_TEST(session.post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", {{"MCP-Protocol-Version", "1999-01-01"}}).status == 400);
  BOOST_TEST(session.post(R"({"jsonrpc":"2.0","id":3,"result":{}})").status == 202);  // a response from the client
  auto batch = session.post(R"([{"jsonrpc":"2.0","id":2,"method":"ping"}])");
  BOOST_TEST(batch.status == 400);
  BOOST_TEST(batch.json().at("error").at("code").as_int64() == -32600);
  auto garbage = session.post("{nope");
  BOOST_TEST(garbage.status == 400);
  BOOST_TEST(garbage.json().at("error").at("code").as_int64() == -32700);
  BOOST_TEST(client.request("GET", "/mcp", "", {{"MCP-Session-Id", session.id}}).status == 406);  // no Accept: text/event-stream
  BOOST_TEST(client.request("GET", "/mcp", "", {{"Accept", "text/event-stream"}}).status == 400);   // no session
  BOOST_TEST(client.request("GET", "/mcp", "", {{"Accept", "text/event-stream"}, {"MCP-Session-Id", "nope"}}).status == 404);
  auto unknown_tool = session.call("tools/call", R"({"name":"nope","arguments":{}})");
  BOOST_TEST(unknown_tool.at("error").at("code").as_int64() == -32602);

  BOOST_TEST(client.request("DELETE", "/mcp", "", {{"MCP-Session-Id", session.id}}).status == 204);
  BOOST_TEST(session.post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})").status == 404);
}

// GET /mcp: the stream of server notifications. A reload that changes the
// tools says tools/list_changed; ending the session ends the stream.
BOOST_AUTO_TEST_CASE(the_stream_announces_tool_changes_and_ends_with_the_session) {
  HostOptions options;
  options.plugins = {product_plugin_dir() / "google.so"};
  HostProcess host(options);
  McpSession session(host);
  const json::value init = json::parse(session.client.request("POST", "/mcp?user_email=a@b.c", kInitialize, kMcpHeaders).body);
  BOOST_TEST(init.at("result").at("capabilities").at("tools").at("listChanged").as_bool());

  EventStreamReader stream(host.port(), session.id);
  BOOST_REQUIRE_MESSAGE(stream.wait_for("\r\n\r\n: stream open"), stream.received());
  BOOST_TEST(stream.received().find("HTTP/1.1 200") == 0);
  BOOST_TEST(stream.received().find("Content-Type: text/event-stream") != std::string::npos);
  BOOST_TEST(stream.received().find("Content-Length") == std::string::npos);
  BOOST_TEST(session.call("ping").at("result").as_object().empty(), "requests go on beside the stream");

  // A reload that changes nothing for the session says nothing; one that adds tools does.
  HttpClient admin(host.port());
  BOOST_REQUIRE(admin.post_json("/admin/plugins/reload", "").status == 200);
  BOOST_TEST(!stream.wait_for("list_changed", 2));
  fs::copy_file(product_plugin_dir() / "slack.so", host.plugin_dir() / "slack.so");
  BOOST_REQUIRE(admin.post_json("/admin/plugins/reload", "").status == 200);
  BOOST_TEST(stream.wait_for(R"(data: {"jsonrpc":"2.0","method":"notifications/tools/list_changed"})"), stream.received());
  BOOST_TEST(session.tool_names().size() > 20u);

  BOOST_TEST(session.client.request("DELETE", "/mcp", "", {{"MCP-Session-Id", session.id}}).status == 204);
  BOOST_TEST(stream.wait_closed(), "the stream ends with its session");
}

BOOST_AUTO_TEST_CASE(tools_follow_the_manifests_and_the_url_filters) {
  HostProcess& host = mcp_host();
  McpSession all(host);
  auto tools = all.call("tools/list").at("result").at("tools").as_array();
  BOOST_TEST(tools.size() >= 50u);
  const json::object* send = nullptr;
  for (const auto& t : tools)
    if (t.at("name").as_string() == "gmail_send") send = &t.as_object();
  BOOST_REQUIRE(send);
  BOOST_TEST(send->at("title").as_string() == "Send an email");
  BOOST_TEST(send->at("inputSchema").at("properties").as_object().contains("to"));
  BOOST_TEST(!send->at("inputSchema").at("properties").as_object().contains("user_email"));
  BOOST_TEST(send->at("annotations").at("openWorldHint").as_bool());

  McpSession gmail(host, "?user_email=alice@example.com&connectors=gmail");
  for (const auto& name : gmail.tool_names()) BOOST_TEST(name.rfind("gmail_", 0) == 0u, name);
  McpSession slack(host, "?user_email=alice@example.com&providers=slack");
  const auto slack_names = slack.tool_names();
  BOOST_TEST(slack_names.size() == 14u);
  for (const auto& name : slack_names) BOOST_TEST(name.rfind("slack_", 0) == 0u, name);

  McpSession discover(host, "?user_email=alice@example.com&tools=discover");
  BOOST_TEST((discover.tool_names() == std::vector<std::string>{"search_tools", "describe_tool", "call_tool"}));
  auto found = discover.call("tools/call", R"({"name":"search_tools","arguments":{"query":"gmail send"}})");
  // Tools whose names hold every word come first.
  BOOST_TEST(found.at("result").at("structuredContent").at("tools").at(0).at("name").as_string() == "gmail_send");
  auto described = discover.call("tools/call", R"({"name":"describe_tool","arguments":{"name":"slack_post_message"}})");
  BOOST_TEST(described.at("result").at("structuredContent").at("inputSchema").at("required").as_array().size() == 2u);
  // Google is configured but alice has no connection: the call says how to connect.
  auto called = discover.call("tools/call", R"({"name":"call_tool","arguments":{"name":"gmail_labels","arguments":{}}})");
  BOOST_TEST(called.at("result").at("isError").as_bool());
  BOOST_TEST(called.at("result").at("structuredContent").at("authorization_required").as_bool());
}

BOOST_AUTO_TEST_CASE(a_key_bound_to_one_user_cannot_act_for_another) {
  HostProcess& host = mcp_host();
  const std::string key = create_api_key(host, {"--tenant", "acme", "--user", "bob@example.com", "--name", "agent"});
  McpSession bound(host, "", key);  // no ?user_email=: the key names the user
  BOOST_TEST(bound.call("ping").as_object().contains("result"));

  HttpClient client(host.port());
  client.set_bearer(key);
  auto other = client.request("POST", "/mcp?user_email=alice@example.com", kInitialize, kMcpHeaders);
  BOOST_TEST(other.status == 403);
  auto rest_other = client.get("/api/v1/unified/auth/google/status?user_email=alice@example.com");
  BOOST_TEST(rest_other.status == 403);
  BOOST_TEST(rest_other.error_code() == "forbidden");
  auto rest_own = client.get("/api/v1/unified/auth/google/status?user_email=bob@example.com");
  BOOST_TEST(rest_own.status == 200);
  BOOST_TEST(run_host_command({"keys", "create", "--operator", "--user", "x@y"},
                              {{"DATABASE_PATH", host.database_path().string()}, {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}})
                 .first == 2);
}

BOOST_AUTO_TEST_CASE(the_official_sdk_client_lists_calls_and_connects_on_demand) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_MCP_PAGE_SIZE", "20"}}));
  // Every Google verb, permanent delete included (not in the default grant).
  connect(host, sandbox, "google", kUser, "&connectors=gmail,drive,calendar");
  for (const char* provider : {"slack", "atlassian", "bitbucket"}) connect(host, sandbox, provider);
  BOOST_REQUIRE_MESSAGE(fs::exists(kNodeModules / "@modelcontextprotocol" / "sdk"), "scripts/setup installs @modelcontextprotocol/sdk");
  const auto run = run_command("node " + shell_quote(std::string(LAGENTRY_SOURCE_DIR) + "/tests/mcp/sdk_client.mjs") + " " +
                               shell_quote(kNodeModules.string()) + " http://127.0.0.1:" + std::to_string(host.port()) + " " +
                               shell_quote(kTestApiKey) + " " + kUser + " newcomer@example.com " +
                               shell_quote(host_binary().string()) + " 2>&1");
  BOOST_TEST_MESSAGE(run.output);
  BOOST_TEST(run.exit_code == 0, run.output << "\n--- host log ---\n" << host.log());
  BOOST_TEST(run.output.find("mcp sdk client: ok") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_official_conformance_suite_passes) {
  HostProcess& host = mcp_host();
  BOOST_REQUIRE_MESSAGE(fs::exists(kNodeModules / "@modelcontextprotocol" / "conformance"), "scripts/setup installs the suite");
  const auto run = run_command("cd " + shell_quote(host.dir().string()) + " && node " +
                               shell_quote(std::string(LAGENTRY_SOURCE_DIR) + "/tests/mcp/conformance.mjs") + " " +
                               shell_quote(kNodeModules.string()) + " http://127.0.0.1:" + std::to_string(host.port()) + " " +
                               shell_quote(kTestApiKey) + " alice@example.com " +
                               shell_quote(std::string(LAGENTRY_SOURCE_DIR) + "/tests/mcp/conformance-expected-failures.yml") +
                               " 2>&1");
  BOOST_TEST_MESSAGE(run.output);
  BOOST_TEST(run.exit_code == 0, run.output);
}

BOOST_AUTO_TEST_SUITE_END()

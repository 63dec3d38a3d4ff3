// MCP tool names: readable, in MCP's alphabet, short enough for client prefixes.
#include "host/mcp/tool_catalog.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace lagentry::host::mcp;

BOOST_AUTO_TEST_SUITE(mcp_tools)

BOOST_AUTO_TEST_CASE(tool_names_are_operations_with_underscores_and_leave_room_for_a_prefix) {
  BOOST_TEST(tool_name_of("slack-messages.list") == "slack_messages_list");
  BOOST_TEST(tool_name_of("gmail.send") == "gmail_send");
  const std::string long_name = tool_name_of(std::string(40, 'a') + "-connector.operation");
  BOOST_TEST(long_name.size() == kMaxToolName);
  BOOST_TEST(("lagentry__" + long_name).size() < 60u);
}

BOOST_AUTO_TEST_SUITE_END()

// The pure parts of plugin isolation: the step frames between host and
// worker, and the LAGENTRY_PLUGIN_ISOLATION policy.
#include "core/isolation/isolation_policy.hpp"
#include "core/isolation/step_frame.hpp"

#include <boost/test/unit_test.hpp>

#include <cstring>

using namespace lagentry::isolation;
using lagentry::plugin::StepResult;

namespace {
// A frame's payload, checking the header announces exactly its length.
std::string payload_of(const std::string& frame) {
  BOOST_REQUIRE(frame.size() >= kFrameHeaderBytes);
  char header[kFrameHeaderBytes];
  std::memcpy(header, frame.data(), kFrameHeaderBytes);
  BOOST_REQUIRE_EQUAL(frame_length(header), frame.size() - kFrameHeaderBytes);
  return frame.substr(kFrameHeaderBytes);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(isolation)

// Two upstream responses as the host fetched them: bodies are any bytes.
std::vector<lagentry::runtime::UpstreamResponse> two_responses() {
  std::vector<lagentry::runtime::UpstreamResponse> out(2);
  out[0].status = 200;
  out[0].headers = {{"content-type", "application/json"}, {"x-empty", ""}};
  out[0].body = std::string("{\"a\":\"\0\xff\"}", 10);
  out[1].status = 0;
  out[1].error = "connection refused";
  return out;
}

BOOST_AUTO_TEST_CASE(a_call_crosses_byte_for_byte) {
  const std::string input = R"({"params":{"id":"x"},"body":null})";
  const std::string state("\0binary\xff", 8);  // opaque continuation: any bytes
  const auto responses = two_responses();
  auto call = decode_call(payload_of(encode_call("gmail.list", input, state, responses)));
  BOOST_REQUIRE(call.has_value());
  BOOST_TEST(call->operation == "gmail.list");
  BOOST_TEST(call->input == input);
  BOOST_TEST(call->state == state);
  BOOST_REQUIRE_EQUAL(call->responses.size(), 2u);
  BOOST_TEST(call->responses[0].status == 200);
  BOOST_TEST(call->responses[0].body == responses[0].body);
  BOOST_TEST((call->responses[0].headers == responses[0].headers));
  BOOST_TEST(call->responses[0].error.empty());
  BOOST_TEST(call->responses[1].status == 0);
  BOOST_TEST(call->responses[1].error == "connection refused");
  BOOST_TEST(call->responses[1].headers.empty());

  auto first_step = decode_call(payload_of(encode_call("op", "{}", "", {})));
  BOOST_REQUIRE(first_step.has_value());
  BOOST_TEST(first_step->state.empty());
  BOOST_TEST(first_step->responses.empty());
}

BOOST_AUTO_TEST_CASE(a_result_crosses_byte_for_byte) {
  StepResult fetch;
  fetch.code = LG_OK;
  fetch.kind = LG_STEP_FETCH;
  fetch.json = R"({"requests":[]})";
  fetch.state = "cursor";
  auto back = decode_result(payload_of(encode_result(fetch)));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->code == LG_OK);
  BOOST_TEST(back->kind == LG_STEP_FETCH);
  BOOST_TEST(back->json == fetch.json);
  BOOST_TEST(back->state == "cursor");
  BOOST_TEST((back->worker_failure == StepResult::WorkerFailure::none));

  StepResult error;
  error.code = LG_ERR_BAD_INPUT;
  error.json = "limit must be a number";
  auto refused = decode_result(payload_of(encode_result(error)));
  BOOST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->code == LG_ERR_BAD_INPUT);
  BOOST_TEST(refused->json == error.json);
}

BOOST_AUTO_TEST_CASE(malformed_payloads_are_refused) {
  const std::string call = payload_of(encode_call("op", "{}", "s", two_responses()));
  for (std::size_t cut = 0; cut < call.size(); ++cut) BOOST_TEST(!decode_call(call.substr(0, cut)).has_value(), cut);
  BOOST_TEST(!decode_call(call + "x").has_value());  // trailing bytes
  // A response count beyond what follows is refused, not allocated for.
  std::string many = payload_of(encode_call("op", "{}", "", {}));
  std::memset(many.data() + many.size() - 4, 0xff, 4);  // the count is the last field
  BOOST_TEST(!decode_call(many).has_value());

  StepResult reply;
  reply.json = "{}";
  const std::string result = payload_of(encode_result(reply));
  for (std::size_t cut = 0; cut < result.size(); ++cut)
    BOOST_TEST(!decode_result(result.substr(0, cut)).has_value(), cut);
  std::string bad_kind = result;
  bad_kind[4] = 7;  // the kind follows the 4-byte code
  BOOST_TEST(!decode_result(bad_kind).has_value());
  // A length beyond the payload must not be trusted.
  std::string too_long = result;
  too_long[8] = '\x7f';
  BOOST_TEST(!decode_result(too_long).has_value());
}

BOOST_AUTO_TEST_CASE(policy_forms) {
  std::string error;
  auto none = IsolationPolicy::parse("none", error);
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST(!none->isolates("google"));
  BOOST_TEST(none->describe() == "none");
  BOOST_TEST(!IsolationPolicy::parse("", error)->isolates("google"));

  auto all = IsolationPolicy::parse("process", error);
  BOOST_REQUIRE(all.has_value());
  BOOST_TEST(all->isolates("google"));
  BOOST_TEST(all->isolates("acme"));

  auto some = IsolationPolicy::parse("acme, foo-bar", error);
  BOOST_REQUIRE(some.has_value());
  BOOST_TEST(some->isolates("acme"));
  BOOST_TEST(some->isolates("foo-bar"));
  BOOST_TEST(!some->isolates("google"));
  BOOST_TEST(some->describe() == "process for acme, foo-bar");

  BOOST_TEST(!IsolationPolicy::parse("acme,,foo", error).has_value());
  BOOST_TEST(!IsolationPolicy::parse("Google", error).has_value());
  BOOST_TEST(error.find("'Google' is not a plugin id") != std::string::npos, error);
}

BOOST_AUTO_TEST_SUITE_END()

// Boost.Test entry point for the sandbox tests; suites live in test_*.cpp and
// run as separate ctest tests (sandbox_<suite>).
#define BOOST_TEST_MODULE lagentry_sandbox_tests
#include <boost/test/unit_test.hpp>

// Integration tests (the real host and the real sandbox) land here once the
// connector runtime is in the host.
#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(integration)
BOOST_AUTO_TEST_CASE(placeholder) { BOOST_TEST(true); }
BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE lagentry integration tests
#include <boost/test/unit_test.hpp>

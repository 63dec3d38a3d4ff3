#define BOOST_TEST_MODULE slack plugin tests
#include <boost/test/unit_test.hpp>

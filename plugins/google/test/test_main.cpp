#define BOOST_TEST_MODULE google plugin tests
#include <boost/test/unit_test.hpp>

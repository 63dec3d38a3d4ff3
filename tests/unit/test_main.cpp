#define BOOST_TEST_MODULE lagentry unit tests
#include <boost/test/unit_test.hpp>

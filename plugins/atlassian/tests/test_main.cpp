#define BOOST_TEST_MODULE atlassian plugin tests
#include <boost/test/unit_test.hpp>

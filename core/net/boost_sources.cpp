// The one translation unit that compiles Boost.Asio, Asio SSL and Boost.Beast.
// Every other file is built with BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION (see core/CMakeLists.txt), which keeps
// rebuilds fast on small machines.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>

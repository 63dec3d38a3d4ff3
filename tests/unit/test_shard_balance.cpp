// Which I/O shard a connection should be served on (host/http/shard_balance.hpp).
#include "host/http/shard_balance.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

using lagentry::host::better_shard;
using lagentry::host::ShardLoad;

BOOST_AUTO_TEST_SUITE(shard_balance)

BOOST_AUTO_TEST_CASE(a_light_load_packs_onto_the_lowest_shard) {
  // Two connections, one request each at a time, 0.35 of a core a shard.
  const std::vector<ShardLoad> light{{0.35, 0.9}, {0.38, 1.0}};
  BOOST_TEST(better_shard(light, 1).value() == 0u);
  BOOST_TEST(!better_shard(light, 0));  // nothing lower to pack onto
  // Four shards: the lowest that takes it.
  const std::vector<ShardLoad> four{{0.7, 2.0}, {0.1, 0.2}, {0.0, 0.0}, {0.2, 0.4}};
  BOOST_TEST(better_shard(four, 3).value() == 1u);
}

BOOST_AUTO_TEST_CASE(many_requests_at_a_time_do_not_pack_however_idle_the_threads) {
  // The fan-out page: the machine is full, the threads are not.
  const std::vector<ShardLoad> waiting{{0.40, 8.0}, {0.42, 8.0}};
  BOOST_TEST(!better_shard(waiting, 1));
  const std::vector<ShardLoad> busy{{0.45, 1.0}, {0.45, 1.0}};  // together near a core
  BOOST_TEST(!better_shard(busy, 1));
}

BOOST_AUTO_TEST_CASE(a_full_shard_spreads_to_the_lightest_and_balanced_ones_stay) {
  const std::vector<ShardLoad> packed{{0.95, 30.0}, {0.02, 0.0}, {0.10, 1.0}};
  BOOST_TEST(better_shard(packed, 0).value() == 1u);
  // Balanced but for noise: no move either way.
  const std::vector<ShardLoad> balanced{{0.48, 17.0}, {0.44, 14.0}};
  BOOST_TEST(!better_shard(balanced, 0));
  BOOST_TEST(!better_shard(balanced, 1));
  // Many in flight on one, few on the other, both threads well under a core.
  const std::vector<ShardLoad> uneven{{0.6, 12.0}, {0.2, 2.0}};
  BOOST_TEST(better_shard(uneven, 0).value() == 1u);
}

BOOST_AUTO_TEST_CASE(what_one_rule_makes_the_other_leaves_alone) {
  // After a spread (above), what is left is above the packing limits...
  const std::vector<ShardLoad> after_spread{{0.6, 12.0}, {0.25, 3.0}};
  BOOST_TEST(!better_shard(after_spread, 1));
  // ...and a pack (two light shards into one) is below the spreading ones.
  const std::vector<ShardLoad> after_pack{{0.65, 1.9}, {0.01, 0.0}};
  BOOST_TEST(!better_shard(after_pack, 0));
}

BOOST_AUTO_TEST_CASE(one_shard_or_an_unknown_one_stays) {
  const std::vector<ShardLoad> one{{0.99, 40.0}};
  BOOST_TEST(!better_shard(one, 0));
  BOOST_TEST(!better_shard(one, 5));
}

BOOST_AUTO_TEST_SUITE_END()

#include "host/http/shard_balance.hpp"

namespace lagentry::host {

std::optional<std::size_t> better_shard(std::span<const ShardLoad> loads, std::size_t current,
                                        const BalanceLimits& limits) {
  if (current >= loads.size()) return std::nullopt;
  const ShardLoad& here = loads[current];
  if (here.busy > limits.spread_busy || here.in_flight > limits.spread_in_flight) {
    std::optional<std::size_t> lightest;
    for (std::size_t i = 0; i < loads.size(); ++i)
      if (i != current && (!lightest || loads[i].busy < loads[*lightest].busy)) lightest = i;
    // Only to a shard clearly lighter on both counts: shards balanced but
    // for the noise of a tenth of a second stay as they are.
    if (lightest && loads[*lightest].busy < here.busy * 0.75 && loads[*lightest].in_flight < here.in_flight * 0.75)
      return lightest;
    return std::nullopt;
  }
  for (std::size_t i = 0; i < current; ++i)
    if (loads[i].busy + here.busy < limits.pack_busy && loads[i].in_flight + here.in_flight < limits.pack_in_flight)
      return i;
  return std::nullopt;
}

}  // namespace lagentry::host

// Which I/O shard a connection should be served on between two requests,
// from each shard's recent load (io_shards.hpp measures it).
//
// A light load, a couple of requests at a time and well under a core, is
// packed onto the lowest shards: on one thread two connections' requests
// interleave, where on two threads each request put its thread to sleep
// and woke it twice. At 2 connections that was a quarter of the host's CPU
// per request and 0.03-0.05 ms of its added p50 (docs/performance.md). A shard
// with many requests in flight or near a full core hands connections to a
// lighter one. The two rules cannot undo each other: what a spread leaves
// behind is above the packing limits, what a pack makes is below the
// spreading ones.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace lagentry::host {

struct ShardLoad {
  double busy = 0;       // share of one core its thread ran recently (0..1)
  double in_flight = 0;  // requests in progress on it, averaged recently
};

struct BalanceLimits {
  // Pack when two shards together are below both.
  double pack_busy = 0.85;
  double pack_in_flight = 2.5;
  // Spread from a shard above either.
  double spread_busy = 0.9;
  double spread_in_flight = 3;
};

// The shard a connection on `current` should move to, or nullopt to stay.
std::optional<std::size_t> better_shard(std::span<const ShardLoad> loads, std::size_t current,
                                        const BalanceLimits& limits = {});

}  // namespace lagentry::host

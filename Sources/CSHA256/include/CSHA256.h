#ifndef PREFLIGHT_CSHA256_H
#define PREFLIGHT_CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU can run `preflight_sha256_ni_compress` (x86-64 with the SHA extensions,
/// SSE4.1 and SSSE3), 0 otherwise and on every other architecture.
int preflight_sha256_ni_available(void);

/// Runs the SHA-256 compression function (FIPS 180-4, 6.2.2) over `count` consecutive
/// 64-byte blocks at `blocks`, updating `state` (H0...H7, native-endian words) in place.
/// Call only when `preflight_sha256_ni_available()` returned 1; elsewhere it does nothing.
void preflight_sha256_ni_compress(uint32_t state[8], const uint8_t *blocks, size_t count);

#endif

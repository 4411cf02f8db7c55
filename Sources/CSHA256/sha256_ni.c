// SHA-256 block compression with the Intel SHA extensions (SHA-NI).
//
// Written for Preflight from the specifications, not from another implementation:
// - NIST FIPS 180-4, "Secure Hash Standard", sections 4.1.2 (functions), 4.2.2 (constants)
//   and 6.2.2 (message schedule and hash computation);
// - Intel, "Intel SHA Extensions: New Instructions Supporting the Secure Hash Algorithm on
//   Intel Architecture Processors" (Gulley et al., July 2013), and the SHA256RNDS2,
//   SHA256MSG1 and SHA256MSG2 entries of the Intel 64 and IA-32 Architectures Software
//   Developer's Manual, Volume 2, with their intrinsics `_mm_sha256rnds2_epu32`,
//   `_mm_sha256msg1_epu32` and `_mm_sha256msg2_epu32`.
//
// Only this file's two functions get the instruction sets (`__attribute__((target))`), so the
// package needs no compiler flags; callers check `preflight_sha256_ni_available()` (CPUID) first.

#include "CSHA256.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))

#include <cpuid.h>
#include <immintrin.h>

int preflight_sha256_ni_available(void) {
    unsigned int eax, ebx, ecx, edx;
    // Leaf 1: ECX bit 9 = SSSE3 (pshufb, palignr), bit 19 = SSE4.1 (not used by the code, but
    // enabled by the target attribute below, so it is checked with the others).
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if (!(ecx & (1u << 9)) || !(ecx & (1u << 19))) return 0;
    // Leaf 7, subleaf 0: EBX bit 29 = SHA. `__get_cpuid_count` fails when leaf 7 is absent.
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx & (1u << 29)) ? 1 : 0;
}

// FIPS 180-4, 4.2.2: K0...K63, four per vector with K[4i] in the lowest lane.
static const uint32_t k256[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define PREFLIGHT_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define PREFLIGHT_SHA_INLINE \
    static inline __attribute__((always_inline, target("sha,sse4.1,ssse3")))

// Four rounds, t = 4j ... 4j+3, with w = W[4j] ... W[4j+3] (W[4j] in the lowest lane).
// SHA256RNDS2 runs two rounds with W[t] + K[t] from the low two lanes of its third operand;
// after them, the old (A, B, E, F) is the new (C, D, G, H), so the two registers swap roles.
PREFLIGHT_SHA_INLINE void rounds4(__m128i *abef, __m128i *cdgh, __m128i w, int j) {
    const __m128i wk = _mm_add_epi32(w, _mm_load_si128((const __m128i *)&k256[4 * j]));
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

// The next four schedule words (FIPS 180-4, 6.2.2 step 1) from the previous sixteen, four per
// vector, oldest first: W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]. SHA256MSG1 adds
// σ0(W[t-15]) to W[t-16]; W[t-7] is the two newest vectors shifted by one word; SHA256MSG2
// adds σ1(W[t-2]), including for the two words it computes itself.
PREFLIGHT_SHA_INLINE __m128i schedule4(__m128i w0, __m128i w1, __m128i w2, __m128i w3) {
    __m128i x = _mm_sha256msg1_epu32(w0, w1);
    x = _mm_add_epi32(x, _mm_alignr_epi8(w3, w2, 4));
    return _mm_sha256msg2_epu32(x, w3);
}

PREFLIGHT_SHA_TARGET
void preflight_sha256_ni_compress(uint32_t state[8], const uint8_t *blocks, size_t count) {
    // SHA256RNDS2 keeps the eight working variables in two registers, most significant lane
    // first: one holds (A, B, E, F), the other (C, D, G, H). Lanes here are numbered from the
    // least significant, so abef = [F, E, B, A] and cdgh = [H, G, D, C].
    __m128i lo = _mm_loadu_si128((const __m128i *)&state[0]);  // [a, b, c, d]
    __m128i hi = _mm_loadu_si128((const __m128i *)&state[4]);  // [e, f, g, h]
    lo = _mm_shuffle_epi32(lo, 0x1B);                         // [d, c, b, a]
    hi = _mm_shuffle_epi32(hi, 0x1B);                         // [h, g, f, e]
    __m128i abef = _mm_unpackhi_epi64(hi, lo);                // [f, e, b, a]
    __m128i cdgh = _mm_unpacklo_epi64(hi, lo);                // [h, g, d, c]

    // FIPS 180-4 reads message words big-endian: swap the bytes of each 32-bit lane.
    const __m128i byteSwap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);

    for (size_t block = 0; block < count; block++, blocks += 64) {
        const __m128i abefSaved = abef;
        const __m128i cdghSaved = cdgh;
        // W[0] ... W[15] are the block itself; w0 ... w3 then rotate through the schedule,
        // since W[t] needs nothing older than W[t-16].
        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 0)), byteSwap);
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16)), byteSwap);
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 32)), byteSwap);
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 48)), byteSwap);
        rounds4(&abef, &cdgh, w0, 0);
        rounds4(&abef, &cdgh, w1, 1);
        rounds4(&abef, &cdgh, w2, 2);
        rounds4(&abef, &cdgh, w3, 3);
        for (int j = 4; j < 16; j += 4) {
            w0 = schedule4(w0, w1, w2, w3);
            rounds4(&abef, &cdgh, w0, j);
            w1 = schedule4(w1, w2, w3, w0);
            rounds4(&abef, &cdgh, w1, j + 1);
            w2 = schedule4(w2, w3, w0, w1);
            rounds4(&abef, &cdgh, w2, j + 2);
            w3 = schedule4(w3, w0, w1, w2);
            rounds4(&abef, &cdgh, w3, j + 3);
        }
        // FIPS 180-4, 6.2.2 step 4: H(i) = H(i-1) + working variables.
        abef = _mm_add_epi32(abef, abefSaved);
        cdgh = _mm_add_epi32(cdgh, cdghSaved);
    }

    lo = _mm_unpackhi_epi64(cdgh, abef);  // [d, c, b, a]
    hi = _mm_unpacklo_epi64(cdgh, abef);  // [h, g, f, e]
    _mm_storeu_si128((__m128i *)&state[0], _mm_shuffle_epi32(lo, 0x1B));
    _mm_storeu_si128((__m128i *)&state[4], _mm_shuffle_epi32(hi, 0x1B));
}

#else

int preflight_sha256_ni_available(void) { return 0; }

void preflight_sha256_ni_compress(uint32_t state[8], const uint8_t *blocks, size_t count) {
    (void)state;
    (void)blocks;
    (void)count;
}

#endif

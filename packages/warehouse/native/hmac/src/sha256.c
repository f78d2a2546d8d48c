#include "sha256.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

const uint32_t sha256_initial_state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static inline uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be32(const uint8_t *p) {
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

void sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks) {
	uint32_t w[64];
	for (; blocks > 0; blocks--, data += 64) {
		for (int i = 0; i < 16; i++) w[i] = load_be32(data + 4 * i);
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
			uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
		uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
		for (int i = 0; i < 64; i++) {
			uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
			uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
			h = g;
			g = f;
			f = e;
			e = d + t1;
			d = c;
			c = b;
			b = a;
			a = t1 + t2;
		}
		state[0] += a;
		state[1] += b;
		state[2] += c;
		state[3] += d;
		state[4] += e;
		state[5] += f;
		state[6] += g;
		state[7] += h;
	}
}

#ifdef HAVE_X86
/* Intel SHA extensions: each sha256rnds2 does two rounds on the state kept as ABEF/CDGH halves. */
#define SHA_NI_INLINE __attribute__((target("sha,sse4.1"), always_inline)) static inline

SHA_NI_INLINE void ni_load(const uint32_t state[8], __m128i *abef, __m128i *cdgh) {
	__m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1); /* CDAB */
	__m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B); /* EFGH */
	*abef = _mm_alignr_epi8(tmp, efgh, 8);
	*cdgh = _mm_blend_epi16(efgh, tmp, 0xF0);
}

SHA_NI_INLINE void ni_store(uint32_t state[8], __m128i abef, __m128i cdgh) {
	__m128i feba = _mm_shuffle_epi32(abef, 0x1B);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
	_mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0)); /* DCBA */
	_mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));    /* HGFE */
}

/* Message words W[4g..4g+3] plus K; m holds the last four groups (W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]). */
SHA_NI_INLINE __m128i ni_schedule(__m128i m[4], int g, const uint8_t *data) {
	const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i w;
	if (g < 4) {
		w = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)), byte_swap);
	} else {
		__m128i x = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
		x = _mm_add_epi32(x, _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
		w = _mm_sha256msg2_epu32(x, m[(g + 3) & 3]);
	}
	m[g & 3] = w;
	return _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)&K[4 * g]));
}

SHA_NI_INLINE void ni_rounds(__m128i *abef, __m128i *cdgh, __m128i msg) {
	*cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, msg);
	*abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(msg, 0x0E));
}

__attribute__((target("sha,sse4.1"))) static void sha256_blocks_sha_ni(uint32_t state[8], const uint8_t *data,
                                                                        size_t blocks) {
	__m128i abef, cdgh;
	ni_load(state, &abef, &cdgh);
	for (; blocks > 0; blocks--, data += 64) {
		const __m128i abef_saved = abef, cdgh_saved = cdgh;
		__m128i m[4];
#pragma GCC unroll 16
		for (int g = 0; g < 16; g++) ni_rounds(&abef, &cdgh, ni_schedule(m, g, data));
		abef = _mm_add_epi32(abef, abef_saved);
		cdgh = _mm_add_epi32(cdgh, cdgh_saved);
	}
	ni_store(state, abef, cdgh);
}

/*
 * One block for each of two independent states, their rounds interleaved: sha256rnds2 is latency-bound, so a second
 * chain fills the pipeline while the first waits (HMACs of two rows at a time).
 */
__attribute__((target("sha,sse4.1"))) static void sha256_block_x2_sha_ni(uint32_t state_a[8], const uint8_t *data_a,
                                                                          uint32_t state_b[8], const uint8_t *data_b) {
	__m128i abef_a, cdgh_a, abef_b, cdgh_b;
	ni_load(state_a, &abef_a, &cdgh_a);
	ni_load(state_b, &abef_b, &cdgh_b);
	const __m128i abef_a_saved = abef_a, cdgh_a_saved = cdgh_a, abef_b_saved = abef_b, cdgh_b_saved = cdgh_b;
	__m128i m_a[4], m_b[4];
#pragma GCC unroll 16
	for (int g = 0; g < 16; g++) {
		__m128i msg_a = ni_schedule(m_a, g, data_a);
		__m128i msg_b = ni_schedule(m_b, g, data_b);
		cdgh_a = _mm_sha256rnds2_epu32(cdgh_a, abef_a, msg_a);
		cdgh_b = _mm_sha256rnds2_epu32(cdgh_b, abef_b, msg_b);
		abef_a = _mm_sha256rnds2_epu32(abef_a, cdgh_a, _mm_shuffle_epi32(msg_a, 0x0E));
		abef_b = _mm_sha256rnds2_epu32(abef_b, cdgh_b, _mm_shuffle_epi32(msg_b, 0x0E));
	}
	ni_store(state_a, _mm_add_epi32(abef_a, abef_a_saved), _mm_add_epi32(cdgh_a, cdgh_a_saved));
	ni_store(state_b, _mm_add_epi32(abef_b, abef_b_saved), _mm_add_epi32(cdgh_b, cdgh_b_saved));
}
#endif

void sha256_block_x2_portable(uint32_t state_a[8], const uint8_t *data_a, uint32_t state_b[8],
                              const uint8_t *data_b) {
	sha256_blocks_portable(state_a, data_a, 1);
	sha256_blocks_portable(state_b, data_b, 1);
}

/* SHA-256("abc") after padding (one block): FIPS 180-4's first example. */
static int passes_known_answer(sha256_blocks_fn blocks) {
	static const uint32_t expected[8] = {0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
	                                     0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad};
	uint8_t block[64] = {'a', 'b', 'c', 0x80};
	block[63] = 24; /* message length in bits */
	uint32_t state[8];
	memcpy(state, sha256_initial_state, sizeof state);
	blocks(state, block, 1);
	return memcmp(state, expected, sizeof state) == 0;
}

/* The pair function on two different blocks ("abc" and the empty message) against the portable single-block one. */
static int x2_agrees(sha256_block_x2_fn x2) {
	uint8_t abc[64] = {'a', 'b', 'c', 0x80}, empty[64] = {0x80};
	abc[63] = 24;
	uint32_t a[8], b[8], a_ref[8], b_ref[8];
	memcpy(a, sha256_initial_state, sizeof a);
	memcpy(b, sha256_initial_state, sizeof b);
	memcpy(a_ref, sha256_initial_state, sizeof a_ref);
	memcpy(b_ref, sha256_initial_state, sizeof b_ref);
	x2(a, abc, b, empty);
	sha256_blocks_portable(a_ref, abc, 1);
	sha256_blocks_portable(b_ref, empty, 1);
	return memcmp(a, a_ref, sizeof a) == 0 && memcmp(b, b_ref, sizeof b) == 0;
}

static int chose_sha_ni = 0;

sha256_impl sha256_best(void) {
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1") &&
	    passes_known_answer(sha256_blocks_sha_ni) && x2_agrees(sha256_block_x2_sha_ni)) {
		chose_sha_ni = 1;
		return (sha256_impl){sha256_blocks_sha_ni, sha256_block_x2_sha_ni};
	}
#endif
	chose_sha_ni = 0;
	return sha256_portable;
}

const sha256_impl sha256_portable = {sha256_blocks_portable, sha256_block_x2_portable};

int sha256_uses_sha_ni(void) { return chose_sha_ni; }

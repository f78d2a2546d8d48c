#include "hmac_sha256.h"

#include <string.h>

static void store_be32(uint8_t *p, uint32_t v) {
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void store_be64(uint8_t *p, uint64_t v) {
	store_be32(p, (uint32_t)(v >> 32));
	store_be32(p + 4, (uint32_t)v);
}

/* Absorbs the message's last bytes and the padding; `prefix` bytes were already compressed into state. */
static void finish(uint32_t state[8], const uint8_t *message, size_t length, uint64_t prefix, sha256_blocks_fn blocks) {
	size_t full = length / 64;
	if (full > 0) blocks(state, message, full);
	size_t rest = length - full * 64;
	size_t padded = rest < 56 ? 64 : 128;
	uint8_t tail[128];
	memcpy(tail, message + full * 64, rest);
	tail[rest] = 0x80;
	memset(tail + rest + 1, 0, padded - 8 - rest - 1);
	store_be64(tail + padded - 8, (prefix + (uint64_t)length) * 8);
	blocks(state, tail, padded / 64);
}

static void digest_bytes(const uint32_t state[8], uint8_t out[32]) {
	for (int i = 0; i < 8; i++) store_be32(out + 4 * i, state[i]);
}

void hmac_sha256_key_init(hmac_sha256_key *key, const uint8_t *bytes, size_t length, const sha256_impl *impl) {
	sha256_blocks_fn blocks = impl->blocks;
	uint8_t hashed[32];
	if (length > 64) {
		uint32_t state[8];
		memcpy(state, sha256_initial_state, sizeof state);
		finish(state, bytes, length, 0, blocks);
		digest_bytes(state, hashed);
		bytes = hashed;
		length = 32;
	}
	uint8_t inner_pad[64], outer_pad[64];
	memset(inner_pad, 0x36, sizeof inner_pad);
	memset(outer_pad, 0x5c, sizeof outer_pad);
	for (size_t i = 0; i < length; i++) {
		inner_pad[i] ^= bytes[i];
		outer_pad[i] ^= bytes[i];
	}
	memcpy(key->inner, sha256_initial_state, sizeof key->inner);
	memcpy(key->outer, sha256_initial_state, sizeof key->outer);
	blocks(key->inner, inner_pad, 1);
	blocks(key->outer, outer_pad, 1);
}

/* The outer hash's only block: the inner digest (32 bytes, after the 64-byte pad) and its padding. */
static void outer_block(const uint32_t inner[8], uint8_t block[64]) {
	digest_bytes(inner, block);
	block[32] = 0x80;
	memset(block + 33, 0, 64 - 8 - 33);
	store_be64(block + 56, (64 + 32) * 8);
}

/* A message of at most 55 bytes after the 64-byte pad: its last (and only) block, padded. */
static void short_inner_block(const uint8_t *message, size_t length, uint8_t block[64]) {
	memcpy(block, message, length);
	block[length] = 0x80;
	memset(block + length + 1, 0, 64 - 8 - length - 1);
	store_be64(block + 56, (64 + (uint64_t)length) * 8);
}

static void write_hex(const uint32_t state[8], char out[64]) {
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 8; i++) {
		uint32_t word = state[i];
		for (int j = 7; j >= 0; j--) {
			out[8 * i + j] = digits[word & 0xf];
			word >>= 4;
		}
	}
}

void hmac_sha256_hex(const hmac_sha256_key *key, const uint8_t *message, size_t length, char out[64],
                     const sha256_impl *impl) {
	uint32_t state[8];
	memcpy(state, key->inner, sizeof state);
	finish(state, message, length, 64, impl->blocks);
	uint8_t block[64];
	outer_block(state, block);
	memcpy(state, key->outer, sizeof state);
	impl->blocks(state, block, 1);
	write_hex(state, out);
}

void hmac_sha256_hex_x2(const hmac_sha256_key *key, const uint8_t *message_a, size_t length_a, char out_a[64],
                        const uint8_t *message_b, size_t length_b, char out_b[64], const sha256_impl *impl) {
	if (length_a > 55 || length_b > 55) {
		hmac_sha256_hex(key, message_a, length_a, out_a, impl);
		hmac_sha256_hex(key, message_b, length_b, out_b, impl);
		return;
	}
	uint32_t a[8], b[8];
	uint8_t block_a[64], block_b[64];
	memcpy(a, key->inner, sizeof a);
	memcpy(b, key->inner, sizeof b);
	short_inner_block(message_a, length_a, block_a);
	short_inner_block(message_b, length_b, block_b);
	impl->block_x2(a, block_a, b, block_b);
	outer_block(a, block_a);
	outer_block(b, block_b);
	memcpy(a, key->outer, sizeof a);
	memcpy(b, key->outer, sizeof b);
	impl->block_x2(a, block_a, b, block_b);
	write_hex(a, out_a);
	write_hex(b, out_b);
}

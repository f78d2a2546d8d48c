/* HMAC-SHA256 (RFC 2104) with the key's padded blocks compressed once, so each message costs its own blocks only. */
#ifndef DATA_EXPORTER_HMAC_SHA256_H
#define DATA_EXPORTER_HMAC_SHA256_H

#include "sha256.h"

typedef struct {
	/* SHA-256 states after absorbing (key ^ ipad) and (key ^ opad): one block each. */
	uint32_t inner[8];
	uint32_t outer[8];
} hmac_sha256_key;

/* Keys longer than a block are hashed first (RFC 2104); any length, including 0, is accepted. */
void hmac_sha256_key_init(hmac_sha256_key *key, const uint8_t *bytes, size_t length, const sha256_impl *impl);

/* Writes the 64 lower-case hex digits of HMAC-SHA256(key, message) to out (no terminating NUL). */
void hmac_sha256_hex(const hmac_sha256_key *key, const uint8_t *message, size_t length, char out[64],
                     const sha256_impl *impl);

/* The same for two messages under one key, their compressions interleaved when both fit one block (<= 55 bytes). */
void hmac_sha256_hex_x2(const hmac_sha256_key *key, const uint8_t *message_a, size_t length_a, char out_a[64],
                        const uint8_t *message_b, size_t length_b, char out_b[64], const sha256_impl *impl);

#endif

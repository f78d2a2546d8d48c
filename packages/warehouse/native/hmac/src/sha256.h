/* SHA-256 compression (FIPS 180-4), self-contained: a portable C path and an x86 SHA-NI path chosen at run time. */
#ifndef DATA_EXPORTER_SHA256_H
#define DATA_EXPORTER_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* Runs `blocks` 64-byte blocks of `data` through the compression function, updating `state` (8 words, host order). */
typedef void (*sha256_blocks_fn)(uint32_t state[8], const uint8_t *data, size_t blocks);

/* One block for each of two independent states (two messages at once). */
typedef void (*sha256_block_x2_fn)(uint32_t state_a[8], const uint8_t *data_a, uint32_t state_b[8],
                                   const uint8_t *data_b);

typedef struct {
	sha256_blocks_fn blocks;
	sha256_block_x2_fn block_x2;
} sha256_impl;

extern const uint32_t sha256_initial_state[8];

void sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks);
void sha256_block_x2_portable(uint32_t state_a[8], const uint8_t *data_a, uint32_t state_b[8], const uint8_t *data_b);

/* The portable C compression, on any CPU. */
extern const sha256_impl sha256_portable;

/* The fastest compression this CPU runs correctly: SHA-NI when present and it passes known answers, else portable. */
sha256_impl sha256_best(void);

/* Whether sha256_best() chose the SHA-NI path. */
int sha256_uses_sha_ni(void);

#endif

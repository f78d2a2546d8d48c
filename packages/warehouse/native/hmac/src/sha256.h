/* SHA-256 compression (FIPS 180-4), self-contained: a portable C path and an x86 SHA-NI path chosen at run time. */
#ifndef DATA_EXPORTER_SHA256_H
#define DATA_EXPORTER_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* Runs `blocks` 64-byte blocks of `data` through the compression function, updating `state` (8 words, host order). */
typedef void (*sha256_blocks_fn)(uint32_t state[8], const uint8_t *data, size_t blocks);

extern const uint32_t sha256_initial_state[8];

void sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks);

/* The fastest compression this CPU runs correctly: SHA-NI when present and it passes a known answer, else portable. */
sha256_blocks_fn sha256_best_blocks(void);

/* Whether sha256_best_blocks() chose the SHA-NI path. */
int sha256_uses_sha_ni(void);

#endif

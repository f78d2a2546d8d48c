/*
 * DuckDB loadable extension `hmac` (stable C extension API): hmac_sha256_hex(value VARCHAR, key BLOB) -> VARCHAR,
 * the lower-case hex HMAC-SHA256 of the value's UTF-8 bytes, equal to node's
 * createHmac("sha256", key).update(value).digest("hex"). NULL value or key gives NULL.
 *
 * Why native: DuckDB's SQL `sha256` composition of the same HMAC costs four software SHA-256 blocks plus hex round
 * trips per value; here the key's padded blocks are compressed once per chunk (the key is a constant), leaving two
 * blocks per short value, on SHA-NI when the CPU has it.
 * hmac_sha256_hex_portable is the same function forced onto the portable C compression, so tests check both paths.
 */
#define DUCKDB_EXTENSION_NAME hmac
#include "duckdb_extension.h"

#include <string.h>

#include "hmac_sha256.h"

/* The API table the entrypoint fills in (DUCKDB_EXTENSION_GLOBAL, expanded by DUCKDB_EXTENSION_ENTRYPOINT below). */
DUCKDB_EXTENSION_EXTERN

static sha256_impl best;

/* duckdb_string_t's documented layout: up to 12 bytes inline, else a pointer (no API call per row). */
static inline const uint8_t *string_bytes(duckdb_string_t *s, uint32_t *length) {
	*length = s->value.inlined.length;
	return *length <= 12 ? (const uint8_t *)s->value.inlined.inlined : (const uint8_t *)s->value.pointer.ptr;
}

/* A row waiting for a partner, so that two rows under the same key are hashed together. */
typedef struct {
	idx_t row;
	const uint8_t *bytes;
	uint32_t length;
} pending_row;

static inline void hmac_chunk(duckdb_data_chunk input, duckdb_vector output, const sha256_impl *impl) {
	idx_t rows = duckdb_data_chunk_get_size(input);
	duckdb_vector values = duckdb_data_chunk_get_vector(input, 0);
	duckdb_vector keys = duckdb_data_chunk_get_vector(input, 1);
	duckdb_string_t *value_data = (duckdb_string_t *)duckdb_vector_get_data(values);
	duckdb_string_t *key_data = (duckdb_string_t *)duckdb_vector_get_data(keys);
	uint64_t *value_validity = duckdb_vector_get_validity(values);
	uint64_t *key_validity = duckdb_vector_get_validity(keys);
	uint64_t *output_validity = NULL;

	/* The key of the row before: reused while the next row's key has the same bytes (the usual constant key). */
	hmac_sha256_key prepared;
	const uint8_t *prepared_bytes = NULL;
	uint32_t prepared_length = 0;
	pending_row pending;
	int has_pending = 0;
	char hex[64], hex_pending[64];

	for (idx_t row = 0; row < rows; row++) {
		if (!duckdb_validity_row_is_valid(value_validity, row) || !duckdb_validity_row_is_valid(key_validity, row)) {
			if (output_validity == NULL) {
				duckdb_vector_ensure_validity_writable(output);
				output_validity = duckdb_vector_get_validity(output);
			}
			duckdb_validity_set_row_invalid(output_validity, row);
			continue;
		}
		uint32_t key_length;
		const uint8_t *key_bytes = string_bytes(&key_data[row], &key_length);
		if (prepared_bytes == NULL || key_length != prepared_length ||
		    (key_bytes != prepared_bytes && memcmp(key_bytes, prepared_bytes, key_length) != 0)) {
			if (has_pending) {
				/* The waiting row belongs to the old key: hash it alone before the key changes. */
				hmac_sha256_hex(&prepared, pending.bytes, pending.length, hex_pending, impl);
				duckdb_vector_assign_string_element_len(output, pending.row, hex_pending, sizeof hex_pending);
				has_pending = 0;
			}
			hmac_sha256_key_init(&prepared, key_bytes, key_length, impl);
			prepared_bytes = key_bytes;
			prepared_length = key_length;
		}
		uint32_t value_length;
		const uint8_t *value_bytes = string_bytes(&value_data[row], &value_length);
		if (!has_pending) {
			pending = (pending_row){row, value_bytes, value_length};
			has_pending = 1;
			continue;
		}
		hmac_sha256_hex_x2(&prepared, pending.bytes, pending.length, hex_pending, value_bytes, value_length, hex, impl);
		duckdb_vector_assign_string_element_len(output, pending.row, hex_pending, sizeof hex_pending);
		duckdb_vector_assign_string_element_len(output, row, hex, sizeof hex);
		has_pending = 0;
	}
	if (has_pending) {
		hmac_sha256_hex(&prepared, pending.bytes, pending.length, hex_pending, impl);
		duckdb_vector_assign_string_element_len(output, pending.row, hex_pending, sizeof hex_pending);
	}
}

static void hmac_sha256_hex_best(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
	(void)info;
	hmac_chunk(input, output, &best);
}

static void hmac_sha256_hex_portable(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
	(void)info;
	hmac_chunk(input, output, &sha256_portable);
}

/* Which compression hmac_sha256_hex runs here ('sha-ni' or 'portable'), for tests and diagnostics. */
static void hmac_sha256_backend(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
	(void)info;
	const char *name = sha256_uses_sha_ni() ? "sha-ni" : "portable";
	idx_t rows = duckdb_data_chunk_get_size(input);
	for (idx_t row = 0; row < rows; row++) duckdb_vector_assign_string_element_len(output, row, name, strlen(name));
}

static bool register_function(duckdb_connection connection, const char *name, duckdb_scalar_function_t body,
                              int hmac_parameters) {
	duckdb_scalar_function function = duckdb_create_scalar_function();
	duckdb_scalar_function_set_name(function, name);
	duckdb_logical_type varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
	duckdb_logical_type blob = duckdb_create_logical_type(DUCKDB_TYPE_BLOB);
	if (hmac_parameters) {
		duckdb_scalar_function_add_parameter(function, varchar);
		duckdb_scalar_function_add_parameter(function, blob);
	}
	duckdb_scalar_function_set_return_type(function, varchar);
	duckdb_destroy_logical_type(&varchar);
	duckdb_destroy_logical_type(&blob);
	duckdb_scalar_function_set_function(function, body);
	bool ok = duckdb_register_scalar_function(connection, function) == DuckDBSuccess;
	duckdb_destroy_scalar_function(&function);
	return ok;
}

DUCKDB_EXTENSION_ENTRYPOINT(duckdb_connection connection, duckdb_extension_info info,
                            struct duckdb_extension_access *access) {
	best = sha256_best();
	if (!register_function(connection, "hmac_sha256_hex", hmac_sha256_hex_best, 1) ||
	    !register_function(connection, "hmac_sha256_hex_portable", hmac_sha256_hex_portable, 1) ||
	    !register_function(connection, "hmac_sha256_backend", hmac_sha256_backend, 0)) {
		access->set_error(info, "hmac: registering the scalar functions failed");
		return false;
	}
	return true;
}

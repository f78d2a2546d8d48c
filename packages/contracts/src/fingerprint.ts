import avsc from "avsc";

/**
 * Hex SHA-256 of a schema's Parsing Canonical Form: the `schema-fingerprint` header. The generator fingerprints
 * current and previous schemas with this same function, so headers written by any version match the tables.
 */
export function schemaFingerprint(schema: unknown): string {
  // avsc may annotate the schema object it parses; the embedded schemas are shared constants.
  return avsc.Type.forSchema(structuredClone(schema) as avsc.Schema)
    .fingerprint("sha256")
    .toString("hex");
}

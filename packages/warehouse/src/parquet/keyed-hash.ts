import { createHash } from "node:crypto";

const BLOCK = 64;

/**
 * HMAC-SHA256 split into its two padded keys, so DuckDB can compute a standard HMAC with its built-in `sha256`
 * inside the unloader: HMAC(k, m) = H((k ^ opad) || H((k ^ ipad) || m)). The pads are key material: they never go
 * into SQL sent to the warehouse. The result equals
 * `createHmac("sha256", key).update(text).digest("hex")`, so anyone holding the key can reproduce a hash.
 */
export interface HmacPads {
  readonly innerHex: string;
  readonly outerHex: string;
}

export function hmacSha256Pads(key: string): HmacPads {
  let keyBytes = Buffer.from(key, "utf8");
  if (keyBytes.length > BLOCK) keyBytes = createHash("sha256").update(keyBytes).digest();
  const inner = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK, 0x5c);
  for (let i = 0; i < keyBytes.length; i++) {
    inner[i] = 0x36 ^ keyBytes[i]!;
    outer[i] = 0x5c ^ keyBytes[i]!;
  }
  return { innerHex: inner.toString("hex"), outerHex: outer.toString("hex") };
}

/**
 * The DuckDB projection over a classified selection's rows: each KEYED_HASH column (which the warehouse returned
 * as text) becomes hex HMAC-SHA256 with the pads; NULL stays NULL. `secrets` lists the key material it contains.
 */
export function keyedHashProjection(
  columns: readonly { readonly name: string; readonly treatment: string }[],
  hashKey: string,
  quote: (name: string) => string,
  /**
   * The DuckDB instance has the native hmac extension loaded (packages/warehouse/native/hmac): the same HMAC at
   * about a ninth of the CPU of the SQL composition, which costs four software SHA-256 blocks and two hex round trips
   * per value (docs/parquet-path.md).
   */
  nativeHmac = false,
): { outer: string; secrets: readonly string[] } {
  if (nativeHmac) {
    const keyHex = Buffer.from(hashKey, "utf8").toString("hex");
    const outer = columns.map((c) => {
      const ref = quote(c.name);
      return c.treatment === "KEYED_HASH" ? `hmac_sha256_hex(${ref}, unhex('${keyHex}')) AS ${ref}` : ref;
    });
    return { outer: outer.join(", "), secrets: [keyHex] };
  }
  const pads = hmacSha256Pads(hashKey);
  const outer = columns.map((c) => {
    const ref = quote(c.name);
    return c.treatment === "KEYED_HASH"
      ? `sha256(unhex('${pads.outerHex}') || unhex(sha256(unhex('${pads.innerHex}') || encode(${ref})))) AS ${ref}`
      : ref;
  });
  return { outer: outer.join(", "), secrets: [pads.innerHex, pads.outerHex] };
}

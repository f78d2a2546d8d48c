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

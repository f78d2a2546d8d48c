import type { ClassificationPolicy, ClassificationRules, ExportTableConfig } from "./types.js";

export interface ConfigVersionInput {
  readonly tables: readonly ExportTableConfig[];
  readonly rules: ClassificationRules;
  /** Include it when the policy can differ between deployments: it changes plans as much as the rules do. */
  readonly policy?: ClassificationPolicy | undefined;
}

/**
 * A stable version of the export configuration for `configVersion`: `cfg-` and the 64-bit FNV-1a hash (hex) of a
 * canonical JSON form. Object key order and the order of tables and rules do not matter (a DynamoDB scan does not
 * promise one); any change of content does. Deny-pattern order is kept, because the first match names the audit rule.
 * Not a cryptographic hash: it identifies a configuration, it does not protect one.
 */
export function computeConfigVersion(input: ConfigVersionInput): string {
  const canonicalForm = [
    "v1",
    unorderedList(input.tables),
    unorderedList(input.rules.columns),
    unorderedList(input.rules.sources),
    unorderedList(input.rules.metrics),
    input.policy === undefined ? "null" : canonicalJson(input.policy),
  ].join("\n");
  return `cfg-${fnv1a64(canonicalForm)}`;
}

function unorderedList(items: readonly unknown[]): string {
  return `[${items
    .map(canonicalJson)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(",")}]`;
}

/** JSON with object keys sorted and undefined properties left out, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const entries = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * FNV-1a, 64 bits, over the UTF-8 bytes of the text; 16 lower-case hex digits. The 64-bit state is kept in four
 * 16-bit limbs (BigInt was ~10x slower on large rule sets); the prime 2^40 + 0x1b3 is applied as h * 0x1b3 + (h << 40).
 */
export function fnv1a64(text: string): string {
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  const mix = (byte: number): void => {
    h0 ^= byte;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  };
  forEachUtf8Byte(text, mix);
  return [h3, h2, h1, h0].map((limb) => limb.toString(16).padStart(4, "0")).join("");
}

// Hand-rolled so the package needs no TextEncoder (a platform global, not part of the language).
function forEachUtf8Byte(text: string, visit: (byte: number) => void): void {
  for (const character of text) {
    const point = character.codePointAt(0) as number;
    if (point < 0x80) {
      visit(point);
    } else if (point < 0x800) {
      visit(0xc0 | (point >> 6));
      visit(0x80 | (point & 0x3f));
    } else if (point < 0x10000) {
      visit(0xe0 | (point >> 12));
      visit(0x80 | ((point >> 6) & 0x3f));
      visit(0x80 | (point & 0x3f));
    } else {
      visit(0xf0 | (point >> 18));
      visit(0x80 | ((point >> 12) & 0x3f));
      visit(0x80 | ((point >> 6) & 0x3f));
      visit(0x80 | (point & 0x3f));
    }
  }
}

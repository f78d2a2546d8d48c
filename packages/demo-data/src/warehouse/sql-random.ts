/**
 * Deterministic pseudo-random numbers inside PostgreSQL: a value is a pure function of (seed, salt, key), so the
 * generator needs no state and any row can be computed on its own, in any order, in one INSERT ... SELECT.
 * hashint8extended is the hash behind hash partitioning, which PostgreSQL keeps stable across releases and platforms.
 */

/** One salt per independent random choice; changing one changes the data (bump the generator version). */
export const salts = Object.freeze({
  roadClass: 1,
  wayLength: 2,
  wayName: 3,
  wayNameSuffix: 4,
  wayPoints: 5,
  wayLon: 6,
  wayLat: 7,
  wayDirLon: 8,
  wayDirLat: 9,
  wayJitter: 10,
  wayEmail: 11,
  wayEmailNull: 12,
  wayCreated: 13,
  cctvWay: 20,
  cctvLat: 21,
  cctvLon: 22,
  cctvEmail: 23,
  cctvStreamNull: 24,
  cctvInstalled: 25,
  obsJitter: 30,
  obsSource: 31,
  obsSpeed: 32,
  obsSpeedNull: 33,
  obsTravelNull: 34,
  obsProbeCount: 35,
  obsProbeNull: 36,
  obsVehicle: 37,
  obsConfidence: 38,
  obsConfidenceNull: 39,
  longJitter: 40,
  longSource: 41,
  longValue: 42,
  longValueNull: 43,
  auditTime: 50,
  auditActor: 51,
  auditAction: 52,
});

export type Salt = keyof typeof salts;

/** SQL expression of a uniform double in [0, 1) for the integer SQL expression `key`. */
export function uniform(seed: number, salt: Salt, key: string): string {
  // 52 low bits of the 64-bit hash, divided by 2^52: every value exactly representable, never 1.
  return `((hashint8extended((${key})::int8, ${seed * 1000 + salts[salt]}::int8) & 4503599627370495)::float8 / 4503599627370496.0)`;
}

/** SQL expression of a uniform integer in [0, n). */
export function uniformInt(seed: number, salt: Salt, key: string, n: number): string {
  return `floor(${uniform(seed, salt, key)} * ${n})::int`;
}

/** SQL text array literal of plain ASCII words (no quoting needed, checked). */
export function textArray(values: readonly string[]): string {
  for (const v of values) if (!/^[A-Za-z0-9_ .:/@-]*$/.test(v)) throw new Error(`unsafe literal ${v}`);
  return `ARRAY[${values.map((v) => `'${v}'`).join(", ")}]::text[]`;
}

/** Picks from an array by a weighted uniform draw: CASE over cumulative shares. */
export function weightedPick(
  u: string,
  choices: readonly { readonly value: string; readonly share: number }[],
): string {
  let cumulative = 0;
  const branches = choices.slice(0, -1).map((c) => {
    cumulative += c.share;
    return `WHEN ${u} < ${cumulative} THEN '${c.value}'`;
  });
  return `CASE ${branches.join(" ")} ELSE '${choices[choices.length - 1]?.value ?? ""}' END`;
}

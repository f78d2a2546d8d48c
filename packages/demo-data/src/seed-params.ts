import { DemoParamsInvalidError } from "./errors.js";

/** What to generate. Equal parameters always give byte-identical tables. */
export interface SeedParams {
  /** First Melbourne calendar day, YYYY-MM-DD; data starts at its local midnight. */
  readonly startDate: string;
  /** Number of Melbourne calendar days covered (23-, 24- or 25-hour days around DST changes). */
  readonly days: number;
  /** Rows of `way`; `cctv` gets ceil(ways / 4) cameras. */
  readonly ways: number;
  /** `traffic_observation` rows per way per hour (evenly spaced slots, jittered inside each slot). */
  readonly observationsPerWayPerHour: number;
  /** Integer seed of every pseudo-random choice. */
  readonly seed: number;
}

/** Starts the day before Melbourne's DST end (2024-04-07 has 25 hours), so day-boundary bugs show. */
export const defaultSeedParams: SeedParams = Object.freeze({
  startDate: "2024-04-06",
  days: 2,
  ways: 100,
  observationsPerWayPerHour: 4,
  seed: 1,
});

/** Named sizes: `tiny` for tests, `bench` for about a million traffic rows in one day. */
export const demoScales = Object.freeze({
  tiny: Object.freeze({ ...defaultSeedParams, ways: 20, observationsPerWayPerHour: 2 }),
  default: defaultSeedParams,
  bench: Object.freeze({
    ...defaultSeedParams,
    startDate: "2024-05-01",
    days: 1,
    ways: 1000,
    observationsPerWayPerHour: 42,
  }),
} satisfies Record<string, SeedParams>);

export const defaultDemoSchema = "pm_internal";

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const maxTrafficRows = 200_000_000;

function integerIn(problems: string[], name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    problems.push(`${name} must be an integer in [${min}, ${max}], got ${value}`);
}

/** Checks every parameter and reports all problems at once; the values end up in SQL text, so this is strict. */
export function validateSeedParams(params: SeedParams, schema: string): void {
  const problems: string[] = [];
  if (
    !datePattern.test(params.startDate) ||
    Number.isNaN(Date.parse(`${params.startDate}T00:00:00Z`)) ||
    new Date(`${params.startDate}T00:00:00Z`).toISOString().slice(0, 10) !== params.startDate
  ) {
    problems.push(`startDate must be a calendar date YYYY-MM-DD, got ${JSON.stringify(params.startDate)}`);
  }
  integerIn(problems, "days", params.days, 1, 366);
  integerIn(problems, "ways", params.ways, 1, 1_000_000);
  integerIn(problems, "observationsPerWayPerHour", params.observationsPerWayPerHour, 1, 3600);
  integerIn(problems, "seed", params.seed, 0, 2_147_483_647);
  if (params.ways * params.observationsPerWayPerHour * params.days * 25 > maxTrafficRows) {
    problems.push(`ways × observationsPerWayPerHour × hours exceeds ${maxTrafficRows} traffic rows`);
  }
  if (!schemaPattern.test(schema))
    problems.push(`schema must match ${schemaPattern.source}, got ${JSON.stringify(schema)}`);
  if (problems.length > 0) throw new DemoParamsInvalidError(problems);
}

/** The parameters exactly as compared with the marker table (fixed key order). */
export function canonicalParams(params: SeedParams): SeedParams {
  const { startDate, days, ways, observationsPerWayPerHour, seed } = params;
  return { startDate, days, ways, observationsPerWayPerHour, seed };
}

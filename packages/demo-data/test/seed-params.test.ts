import { describe, expect, it } from "@jest/globals";
import {
  DemoParamsInvalidError,
  defaultSeedParams,
  demoScales,
  seedWarehouse,
  validateSeedParams,
} from "../src/index.js";

describe("seed parameters", () => {
  it("accepts every named scale", () => {
    for (const scale of Object.values(demoScales)) expect(() => validateSeedParams(scale, "pm_internal")).not.toThrow();
  });

  it("lists every bad parameter at once", () => {
    const bad = { startDate: "2024-02-30", days: 0, ways: 1.5, observationsPerWayPerHour: -1, seed: -3 };
    let error: unknown;
    try {
      validateSeedParams(bad, "Bad-Schema");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DemoParamsInvalidError);
    expect((error as DemoParamsInvalidError).problems.map((p) => p.split(" ")[0])).toEqual([
      "startDate",
      "days",
      "ways",
      "observationsPerWayPerHour",
      "seed",
      "schema",
    ]);
  });

  it("rejects bad parameters before touching the database", async () => {
    const pool = { connect: () => Promise.reject(new Error("must not connect")) };
    await expect(
      seedWarehouse(pool, { ...defaultSeedParams, schema: 'x"; DROP SCHEMA public; --' }),
    ).rejects.toBeInstanceOf(DemoParamsInvalidError);
  });
});

import { describe, expect, it } from "@jest/globals";
import { ConfigError, loadConfig } from "@data-exporter/runtime";
import { configSchema } from "../src/config.js";

const base = {
  KAFKA_BROKERS: "127.0.0.1:9092",
  WAREHOUSE_URL: "postgres://u@h/w",
  DATABASE_URL: "postgres://u@h/e",
  EXPORT_BUCKET: "b",
};

describe("planner config: PII_DENY_PATTERNS", () => {
  it("takes a JSON array, so a regex may hold commas", () => {
    expect(
      loadConfig(configSchema, { ...base, PII_DENY_PATTERNS: '["ssn", "\\\\d{2,4}_id"]' }).PII_DENY_PATTERNS,
    ).toEqual(["ssn", "\\d{2,4}_id"]);
    expect(loadConfig(configSchema, base).PII_DENY_PATTERNS).toEqual([]);
  });

  it("names the variable when it is not an array of strings", () => {
    expect(() => loadConfig(configSchema, { ...base, PII_DENY_PATTERNS: "ssn,tfn" })).toThrow(ConfigError);
    expect(() => loadConfig(configSchema, { ...base, PII_DENY_PATTERNS: "[1]" })).toThrow(
      /PII_DENY_PATTERNS: must be a JSON array/,
    );
  });
});

import { describe, expect, it } from "@jest/globals";
import { ConfigError, loadConfig } from "@data-exporter/runtime";
import { configSchema } from "../src/config.js";

const base = {
  KAFKA_BROKERS: "127.0.0.1:9092",
  WAREHOUSE_URL: "postgres://u@h/w",
  DATABASE_URL: "postgres://u@h/e",
  EXPORT_BUCKET: "b",
  COMMAND_SIGNING_SECRET_ID: "data-exporter/command-signing",
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

describe("planner config: command signing", () => {
  it("requires the signing secret, and refreshes it every five minutes unless told otherwise", () => {
    expect(() => loadConfig(configSchema, { ...base, COMMAND_SIGNING_SECRET_ID: undefined })).toThrow(
      /COMMAND_SIGNING_SECRET_ID: is required but not set/,
    );
    expect(loadConfig(configSchema, base).COMMAND_SIGNING_KEY_REFRESH_MS).toBe(300_000);
    expect(() => loadConfig(configSchema, { ...base, COMMAND_SIGNING_KEY_REFRESH_MS: "10" })).toThrow(
      /COMMAND_SIGNING_KEY_REFRESH_MS/,
    );
  });
});

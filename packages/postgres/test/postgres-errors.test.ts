import { describe, expect, it } from "@jest/globals";
import { isRetryablePostgresError, isSchemaName, sqlstateOf } from "../src/index.js";

const pgError = (code: string): Error => Object.assign(new Error(`failed (${code})`), { code });

describe("isRetryablePostgresError", () => {
  it("retries connection loss, shutdowns, resource limits, serialization failures and failover", () => {
    for (const code of [
      "08006",
      "08001",
      "57P01",
      "57P03",
      "53300",
      "40001",
      "40P01",
      "25006",
      "58030",
      "XX000",
      "28P01",
    ])
      expect([code, isRetryablePostgresError(pgError(code))]).toEqual([code, true]);
  });

  it("retries failures that carry no SQLSTATE (a dropped socket, a pool timeout, a network code)", () => {
    expect(isRetryablePostgresError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isRetryablePostgresError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isRetryablePostgresError(new Error("timeout exceeded when trying to connect"))).toBe(true);
  });

  it("does not retry a statement the database rejected", () => {
    for (const code of ["22012", "23505", "42P01", "42501", "0A000", "25001", "3D000", "3F000", "2BP01"])
      expect([code, isRetryablePostgresError(pgError(code))]).toEqual([code, false]);
  });
});

describe("sqlstateOf", () => {
  it("reads a five-character SQLSTATE and nothing else", () => {
    expect(sqlstateOf(pgError("42P01"))).toBe("42P01");
    expect(sqlstateOf(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBeNull();
    expect(sqlstateOf(null)).toBeNull();
  });
});

describe("isSchemaName", () => {
  it("accepts plain lower-case identifiers only", () => {
    expect(isSchemaName("de_internal")).toBe(true);
    for (const bad of ["DE", "a-b", 'x"; drop', "", "1abc", "a".repeat(64)]) expect(isSchemaName(bad)).toBe(false);
  });
});

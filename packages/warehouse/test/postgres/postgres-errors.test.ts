import { describe, expect, it } from "@jest/globals";
import { fromDuckDbError, redact } from "../../src/postgres/postgres-errors.js";

describe("redact", () => {
  it("removes the quoted SQL, the URL password and every secret", () => {
    const message =
      `Invalid Error: Failed to prepare COPY "COPY (SELECT decode('abcd1234', 'hex') FROM x) TO STDOUT (FORMAT "binary");": ERROR:  column "nope" does not exist\n` +
      `LINE 1: select nope\n               ^\n at "postgresql://exporter:pw123@db:5432/x" password=pw123 abcd1234`;
    const text = redact(message, ["abcd1234"]);
    expect(text).toBe(
      `Invalid Error: Failed to prepare COPY <query>: ERROR: column "nope" does not exist at "postgresql://exporter:***@db:5432/x" password=*** ***`,
    );
  });
});

describe("fromDuckDbError", () => {
  it("marks connection failures retryable and SQL errors not", () => {
    const down = fromDuckDbError(
      new Error(`IO Error: Unable to connect to Postgres at "postgresql://u:pw@h:1/d": Connection refused`),
      "connecting",
      [],
    );
    expect(down).toMatchObject({ errorKind: "WAREHOUSE_QUERY", retryable: true });
    expect(down.message).not.toContain("pw@");
    const sql = fromDuckDbError(
      new Error(`Invalid Error: Failed to prepare COPY "COPY (…)": ERROR:  division by zero`),
      "exporting",
      [],
    );
    expect(sql).toMatchObject({ errorKind: "WAREHOUSE_QUERY", retryable: false });
    expect(fromDuckDbError(new Error(`ERROR: relation "s.t" does not exist`), "x", [])).toMatchObject({
      code: "TABLE_NOT_FOUND",
    });
  });

  it("keeps no raw cause that a logger could print with the key's pads in it", () => {
    const pad = "5c".repeat(64);
    const raw = new Error(`Binder Error: Failed to execute "SELECT sha256(unhex('${pad}'))": boom`);
    const error = fromDuckDbError(raw, "exporting", [pad]);
    expect(error.cause).not.toBe(raw);
    expect(String((error.cause as Error).message)).not.toContain(pad);
    expect(JSON.stringify({ message: error.message, cause: (error.cause as Error).message })).not.toContain(pad);
  });
});

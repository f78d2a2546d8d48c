import { describe, expect, it } from "@jest/globals";
import { readHeaders } from "../src/headers.js";

describe("readHeaders", () => {
  it("turns kafkajs header values into strings, keeping the last of repeated ones", () => {
    expect(readHeaders({ a: Buffer.from("x"), b: "y", c: [Buffer.from("1"), "2"], d: undefined })).toEqual({
      a: "x",
      b: "y",
      c: "2",
    });
    expect(readHeaders(undefined)).toEqual({});
  });
});

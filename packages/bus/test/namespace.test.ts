import { describe, expect, it } from "@jest/globals";
import { BusError } from "../src/index.js";
import { checkNamespace, namespacedTopic } from "../src/namespace.js";

describe("topic namespace", () => {
  it("prefixes topic names and allows none", () => {
    expect(namespacedTopic(checkNamespace("t-3f9a."), "data-exporter.dlq.v1")).toBe("t-3f9a.data-exporter.dlq.v1");
    expect(checkNamespace(undefined)).toBe("");
  });

  it("rejects characters Kafka does not allow in topic names", () => {
    expect(() => checkNamespace("a/b")).toThrow(BusError);
    expect(() => checkNamespace("x".repeat(101))).toThrow(expect.objectContaining({ code: "INVALID_NAMESPACE" }));
  });
});

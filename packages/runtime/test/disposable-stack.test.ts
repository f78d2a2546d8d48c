import { describe, expect, it } from "@jest/globals";
import { AsyncResourceStack } from "../src/index.js";

describe("AsyncResourceStack", () => {
  it("disposes in reverse order and keeps going after a failure", async () => {
    const order: string[] = [];
    const stack = new AsyncResourceStack();
    stack.defer(() => void order.push("first"));
    stack.defer(() => {
      order.push("second");
      throw new Error("boom");
    });
    stack.defer(async () => {
      await Promise.resolve();
      order.push("third");
    });
    await expect(stack.disposeAsync()).rejects.toThrow("boom");
    expect(order).toEqual(["third", "second", "first"]);
    await stack.disposeAsync();
    expect(order).toHaveLength(3);
  });
});

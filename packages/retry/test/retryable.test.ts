import { describe, expect, it } from "@jest/globals";
import { isNetworkError, isRetryable } from "../src/index.js";

const withCode = (code: string, message = "failed"): Error => Object.assign(new Error(message), { code });

describe("isRetryable", () => {
  it("lets an error that classifies itself decide", () => {
    expect(isRetryable(Object.assign(new Error("outage"), { retryable: true }))).toBe(true);
    expect(isRetryable(Object.assign(new Error("bad input"), { retryable: false }))).toBe(false);
    // kafkajs spells it `retriable`.
    expect(isRetryable(Object.assign(new Error("not leader"), { retriable: false }))).toBe(false);
    // An explicit `retryable: false` wins over a network code.
    expect(isRetryable(Object.assign(withCode("ECONNRESET"), { retryable: false }))).toBe(false);
  });

  it("retries what nobody classified: a network failure, a defect, a thrown string", () => {
    expect(isRetryable(withCode("ECONNRESET"))).toBe(true);
    expect(isRetryable(new TypeError("x is undefined"))).toBe(true);
    expect(isRetryable("boom")).toBe(true);
    expect(isRetryable(null)).toBe(true);
  });
});

describe("isNetworkError", () => {
  it("finds a network code on the error, on its cause chain, or named in a re-wrapped message", () => {
    expect(isNetworkError(withCode("ENETUNREACH"))).toBe(true);
    expect(isNetworkError(new Error("request failed", { cause: withCode("EAI_AGAIN") }))).toBe(true);
    expect(isNetworkError(new Error("connect ECONNREFUSED 127.0.0.1:4566"))).toBe(true);
  });

  it("is false for other errors, and stops on a cause that points to itself", () => {
    expect(isNetworkError(withCode("23505"))).toBe(false);
    expect(isNetworkError(new Error("ECONNRESETS are fine"))).toBe(false);
    const looped = new Error("loop") as Error & { cause?: unknown };
    looped.cause = looped;
    expect(isNetworkError(looped)).toBe(false);
    expect(isNetworkError(undefined)).toBe(false);
  });
});

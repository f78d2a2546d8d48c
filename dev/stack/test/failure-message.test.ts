import { describe, expect, it } from "@jest/globals";
import { StackError } from "../errors.js";
import { formatFailure, wantsStackTraces } from "../failure-message.js";

describe("formatFailure", () => {
  const commandFailed = new StackError("COMMAND_FAILED", "java kafka.tools.StorageTool format failed (exit 1):\nboom", {
    logFile: "/repo/.local/test/logs/kafka-format.log",
  });
  const provision = new StackError("PROVISION_FAILED", "local stack not provisioned (kafka failed)\nkafka: boom", {
    cause: commandFailed,
    component: "kafka",
  });

  it("says what failed, the log to read and what to do, without a stack trace", () => {
    const text = formatFailure("stack up", provision, { verbose: false });
    expect(text.split("\n")[0]).toBe("stack up: local stack not provisioned (kafka failed)");
    expect(text).toContain("log: /repo/.local/test/logs/kafka-format.log");
    expect(text).toContain("what to do: fix the first failure above");
    expect(text).toContain("DEBUG=1 or --verbose");
    expect(text).not.toMatch(/^\s+at /m);
  });

  it("does not repeat a log the message already shows", () => {
    const shown = new StackError("NOT_READY", "kafka not ready\n--- last lines of /x/kafka.log:\n...", {
      logFile: "/x/kafka.log",
    });
    expect(formatFailure("npm test", shown, { verbose: false })).not.toContain("log: /x/kafka.log");
  });

  it("shows the stack traces of the error and its causes when asked", () => {
    const text = formatFailure("stack up", provision, { verbose: true });
    expect(text).toMatch(/^\s+at /m);
    expect(text).toContain("StackError: java kafka.tools.StorageTool format failed");
    expect(text).not.toContain("DEBUG=1");
  });

  it("formats any error and non-errors", () => {
    expect(
      formatFailure("failed", new Error("DEMO_SCALE must be one of small"), { verbose: false }).split("\n")[0],
    ).toBe("failed: DEMO_SCALE must be one of small");
    expect(formatFailure("failed", "plain", { verbose: false }).split("\n")[0]).toBe("failed: plain");
  });
});

describe("wantsStackTraces", () => {
  it("is --verbose or a DEBUG that is not 0/false", () => {
    expect(wantsStackTraces(["node", "x", "--verbose"], {})).toBe(true);
    expect(wantsStackTraces([], { DEBUG: "1" })).toBe(true);
    expect(wantsStackTraces([], { DEBUG: "0" })).toBe(false);
    expect(wantsStackTraces([], { DEBUG: "false" })).toBe(false);
    expect(wantsStackTraces([], {})).toBe(false);
  });
});

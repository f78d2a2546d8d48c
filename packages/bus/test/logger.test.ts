import { describe, expect, it } from "@jest/globals";
import { logLevel } from "kafkajs";
import type { BusLogger } from "../src/index.js";
import { kafkaLogCreator, kafkaLogLevel } from "../src/logger.js";

describe("kafkajs log mapping", () => {
  it("is silent without a logger and error-only by default with one", () => {
    const logger: BusLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    expect(kafkaLogLevel(undefined)).toBe(logLevel.NOTHING);
    expect(kafkaLogLevel(logger)).toBe(logLevel.ERROR);
    expect(kafkaLogLevel(logger, "debug")).toBe(logLevel.DEBUG);
  });

  it("passes attributes first and the message second, without kafkajs's timestamp", () => {
    const lines: [string, object, string][] = [];
    const logger: BusLogger = {
      debug: (obj, msg) => lines.push(["debug", obj, msg]),
      info: (obj, msg) => lines.push(["info", obj, msg]),
      warn: (obj, msg) => lines.push(["warn", obj, msg]),
      error: (obj, msg) => lines.push(["error", obj, msg]),
    };
    const log = kafkaLogCreator(logger)(logLevel.INFO);
    const entry = (level: logLevel) => ({
      namespace: "Consumer",
      level,
      label: "X",
      log: { timestamp: "t", message: "m", groupId: "g" },
    });
    log(entry(logLevel.ERROR));
    log(entry(logLevel.WARN));
    log(entry(logLevel.INFO));
    log(entry(logLevel.DEBUG));
    expect(lines).toEqual([
      ["error", { groupId: "g", kafkajs: "Consumer" }, "m"],
      ["warn", { groupId: "g", kafkajs: "Consumer" }, "m"],
      ["info", { groupId: "g", kafkajs: "Consumer" }, "m"],
      ["debug", { groupId: "g", kafkajs: "Consumer" }, "m"],
    ]);
  });
});

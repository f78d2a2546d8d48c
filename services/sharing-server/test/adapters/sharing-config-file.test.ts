import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { createLogger } from "@data-exporter/runtime";
import { watchedSharingConfig } from "../../src/adapters/sharing-config-file.js";
import { SharingConfigError } from "../../src/domain/errors.js";

const hash = (c: string): string => c.repeat(64);
const config = (recipients: string[]) => ({
  shares: [{ name: "exports", scheduled: { tables: "*" } }],
  recipients: recipients.map((name, i) => ({
    name,
    tokenSha256: hash(String(i)),
    expiresAt: "2030-01-01T00:00:00Z",
    shares: ["exports"],
  })),
});

function fileWith(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "sharing-config-")), "sharing.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

/** Writes the file and moves its modification time forward (so a change within one second is seen). */
function rewrite(file: string, content: unknown, at: number): void {
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  utimesSync(file, at / 1000, at / 1000);
}

describe("watchedSharingConfig", () => {
  const log = createLogger({ service: "test", level: "silent" });

  it("refuses to start with a file that does not validate, saying why", () => {
    expect(() => watchedSharingConfig(fileWith("{ not json"), log)).toThrow(SharingConfigError);
    expect(() => watchedSharingConfig(fileWith({ shares: [], recipients: [{ name: "x" }] }), log)).toThrow(
      /recipients\.0\.tokenSha256/,
    );
  });

  it("picks up a changed file once the check interval passed, and keeps the last good one after a bad change", () => {
    let now = 1_000_000;
    const file = fileWith(config(["a"]));
    const current = watchedSharingConfig(file, log, () => now);
    expect(current().recipients.map((r) => r.name)).toEqual(["a"]);

    rewrite(file, config(["a", "b"]), Date.now() + 5_000);
    now += 500;
    expect(current().recipients.map((r) => r.name)).toEqual(["a"]);
    now += 2_000;
    expect(current().recipients.map((r) => r.name)).toEqual(["a", "b"]);

    rewrite(file, "{ broken", Date.now() + 10_000);
    now += 2_500;
    expect(current().recipients.map((r) => r.name)).toEqual(["a", "b"]);

    rewrite(file, config(["b"]), Date.now() + 15_000);
    now += 2_500;
    expect(current().recipients.map((r) => r.name)).toEqual(["b"]);
  });
});

import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { createLogger } from "@data-exporter/runtime";
import { watchedSharingConfig } from "../../src/adapters/sharing-config-file.js";
import { SharingConfigError } from "../../src/domain/errors.js";
import { tokenSha256 } from "../../src/domain/recipient-auth.js";

const dir = mkdtempSync(join(tmpdir(), "sharing-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configWith = (recipients: string[]) =>
  JSON.stringify({
    shares: [{ name: "traffic", scheduled: { tables: "*" } }],
    recipients: recipients.map((name) => ({
      name,
      tokenSha256: tokenSha256(`${name}-token`),
      expiresAt: "2027-01-01T00:00:00Z",
      shares: ["traffic"],
    })),
  });

let mtime = 1_700_000_000;
function write(path: string, text: string): void {
  writeFileSync(path, text);
  mtime += 10;
  utimesSync(path, mtime, mtime);
}

const log = createLogger({ service: "sharing-config-test", level: "silent" });

describe("watchedSharingConfig", () => {
  it("refuses to start on a file that does not validate or parse", () => {
    const path = join(dir, "bad.json");
    write(path, configWith([]).replace('"traffic"', '"bad name"'));
    expect(() => watchedSharingConfig(path, log)).toThrow(SharingConfigError);
    write(path, "{");
    expect(() => watchedSharingConfig(path, log)).toThrow(SharingConfigError);
  });

  it("re-reads a changed file after the check interval, and keeps the last good one when a change is bad", () => {
    const path = join(dir, "sharing.json");
    write(path, configWith(["acme"]));
    let clock = 0;
    const config = watchedSharingConfig(path, log, () => clock);
    expect(config().recipients.map((r) => r.name)).toEqual(["acme"]);

    write(path, configWith(["acme", "globex"]));
    clock = 1_000;
    expect(config().recipients.map((r) => r.name)).toEqual(["acme"]);
    clock = 2_000;
    expect(config().recipients.map((r) => r.name)).toEqual(["acme", "globex"]);

    write(path, configWith(["globex"]).replace("2027-01-01T00:00:00Z", "never"));
    clock = 4_000;
    expect(config().recipients.map((r) => r.name)).toEqual(["acme", "globex"]);

    // Revoking acme takes effect with the next good file.
    write(path, configWith(["globex"]));
    clock = 6_000;
    expect(config().recipients.map((r) => r.name)).toEqual(["globex"]);
  });
});

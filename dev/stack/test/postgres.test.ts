import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { repoRoot } from "../paths.js";
import { prepareDataParents } from "../postgres.js";

const mode = (path: string): string => (statSync(path).mode & 0o7777).toString(8);

describe("prepareDataParents", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "stack-postgres-"));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("creates the shared base like /tmp and this checkout's folders traversable by the server user", () => {
    const base = join(root, "data-exporter");
    prepareDataParents(join(base, "wt-0123456789ab", "test", "postgres"));
    expect(mode(base)).toBe("1777");
    expect(mode(join(base, "wt-0123456789ab"))).toBe("755");
    expect(mode(join(base, "wt-0123456789ab", "test"))).toBe("755");
    expect(readFileSync(join(base, "wt-0123456789ab", "checkout"), "utf8")).toBe(`${repoRoot}\n`);
  });

  it("leaves an existing base as it is and is idempotent", () => {
    const base = join(root, "base");
    mkdirSync(base, { mode: 0o755 });
    chmodSync(base, 0o755);
    const dir = join(base, "wt-0123456789ab", "dev", "postgres");
    prepareDataParents(dir);
    prepareDataParents(dir);
    expect(mode(base)).toBe("755");
  });

  it("refuses a checkout folder others can write to", () => {
    const checkout = join(root, "wt-0123456789ab");
    mkdirSync(checkout);
    chmodSync(checkout, 0o777);
    expect(() => prepareDataParents(join(checkout, "dev", "postgres"))).toThrow(/is not this user's own folder/);
  });
});

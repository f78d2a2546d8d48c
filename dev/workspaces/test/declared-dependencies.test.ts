import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { importsOfSource, packageImports, packageNameOf } from "../imports.js";
import { listWorkspaces } from "../workspaces.js";
import { repoRoot } from "../../stack/paths.js";

const workspaces = listWorkspaces();
const lockfile = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; link?: boolean }>;
};

describe("importsOfSource", () => {
  it("finds static, dynamic, re-exported and resolved specifiers, and which are type-only", () => {
    const text = [
      'import { Pool } from "pg";',
      'import type { Kafka } from "kafkajs";',
      'import { type Schema } from "avsc";',
      'export { z } from "zod";',
      'const m = await import("@aws-sdk/client-s3");',
      'const tsx = import.meta.resolve("tsx");',
      'import "./side-effect.js";',
    ].join("\n");
    expect(importsOfSource(text)).toEqual([
      { specifier: "pg", typeOnly: false },
      { specifier: "kafkajs", typeOnly: true },
      { specifier: "avsc", typeOnly: true },
      { specifier: "zod", typeOnly: false },
      { specifier: "@aws-sdk/client-s3", typeOnly: false },
      { specifier: "tsx", typeOnly: false },
      { specifier: "./side-effect.js", typeOnly: false },
    ]);
  });

  it("names the package of a specifier, not a built-in or a relative path", () => {
    expect(packageNameOf("@aws-sdk/client-s3/dist/x.js")).toBe("@aws-sdk/client-s3");
    expect(packageNameOf("pg/lib/x")).toBe("pg");
    expect(packageNameOf("node:fs")).toBeUndefined();
    expect(packageNameOf("fs")).toBeUndefined();
    expect(packageNameOf("../x.js")).toBeUndefined();
  });
});

// The production image installs each service's dependencies alone (npm ci --omit=dev --workspace): a package that
// only the root's devDependencies provide is missing there and the service dies on start.
describe.each(workspaces.map((w) => [w.dir, w] as const))("%s", (dir, workspace) => {
  const imports = packageImports(join(repoRoot, dir));
  const dependencies = workspace.manifest.dependencies ?? {};
  const devDependencies = workspace.manifest.devDependencies ?? {};

  it("declares in dependencies every package its sources import at run time", () => {
    const undeclared = imports
      .filter((i) => !i.typeOnly && i.packageName !== workspace.manifest.name && !(i.packageName in dependencies))
      .map((i) => `${i.packageName} (${i.file})`);
    expect([...new Set(undeclared)]).toEqual([]);
  });

  it("declares every package its sources import only for types", () => {
    const undeclared = imports
      .filter((i) => i.typeOnly && !(i.packageName in dependencies) && !(i.packageName in devDependencies))
      .map((i) => `${i.packageName} (${i.file})`);
    expect([...new Set(undeclared)]).toEqual([]);
  });

  it("pins each registry dependency to the exact version the lockfile installs", () => {
    const mismatched = Object.entries({ ...dependencies, ...devDependencies }).flatMap(([name, range]) => {
      const nested = lockfile.packages[`${dir}/node_modules/${name}`];
      const entry = nested ?? lockfile.packages[`node_modules/${name}`];
      if (entry?.link === true) return []; // a workspace of this repository
      return entry?.version === range ? [] : [`${name}: ${range} declared, ${entry?.version ?? "none"} locked`];
    });
    expect(mismatched).toEqual([]);
  });

  it("has sources to check", () => {
    expect(existsSync(join(repoRoot, dir, "src"))).toBe(true);
  });
});

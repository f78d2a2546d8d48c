import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import { duckdbVersion } from "../../../dev/stack/duckdb-extension.js";
import { repoRoot } from "../../../dev/stack/paths.js";

// No Docker daemon here (nor in CI): the image is never built in the tests, so its structure is checked as text.
const dockerfile = readFileSync(join(repoRoot, "infra/docker/Dockerfile"), "utf8");

interface Stage {
  readonly name: string;
  readonly from: string;
  /** Instructions, continuation lines joined, comments dropped. */
  readonly instructions: string[];
}

function stagesOf(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1] ?? "", name: from[2] ?? `stage${stages.length}`, instructions: [] });
    else stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

const stages = stagesOf(dockerfile);
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no stage ${name} in the Dockerfile`);
  return found;
};
const indexOf = (s: Stage, pattern: RegExp): number => s.instructions.findIndex((i) => pattern.test(i));

describe("infra/docker/Dockerfile", () => {
  it("builds in stages and ends with the runtime image (the default target)", () => {
    expect(stages.map((s) => s.name)).toEqual([
      "duckdb-extension",
      "manifests",
      "deps",
      "build",
      "duckdb-hmac",
      "dev-tools",
      "prod-deps",
      "runtime",
    ]);
  });

  it("keeps only package.json files (and the list of runnable services) in the manifests stage", () => {
    const run = stage("manifests").instructions.find((i) => i.startsWith("RUN ")) ?? "";
    expect(run).toContain("find . -type f ! -name package.json ! -name services.txt -delete");
  });

  it("installs from the lockfile and the manifests before any source is copied (a source change reuses the layer)", () => {
    for (const name of ["deps", "prod-deps"]) {
      const s = stage(name);
      const lockfile = indexOf(s, /^COPY package\.json package-lock\.json \.\/$/);
      const manifests = indexOf(s, /^COPY --from=manifests /);
      const install = indexOf(s, /\bnpm ci\b/);
      expect([lockfile, manifests, install].every((i) => i >= 0)).toBe(true);
      expect(lockfile).toBeLessThan(install);
      expect(manifests).toBeLessThan(install);
      // Nothing but manifests reaches these stages.
      expect(s.instructions.filter((i) => /^COPY /.test(i))).toHaveLength(2);
    }
    expect(stage("build").from).toBe("deps");
    expect(indexOf(stage("build"), /^RUN npm run build\b/)).toBeGreaterThan(indexOf(stage("build"), /^COPY packages /));
  });

  it("runs on node:22-slim with the service's production dependencies only", () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:(22|24)-slim$/m);
    for (const name of ["manifests", "deps", "prod-deps", "runtime"]) expect(stage(name).from).toBe("${NODE_IMAGE}");
    const install = stage("prod-deps").instructions.find((i) => /\bnpm ci\b/.test(i)) ?? "";
    expect(install).toMatch(/npm ci --omit=dev \$\(sed 's\/\^\/--workspace \/' services\.txt/);
    expect(install).toContain('grep -qx "services/${SERVICE}" services.txt');
    // The runtime image takes node_modules from prod-deps only, never from the stages with dev dependencies.
    const copies = stage("runtime").instructions.filter((i) => i.startsWith("COPY"));
    expect(copies).toEqual([
      "COPY --from=prod-deps /app ./",
      "COPY --from=build /out/packages ./packages",
      "COPY --from=build /out/services/${SERVICE} ./services/${SERVICE}",
      "COPY --from=duckdb-extension /postgres_scanner.duckdb_extension /opt/duckdb/postgres_scanner.duckdb_extension",
      "COPY --from=duckdb-hmac /hmac.duckdb_extension /opt/duckdb/hmac.duckdb_extension",
    ]);
    expect(stage("runtime").instructions).toContain("ENV NODE_ENV=production");
  });

  it("ships compiled JavaScript and the status page, not sources or declarations", () => {
    const build = stage("build").instructions.find((i) => i.startsWith("RUN npm run build")) ?? "";
    expect(build).toContain('cp -R "$d/dist" "/out/$d/"');
    expect(build).toContain("-name '*.d.ts'");
    expect(build).toContain("cp -R services/request-api/web /out/services/request-api/web");
    expect(dockerfile).not.toMatch(/\btsx\b.*main\.ts/);
  });

  it("runs the compiled main.js as the non-root node user, node as PID 1", () => {
    const runtime = stage("runtime").instructions;
    const user = indexOf(stage("runtime"), /^USER /);
    expect(runtime[user]).toBe("USER node");
    expect(user).toBe(runtime.length - 2);
    expect(runtime.at(-1)).toBe('CMD ["sh", "-c", "exec node --enable-source-maps services/${SERVICE}/dist/main.js"]');
  });

  it("pins the DuckDB postgres extension wheel by sha256 for the DuckDB version the unloader uses", () => {
    expect(dockerfile).toContain(`ARG DUCKDB_VERSION=${duckdbVersion}`);
    const hashes = [...dockerfile.matchAll(/^ARG DUCKDB_WHEEL_SHA256_\w+=([0-9a-f]+)$/gm)].map((m) => m[1] ?? "");
    expect(hashes.length).toBeGreaterThanOrEqual(1);
    for (const hash of hashes) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const download = stage("duckdb-extension").instructions.find((i) => i.includes("pip download")) ?? "";
    expect(download).toContain("--require-hashes");
    expect(download).toContain("--hash=sha256:${DUCKDB_WHEEL_SHA256_X86_64}");
    expect(download).toContain("--hash=sha256:${DUCKDB_WHEEL_SHA256_AARCH64}");
  });

  it("keeps dependencies, build output and local state out of the build context", () => {
    const ignored = readFileSync(join(repoRoot, "infra/docker/Dockerfile.dockerignore"), "utf8").split("\n");
    expect(ignored).toEqual(expect.arrayContaining(["**/node_modules", "**/dist", ".cache", ".local", ".git"]));
  });

  it("is built with the dev-tools target wherever compose runs TypeScript sources (the runtime has no tsx)", () => {
    const compose = parse(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as {
      services: Record<string, { build?: { target?: string }; command?: string[] }>;
    };
    const fromSources = Object.entries(compose.services).filter(([, s]) => s.command?.includes("tsx") === true);
    expect(fromSources.length).toBeGreaterThan(0);
    for (const [name, service] of fromSources) expect([name, service.build?.target]).toEqual([name, "dev-tools"]);
  });
});

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import {
  firstDemoDay,
  freePort,
  startDeployment,
  startDeploymentGateway,
  type DeploymentGateway,
  type TestDeployment,
} from "../../dev/harness/index.js";

/**
 * The data-exporter CLI as a person or script runs it: the real bin in its own process, against a deployment
 * through its gateway with a minted token. Asserts exit codes and what lands on disk, not timings.
 */
const bin = fileURLToPath(new URL("../../packages/cli/bin/data-exporter.js", import.meta.url));
let deployment: TestDeployment;
let gateway: DeploymentGateway;
let token: string;
let adminToken: string;
let dir: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the bin from a scratch directory (not the checkout: no token file to fall back on). */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "", DATA_EXPORTER_URL: gateway.url, DATA_EXPORTER_TOKEN: token, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  deployment = await startDeployment({ label: "cli" });
  gateway = await startDeploymentGateway(deployment);
  token = gateway.issuer.mint({ sub: "cli-user", roles: [] });
  adminToken = gateway.issuer.mint({ sub: "cli-ops", roles: ["exporter-admin"] });
  dir = await mkdtemp(join(tmpdir(), "data-exporter-cli-"));
}, 240_000);

afterAll(async () => {
  await gateway?.stop();
  await deployment?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("npx data-exporter against a deployment", () => {
  let requestId: string;

  it("requests a window and prints its id", async () => {
    const [start, end] = firstDemoDay(deployment);
    const run = await cli(["request", "--from", new Date(start * 1000).toISOString(), "--to", String(end)]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    requestId = run.stdout.trim();
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("status --watch follows it to Completed with a bar per table and exits 0", async () => {
    const run = await cli(["status", requestId, "--watch", "--interval", "1"]);
    expect(run.code).toBe(0);
    const lastBlock = run.stdout.slice(run.stdout.lastIndexOf(requestId));
    expect(lastBlock).toMatch(new RegExp(`^${requestId} {2}Completed {2}\\[#{20}\\] 100%`));
    expect(lastBlock).toMatch(/\[#{20}\] COMPLETED/);
  }, 180_000);

  it("download writes every file, each matching the SHA-256 of its manifest", async () => {
    const target = join(dir, "files");
    const run = await cli(["download", requestId, "--dir", target, "--json"]);
    expect(run.code).toBe(0);
    const { files } = JSON.parse(run.stdout) as { files: { key: string; path: string; sha256: string }[] };
    const status = JSON.parse((await cli(["status", requestId, "--json"])).stdout) as {
      tables: { files: { key: string; sha256: string }[] }[];
    };
    const expected = status.tables.flatMap((table) => table.files);
    expect(files.map((f) => f.key).sort()).toEqual(expected.map((f) => f.key).sort());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const actual = createHash("sha256")
        .update(await readFile(file.path))
        .digest("hex");
      expect(actual).toBe(expected.find((e) => e.key === file.key)?.sha256);
      expect(file.path.startsWith(target)).toBe(true);
    }
  });

  it("list --json shows it", async () => {
    const run = await cli(["list", "--json", "--status", "completed"]);
    expect(run.code).toBe(0);
    const { exports } = JSON.parse(run.stdout) as { exports: { id: string; status: string }[] };
    expect(exports).toContainEqual(expect.objectContaining({ id: requestId, status: "Completed" }));
  });

  it("links lists a presigned link per file", async () => {
    const run = await cli(["links", requestId, "--json"]);
    expect(run.code).toBe(0);
    const { tables } = JSON.parse(run.stdout) as { tables: { files: { url: string }[] }[] };
    expect(tables.flatMap((t) => t.files).every((f) => f.url.startsWith("http"))).toBe(true);
  });

  it("trigger publishes the scheduled export through the planner's trigger and follows it to Completed", async () => {
    const run = await cli(["trigger", "--date", "2024-04-07", "--json"], {
      ...deployment.serviceEnv,
      DATA_EXPORTER_TOKEN: adminToken,
    });
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { triggered: { exportDate: string }[]; exports: { status: string }[] };
    expect(output.triggered).toEqual([expect.objectContaining({ exportDate: "2024-04-07" })]);
    expect(output.exports).toEqual([expect.objectContaining({ status: "Completed" })]);
  }, 180_000);

  it("exits 2 for a bad argument, naming it", async () => {
    const run = await cli(["request", "--from", "tomorrow", "--to", "1712408400"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--from must be epoch seconds or an ISO-8601 instant/);
  });

  it("exits 1 when the API refuses: someone else's export reads as unknown", async () => {
    const other = gateway.issuer.mint({ sub: "someone-else", roles: [] });
    const run = await cli(["status", requestId], { DATA_EXPORTER_TOKEN: other });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`no export ${requestId}`));
  });

  it("exits 3 with a clear message when the API cannot be reached", async () => {
    const url = `http://127.0.0.1:${await freePort()}/graphql`;
    const run = await cli(["list"], { DATA_EXPORTER_URL: url });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`cannot reach the data-exporter API at ${url}: ECONNREFUSED`);
  });
});

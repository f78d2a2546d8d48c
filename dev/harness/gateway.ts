import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";
import { waitFor } from "@data-exporter/runtime";
import type { RunningService } from "./services.js";

export interface Subgraph {
  readonly name: string;
  readonly url: string;
}

/** Asks each subgraph for its SDL (`_service { sdl }`) and composes a Federation v2 supergraph. */
export async function composeSupergraph(subgraphs: readonly Subgraph[]): Promise<string> {
  const services = await Promise.all(
    subgraphs.map(async ({ name, url }) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ _service { sdl } }" }),
      });
      const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
      const sdl = body.data?._service?.sdl;
      if (!sdl) throw new Error(`subgraph ${name} at ${url} did not return its SDL`);
      return { name, url, typeDefs: parse(sdl) };
    }),
  );
  const result = composeServices(services);
  if (result.errors)
    throw new Error(`supergraph composition failed: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.supergraphSdl;
}

/** Runs @graphql-hive/gateway on a composed supergraph file, as the platform's gateway would serve our subgraph. */
export async function startGateway(options: {
  repoRoot: string;
  subgraphs: readonly Subgraph[];
  supergraphFile: string;
  port: number;
  onLine?: (line: string) => void;
}): Promise<RunningService> {
  await writeFile(options.supergraphFile, await composeSupergraph(options.subgraphs));
  const bin = join(options.repoRoot, "node_modules", ".bin", "hive-gateway");
  const child = spawn(
    bin,
    ["supergraph", options.supergraphFile, "--host", "127.0.0.1", "--port", String(options.port)],
    {
      cwd: options.repoRoot,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on("line", (line) => options.onLine?.(line));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const healthUrl = `http://127.0.0.1:${options.port}`;
  const gateway: RunningService = {
    name: "gateway",
    process: child,
    healthUrl,
    exited,
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
  await Promise.race([
    waitFor(
      "the gateway to answer",
      async () => ((await fetch(`${healthUrl}/readiness`).catch(() => undefined))?.ok ? true : undefined),
      {
        timeoutMs: 60_000,
        intervalMs: 200,
      },
    ),
    exited.then((code) => {
      throw new Error(`the gateway exited with code ${code}`);
    }),
  ]);
  return gateway;
}

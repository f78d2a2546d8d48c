import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";
import { repoRoot } from "../stack/paths.js";
import { forEachLine, runningService, waitUntilReady, type RunningService } from "./services.js";
import { restartingService, type SupervisorOptions } from "./supervisor.js";

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

/**
 * Runs @graphql-hive/gateway on a composed supergraph file, as the platform's gateway would serve our subgraph. With
 * `restart`, a gateway process that dies is started again on the same supergraph (npm start).
 */
export async function startGateway(options: {
  subgraphs: readonly Subgraph[];
  supergraphFile: string;
  port: number;
  onLine?: (line: string) => void;
  restart?: Omit<SupervisorOptions<RunningService>, "name">;
}): Promise<RunningService> {
  await writeFile(options.supergraphFile, await composeSupergraph(options.subgraphs));
  const healthUrl = `http://127.0.0.1:${options.port}`;
  const spawnGateway = (): RunningService => {
    const child = spawn(
      join(repoRoot, "node_modules", ".bin", "hive-gateway"),
      ["supergraph", options.supergraphFile, "--host", "127.0.0.1", "--port", String(options.port)],
      { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    forEachLine([child.stdout, child.stderr], (line) => options.onLine?.(line));
    return runningService(child, { name: "gateway", healthUrl, readyUrl: `${healthUrl}/readiness` }, 10_000);
  };
  const gateway =
    options.restart === undefined
      ? spawnGateway()
      : restartingService(spawnGateway, { name: "gateway", ...options.restart });
  try {
    await waitUntilReady(gateway, 60_000);
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  return gateway;
}

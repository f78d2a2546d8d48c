import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import { dockerEngineCandidates, findDockerEngine, testStackKindOf } from "../containers/docker-engine.js";
import { containerImages, containerNames, containerSpecs, containerStackEnv } from "../containers/specs.js";
import { kafkaVersion } from "../kafka.js";
import { repoRoot } from "../paths.js";
import { stackPorts } from "../ports.js";
import { stackEndpoints, stackEnv } from "../stack.js";

const scratch = mkdtempSync(join(tmpdir(), "containers-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const options = {
  kafkaVersion: "4.1.1",
  ports: stackPorts("test", { STACK_KAFKA_PORT: "29092", STACK_POSTGRES_PORT: "25432", STACK_MOTO_PORT: "25000" }),
  engineHost: "localhost",
  postgresPassword: "p@ss/word",
};

describe("the testcontainers stack's containers", () => {
  it("runs the images docker-compose.yml runs, Kafka at the local stack's version", () => {
    const compose = parse(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8")) as {
      services: Record<string, { image?: string }>;
    };
    const images = containerImages(kafkaVersion);
    for (const name of containerNames) expect(images[name]).toBe(compose.services[name]?.image);
  });

  it("publishes each on the profile's port and has Kafka advertise the address clients reach", () => {
    const specs = containerSpecs(options);
    expect(specs.kafka.port).toEqual({ container: 9092, host: 29092 });
    expect(specs.postgres.port).toEqual({ container: 5432, host: 25432 });
    expect(specs.moto.port).toEqual({ container: 5000, host: 25000 });
    expect(specs.kafka.env.KAFKA_ADVERTISED_LISTENERS?.split(",")).toContain("PLAINTEXT://localhost:29092");
    expect(containerSpecs({ ...options, engineHost: "docker.example" }).kafka.env.KAFKA_ADVERTISED_LISTENERS).toMatch(
      /^PLAINTEXT:\/\/docker\.example:29092,/,
    );
    expect(specs.postgres.env).toEqual({ POSTGRES_PASSWORD: "p@ss/word" });
  });

  it("configures the broker as dev/stack configures the local one", () => {
    // The local broker's settings (dev/stack/kafka.ts serverProperties) that shape what the suite sees.
    const source = readFileSync(join(repoRoot, "dev/stack/kafka.ts"), "utf8");
    const local = [...source.matchAll(/^\s+"([a-z.]+)=([^"$]+)",$/gm)].map(([, key, value]) => [key, value]);
    expect(local.length).toBeGreaterThan(5);
    const env = containerSpecs(options).kafka.env;
    for (const [key, value] of local) {
      if (key === "log.dirs" || key === "node.id" || key === "process.roles" || key?.includes("listener")) continue;
      expect(`${key}=${env[`KAFKA_${key?.toUpperCase().replaceAll(".", "_")}`]}`).toBe(`${key}=${value}`);
    }
  });

  it("points the suite at them with the variables and endpoint shape of the local stack", () => {
    const env = containerStackEnv(options);
    const { endpoints, external } = stackEndpoints("test", env);
    expect(external).toEqual(["kafka", "postgres", "moto"]);
    expect(endpoints.kafkaBrokers).toBe("localhost:29092");
    expect(endpoints.awsEndpointUrl).toBe("http://localhost:25000");
    for (const [url, database] of [
      [endpoints.databaseUrl, "exporter"],
      [endpoints.warehouseUrl, "warehouse"],
      [endpoints.postgresAdminUrl, "postgres"],
    ] as const) {
      const parsed = new URL(url);
      expect([parsed.host, parsed.pathname, decodeURIComponent(parsed.password)]).toEqual([
        "localhost:25432",
        `/${database}`,
        "p@ss/word",
      ]);
    }
    // The Redshift emulator stays a local process on the profile's port.
    expect(endpoints.redshiftDataEndpoint).toBe(stackEndpoints("test", {}).endpoints.redshiftDataEndpoint);
    // Everything but the local broker's secured listener (its e2e test is skipped on containers).
    const secured = ["KAFKA_SECURE_BROKERS", "KAFKA_SECURE_DIR"];
    expect(Object.keys(stackEnv(endpoints)).sort()).toEqual(
      Object.keys(stackEnv(stackEndpoints("test", {}).endpoints))
        .filter((k) => !secured.includes(k))
        .sort(),
    );
  });
});

describe("choosing the stack", () => {
  it("reads TEST_STACK: unset is the local processes, testcontainers the images, anything else refused", () => {
    expect(testStackKindOf(undefined)).toBe("local");
    expect(testStackKindOf("")).toBe("local");
    expect(testStackKindOf("testcontainers")).toBe("testcontainers");
    expect(() => testStackKindOf("docker")).toThrow(/TEST_STACK must be one of local, testcontainers/);
  });

  it("looks where testcontainers looks: DOCKER_HOST alone when set", () => {
    expect(dockerEngineCandidates({ DOCKER_HOST: "tcp://10.0.0.5:2375" }, "/home/u")).toEqual(["tcp://10.0.0.5:2375"]);
    expect(dockerEngineCandidates({ XDG_RUNTIME_DIR: "/run/user/1000" }, "/home/u")).toEqual([
      "unix:///var/run/docker.sock",
      "unix:///home/u/.docker/run/docker.sock",
      "unix:///home/u/.docker/desktop/docker.sock",
      "unix:///run/user/1000/docker.sock",
    ]);
  });

  it("finds an engine that answers /_ping on its socket", async () => {
    const socket = join(scratch, "engine.sock");
    const server: Server = createServer((req, res) => res.writeHead(req.url === "/_ping" ? 200 : 404).end("OK"));
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect(await findDockerEngine({ DOCKER_HOST: `unix://${socket}` }, scratch)).toBe(`unix://${socket}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses a socket file nobody answers on, naming where it looked", async () => {
    const stale = join(scratch, "stale.sock");
    writeFileSync(stale, "");
    await expect(findDockerEngine({ DOCKER_HOST: `unix://${stale}` }, scratch)).rejects.toMatchObject({
      code: "NO_CONTAINER_ENGINE",
      message: expect.stringContaining(`no Docker engine found at unix://${stale}`),
    });
  });

  /** `npm test`'s command itself, as `TEST_STACK=testcontainers npm test` runs it (without the npm ci check). */
  function runTestCommand(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", join(repoRoot, "dev/commands/test.ts")],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  }

  it("stops TEST_STACK=testcontainers npm test at once, with one message and no stack trace, where no engine answers", async () => {
    const missing = `unix://${join(scratch, "no-such.sock")}`;
    const run = await runTestCommand({ TEST_STACK: "testcontainers", DOCKER_HOST: missing, HOME: scratch });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    // Nothing provisioned and no jest run: the one message (as every dev command prints a failure), no stack trace.
    expect(run.stderr.trim().split("\n")).toEqual([
      `[test] npm test: TEST_STACK=testcontainers: no Docker engine found at ${missing} (set DOCKER_HOST to yours); ` +
        "the default local-process stack is what CI runs: unset TEST_STACK to use it",
      "(run with DEBUG=1 or --verbose for the stack trace)",
    ]);
  });

  // Without DOCKER_HOST it looks in the usual places; on a machine with Docker this would start containers.
  const noDockerHere = !["/var/run/docker.sock", join(scratch, ".docker/run/docker.sock")].some((p) => {
    try {
      readFileSync(p);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code !== "ENOENT";
    }
  });
  (noDockerHere ? it : it.skip)(
    "says where it looked when DOCKER_HOST is unset (this machine has no Docker)",
    async () => {
      const run = await runTestCommand({ TEST_STACK: "testcontainers", HOME: scratch });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("no Docker engine found at unix:///var/run/docker.sock, ");
      expect(run.stderr).not.toMatch(/^\s+at /m);
    },
  );
});

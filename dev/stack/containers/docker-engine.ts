import { request } from "node:http";
import { StackError } from "../errors.js";

/**
 * Where a Docker engine may listen, in the order testcontainers tries them: DOCKER_HOST when set (then nothing
 * else), else the system socket, Docker Desktop's and rootless Docker's.
 */
export function dockerEngineCandidates(env: NodeJS.ProcessEnv, home: string): string[] {
  const configured = env.DOCKER_HOST?.trim();
  if (configured) return [configured];
  return [
    "unix:///var/run/docker.sock",
    `unix://${home}/.docker/run/docker.sock`,
    `unix://${home}/.docker/desktop/docker.sock`,
    ...(env.XDG_RUNTIME_DIR ? [`unix://${env.XDG_RUNTIME_DIR}/docker.sock`] : []),
  ];
}

/** True when a Docker engine answers `GET /_ping` at the location (unix:// socket or tcp://host:port). */
export function pingDockerEngine(location: string, timeoutMs = 2000): Promise<boolean> {
  const url = new URL(location);
  const target =
    url.protocol === "unix:"
      ? { socketPath: url.pathname }
      : url.protocol === "tcp:" || url.protocol === "http:"
        ? { host: url.hostname, port: Number(url.port || 2375) }
        : undefined;
  // tls (https, DOCKER_TLS_VERIFY) and ssh engines: trust testcontainers to reach them.
  if (target === undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    const req = request({ ...target, path: "/_ping", method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(false));
    req.end();
  });
}

/**
 * The first location where a Docker engine answers, or a StackError naming every place looked at: the one clear
 * message TEST_STACK=testcontainers ends with on a machine without Docker (like CI's).
 */
export async function findDockerEngine(
  env: NodeJS.ProcessEnv,
  home: string,
  ping: (location: string) => Promise<boolean> = pingDockerEngine,
): Promise<string> {
  const candidates = dockerEngineCandidates(env, home);
  for (const location of candidates) if (await ping(location)) return location;
  throw new StackError(
    "NO_CONTAINER_ENGINE",
    `TEST_STACK=testcontainers: no Docker engine found at ${candidates.join(", ")} (set DOCKER_HOST to yours); ` +
      "the default local-process stack is what CI runs: unset TEST_STACK to use it",
    { component: "testcontainers" },
  );
}

/** The stacks `npm test` can run the suite on. */
export const testStackKinds = ["local", "testcontainers"] as const;
export type TestStackKind = (typeof testStackKinds)[number];

/** TEST_STACK as npm test reads it: unset means the local processes; anything but the two kinds is refused. */
export function testStackKindOf(value: string | undefined): TestStackKind {
  if (value === undefined || value === "") return "local";
  const kind = testStackKinds.find((k) => k === value);
  if (kind === undefined)
    throw new StackError("PROVISION_FAILED", `TEST_STACK must be one of ${testStackKinds.join(", ")} (got "${value}")`);
  return kind;
}

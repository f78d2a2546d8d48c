import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { connect } from "node:net";
import type { Profile } from "./paths.js";

export interface StackPorts {
  kafka: number;
  kafkaController: number;
  /** The broker's SASL_SSL listener, served when KAFKA_SECURITY=sasl_ssl (always in the test profile). */
  kafkaSecure: number;
  postgres: number;
  moto: number;
  /** The Redshift Data API emulator. */
  redshift: number;
}

const defaults: Record<Profile, StackPorts> = {
  dev: { kafka: 9092, kafkaController: 9093, kafkaSecure: 9094, postgres: 5432, moto: 5000, redshift: 4010 },
  test: { kafka: 19092, kafkaController: 19093, kafkaSecure: 19094, postgres: 15432, moto: 15000, redshift: 14010 },
};

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return port;
}

/** Ports of a profile; STACK_<COMPONENT>_PORT overrides each (e.g. STACK_KAFKA_PORT=29092). */
export function stackPorts(profile: Profile, env: NodeJS.ProcessEnv = process.env): StackPorts {
  const d = defaults[profile];
  return {
    kafka: portFromEnv(env, "STACK_KAFKA_PORT", d.kafka),
    kafkaController: portFromEnv(env, "STACK_KAFKA_CONTROLLER_PORT", d.kafkaController),
    kafkaSecure: portFromEnv(env, "STACK_KAFKA_SECURE_PORT", d.kafkaSecure),
    postgres: portFromEnv(env, "STACK_POSTGRES_PORT", d.postgres),
    moto: portFromEnv(env, "STACK_MOTO_PORT", d.moto),
    redshift: portFromEnv(env, "STACK_REDSHIFT_PORT", d.redshift),
  };
}

/**
 * True when something accepts TCP connections on 127.0.0.1:port. On loopback a free port refuses at once, so a
 * timeout (our event loop was busy) counts as "in use": wrongly starting next to someone else's server is worse.
 */
export function isPortOpen(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(true));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Inodes of the sockets listening on port (any address), from /proc/net/tcp and tcp6. */
function listeningInodes(port: number): Set<string> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] local address, f[3] state (0A = LISTEN), f[9] inode.
      if (f[1]?.endsWith(hexPort) === true && f[3] === "0A" && f[9] !== undefined) inodes.add(f[9]);
    }
  }
  return inodes;
}

/**
 * True when process pid holds the socket listening on port. A readiness probe alone cannot tell our server from
 * someone else's on the same port (our start failed with "address in use" and the probe reached theirs).
 */
export function listensOn(pid: number, port: number): boolean {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  return fds.some((fd) => {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      return m?.[1] !== undefined && inodes.has(m[1]);
    } catch {
      return false;
    }
  });
}

import { connect } from "node:net";
import type { Profile } from "./paths.js";

export interface StackPorts {
  kafka: number;
  kafkaController: number;
  postgres: number;
  moto: number;
}

const defaults: Record<Profile, StackPorts> = {
  dev: { kafka: 9092, kafkaController: 9093, postgres: 5432, moto: 5000 },
  test: { kafka: 19092, kafkaController: 19093, postgres: 15432, moto: 15000 },
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
    postgres: portFromEnv(env, "STACK_POSTGRES_PORT", d.postgres),
    moto: portFromEnv(env, "STACK_MOTO_PORT", d.moto),
  };
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isPortOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

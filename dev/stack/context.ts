import type { ProfileDirs, Profile } from "./paths.js";
import type { KafkaSecurityMode } from "./kafka-security.js";
import type { StackPorts } from "./ports.js";

/** What every component's ensure/stop needs to know. */
export interface StackContext {
  profile: Profile;
  dirs: ProfileDirs;
  ports: StackPorts;
  /** PostgreSQL's data directory (outside the checkout, see paths.ts postgresDataDir). */
  postgresData: string;
  /** Whether the broker also serves the SASL_SSL listener (KAFKA_SECURITY). */
  kafkaSecurity: KafkaSecurityMode;
  log: (msg: string) => void;
  /** Aborts provisioning (Ctrl-C): readiness waits and the lock wait give up. */
  signal?: AbortSignal;
}

/** How ensure found a component: already running (reused) or started by this call. */
export type EnsureOutcome = "reused" | "started";

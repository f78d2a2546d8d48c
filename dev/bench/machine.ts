import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem, release } from "node:os";
import { duckdbVersion } from "../stack/duckdb-extension.js";
import { kafkaVersion } from "../stack/kafka.js";

/** What the figures were measured on: they mean little without it. */
export interface MachineFacts {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly postgres: string;
  readonly kafka: string;
  readonly duckdb: string;
  readonly loadAverageAtStart: number;
}

function firstLine(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")[0]!
      .trim();
  } catch {
    return "unknown";
  }
}

export function machineFacts(postgresVersion: string): MachineFacts {
  const loadavg = Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    postgres: postgresVersion,
    kafka: kafkaVersion,
    duckdb: duckdbVersion,
    loadAverageAtStart: loadavg,
  };
}

/** git describe of the measured code, so a result file says what it measured. */
export function measuredCommit(): string {
  return firstLine("git", ["describe", "--always", "--dirty"]);
}

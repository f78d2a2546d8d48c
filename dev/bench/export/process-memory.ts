import { readFileSync } from "node:fs";

/** Peak resident set size (VmHWM) and current RSS of a process, in MiB, from /proc/<pid>/status. */
export interface ProcessMemory {
  readonly peakRssMb: number;
  readonly rssMb: number;
}

export function parseProcStatus(text: string): ProcessMemory {
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(text);
    if (match === null) throw new Error(`/proc status has no ${field}`);
    return Number(match[1]);
  };
  return { peakRssMb: Math.round(kib("VmHWM") / 1024), rssMb: Math.round(kib("VmRSS") / 1024) };
}

export function processMemory(pid: number): ProcessMemory {
  return parseProcStatus(readFileSync(`/proc/${pid}/status`, "utf8"));
}

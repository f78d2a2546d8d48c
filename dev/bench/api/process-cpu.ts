import { readdirSync, readFileSync } from "node:fs";

/** One process as /proc shows it: its parent, command line and CPU time used so far (user + system). */
export interface ProcessCpu {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: string;
  readonly cpuMs: number;
}

/** A component of the system under load: the processes it matches, and with `tree` their descendants too. */
export interface CpuGroup {
  readonly name: string;
  readonly matches: (p: ProcessCpu) => boolean;
  readonly tree: boolean;
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_S = 100;

/** Parses /proc/<pid>/stat: the command name is in parentheses and may hold spaces, so fields count from the ")". */
export function parseStat(stat: string): { ppid: number; cpuMs: number } {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name: state(0) ppid(1) … utime(11) stime(12).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_S };
}

/** Every process of the machine now (those that end while it reads are skipped). */
export function processes(): ProcessCpu[] {
  const found: ProcessCpu[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { ppid, cpuMs } = parseStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      found.push({ pid: Number(entry), ppid, cmdline, cpuMs });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** CPU milliseconds each group's processes have used so far. */
export function groupCpu(procs: readonly ProcessCpu[], groups: readonly CpuGroup[]): Record<string, number> {
  const children = new Map<number, ProcessCpu[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const totals: Record<string, number> = {};
  for (const group of groups) {
    const members = new Map<number, ProcessCpu>();
    const add = (p: ProcessCpu): void => {
      if (members.has(p.pid)) return;
      members.set(p.pid, p);
      if (group.tree) for (const child of children.get(p.pid) ?? []) add(child);
    };
    procs.filter(group.matches).forEach(add);
    totals[group.name] = [...members.values()].reduce((sum, p) => sum + p.cpuMs, 0);
  }
  return totals;
}

/** CPU milliseconds per request of each group between two readings (a process that ended in between is lost). */
export function cpuPerRequest(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
  requests: number,
): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after).map((name) => [
      name,
      requests === 0 ? 0 : Math.round(((after[name]! - (before[name] ?? 0)) / requests) * 100) / 100,
    ]),
  );
}

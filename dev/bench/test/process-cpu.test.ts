import { describe, expect, it } from "@jest/globals";
import { cpuPerRequest, groupCpu, parseStat, type ProcessCpu } from "../api/process-cpu.js";

describe("parseStat", () => {
  it("reads the parent and user + system ticks after a command name holding spaces and parentheses", () => {
    const stat = "4242 (node (tsx) main) S 17 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 300 0 0";
    expect(parseStat(stat)).toEqual({ ppid: 17, cpuMs: 3000 });
  });
});

describe("groupCpu", () => {
  const p = (pid: number, ppid: number, cmdline: string, cpuMs: number): ProcessCpu => ({ pid, ppid, cmdline, cpuMs });
  const procs = [
    p(1, 0, "init", 5),
    p(10, 1, "postgres -D /data/a", 100),
    p(11, 10, "postgres: exporter idle", 40),
    p(12, 11, "postgres: worker", 2),
    p(20, 1, "postgres -D /data/b", 999),
    p(30, 1, "node bench", 70),
    p(31, 30, "node request-api", 300),
  ];

  it("sums a group's matching processes, with their descendants only when it is a tree", () => {
    expect(
      groupCpu(procs, [
        { name: "postgres", matches: (x) => x.cmdline.includes("-D /data/a"), tree: true },
        { name: "bench", matches: (x) => x.pid === 30, tree: false },
        { name: "none", matches: () => false, tree: true },
      ]),
    ).toEqual({ postgres: 142, bench: 70, none: 0 });
  });

  it("counts a process once even when several matching ancestors reach it", () => {
    expect(groupCpu(procs, [{ name: "pg", matches: (x) => x.cmdline.startsWith("postgres"), tree: true }])).toEqual({
      pg: 1141,
    });
  });
});

describe("cpuPerRequest", () => {
  it("divides each group's CPU used between two readings by the requests served", () => {
    expect(cpuPerRequest({ api: 1000, pg: 500 }, { api: 2500, pg: 800 }, 300)).toEqual({ api: 5, pg: 1 });
    expect(cpuPerRequest({ api: 1 }, { api: 2 }, 0)).toEqual({ api: 0 });
  });
});

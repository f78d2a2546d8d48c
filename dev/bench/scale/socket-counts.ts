/**
 * Established TCP connections to the broker, read from `ss` (iproute2): the broker's side of each connection
 * (`sport` = the Kafka port) counts its clients, the clients' side (`dport`, with `-p`) says which process holds
 * each. Only processes of this user are named; the rest count as "other".
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Connections per owning pid in `ss -tnpH` output (one socket a line); lines without a process go to "other". */
export function connectionsByPid(ssOutput: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of ssOutput.split("\n")) {
    if (line.trim() === "") continue;
    const pid = /pid=(\d+)/.exec(line)?.[1] ?? "other";
    counts.set(pid, (counts.get(pid) ?? 0) + 1);
  }
  return counts;
}

async function ss(filter: string): Promise<string> {
  const { stdout } = await run("ss", ["-tnpH", "state", "established", filter]);
  return stdout;
}

/** The broker's established client connections on `port`, in total. */
export async function brokerConnections(port: number): Promise<number> {
  return (await ss(`( sport = :${port} )`)).split("\n").filter((line) => line.trim() !== "").length;
}

/** Established connections to `port` per client process, named by `names` (pid → name), others as "other". */
export async function clientConnections(
  port: number,
  names: ReadonlyMap<string, string>,
): Promise<Record<string, number>> {
  const byName: Record<string, number> = {};
  for (const [pid, count] of connectionsByPid(await ss(`( dport = :${port} )`))) {
    const name = names.get(pid) ?? "other";
    byName[name] = (byName[name] ?? 0) + count;
  }
  return byName;
}

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "@jest/globals";
import { initialProbe, kubernetesProbes, nextProbe, probeOnce, type ProbeState } from "../liveness.js";

/** The decisions for a sequence of probe answers, from a fresh process. */
function decisions(answers: readonly boolean[]): { restart: boolean; delayMs: number; phase: string }[] {
  let state: ProbeState = initialProbe;
  return answers.map((ok) => {
    const decision = nextProbe(kubernetesProbes, state, ok);
    state = decision.state;
    return { restart: decision.restart, delayMs: decision.delayMs, phase: decision.state.phase };
  });
}

describe("nextProbe", () => {
  it("gives a starting process 30 probes 2 s apart before restarting it", () => {
    const slow = decisions([...Array<boolean>(29).fill(false), true]);
    expect(slow.every((d) => !d.restart)).toBe(true);
    expect(slow.at(-1)).toEqual({ restart: false, delayMs: 10_000, phase: "live" });
    expect(slow[0]).toEqual({ restart: false, delayMs: 2_000, phase: "startup" });
    expect(decisions(Array<boolean>(30).fill(false)).at(-1)?.restart).toBe(true);
  });

  it("restarts a live process after 3 failed probes in a row, 10 s apart, and forgives a single failure", () => {
    expect(decisions([true, false, false, true, false, false]).map((d) => d.restart)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    const wedged = decisions([true, false, false, false]);
    expect(wedged.map((d) => d.restart)).toEqual([false, false, false, true]);
    expect(wedged.map((d) => d.delayMs)).toEqual([10_000, 10_000, 10_000, 10_000]);
  });
});

describe("probeOnce", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  const serve = async (handler: Parameters<typeof createServer>[1]): Promise<string> => {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  };

  it("is true for a 2xx answer, false for an error status, no answer in time, or no server", async () => {
    expect(await probeOnce(await serve((_, res) => res.end("ok")), 1_000)).toBe(true);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    expect(await probeOnce(await serve((_, res) => ((res.statusCode = 503), res.end())), 1_000)).toBe(false);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    // A frozen process: the connection is accepted, nothing answers.
    const url = await serve(() => undefined);
    expect(await probeOnce(url, 200)).toBe(false);
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    expect(await probeOnce(url, 1_000)).toBe(false);
  });
});

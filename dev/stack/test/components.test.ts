import { describe, expect, it } from "@jest/globals";
import { ensureComponents, type Component, type Step } from "../components.js";
import { StackError } from "../errors.js";

type Name = "kafka" | "postgres" | "moto";

/** A component whose process is a flag; ensure starts it unless it runs, or fails with `fails`. */
class FakeComponent implements Component<Name> {
  stops = 0;
  readonly events: string[];
  constructor(
    readonly name: Name,
    events: string[],
    private alive = false,
    private readonly behaviour: { fails?: Error; delayMs?: number; stopFails?: Error } = {},
  ) {
    this.events = events;
  }
  running(): boolean {
    return this.alive;
  }
  async ensure(): Promise<"started" | "reused"> {
    if (this.alive) return "reused";
    await new Promise((resolve) => setTimeout(resolve, this.behaviour.delayMs ?? 0));
    if (this.behaviour.fails !== undefined) throw this.behaviour.fails;
    this.alive = true;
    this.events.push(`${this.name} started`);
    return "started";
  }
  stop(): Promise<boolean> {
    this.stops += 1;
    if (this.behaviour.stopFails !== undefined) return Promise.reject(this.behaviour.stopFails);
    const was = this.alive;
    this.alive = false;
    if (was) this.events.push(`${this.name} stopped`);
    return Promise.resolve(was);
  }
}

const portInUse = (): StackError =>
  new StackError("PORT_IN_USE", "postgres: port 25732 is used by a process this stack did not start", {
    component: "postgres",
  });

async function failure(promise: Promise<unknown>): Promise<StackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof StackError)) throw new Error(`expected a StackError, got ${String(error)}`);
  return error;
}

describe("ensureComponents", () => {
  it("reports which components it started and which it reused", async () => {
    const events: string[] = [];
    const result = await ensureComponents(
      [
        new FakeComponent("kafka", events),
        new FakeComponent("postgres", events, true),
        new FakeComponent("moto", events),
      ],
      { log: () => undefined },
    );
    expect(result).toEqual({ started: ["kafka", "moto"], reused: ["postgres"] });
  });

  it("stops what it started when a later component fails, and says what failed and what it stopped", async () => {
    const events: string[] = [];
    const logs: string[] = [];
    const kafka = new FakeComponent("kafka", events);
    const moto = new FakeComponent("moto", events);
    const cause = portInUse();
    const postgres = new FakeComponent("postgres", events, false, { fails: cause, delayMs: 5 });
    const error = await failure(ensureComponents([kafka, postgres, moto], { log: (m) => void logs.push(m) }));

    expect(error.code).toBe("PROVISION_FAILED");
    expect(error.cause).toBe(cause);
    expect(error.component).toBe("postgres");
    expect(error.message).toBe(
      "local stack not provisioned (postgres failed)\n" +
        "postgres: port 25732 is used by a process this stack did not start\n" +
        "stopped kafka, moto, which this run had started",
    );
    expect([kafka.running(), moto.running()]).toEqual([false, false]);
    expect(logs.sort()).toEqual([
      "kafka: stopped (started by this run, which failed)",
      "moto: stopped (started by this run, which failed)",
    ]);
  });

  it("leaves running what was already running before it", async () => {
    const events: string[] = [];
    const kafka = new FakeComponent("kafka", events, true);
    const moto = new FakeComponent("moto", events);
    const postgres = new FakeComponent("postgres", events, false, { fails: portInUse() });
    const error = await failure(ensureComponents([kafka, postgres, moto], { log: () => undefined }));
    expect(kafka.running()).toBe(true);
    expect(kafka.stops).toBe(0);
    expect(moto.running()).toBe(false);
    expect(error.message).toMatch(/\nstopped moto, which this run had started$/);
  });

  it("waits for a component still starting before stopping it, so no process is left behind", async () => {
    const events: string[] = [];
    const kafka = new FakeComponent("kafka", events, false, { delayMs: 30 });
    const postgres = new FakeComponent("postgres", events, false, { fails: portInUse() });
    await failure(ensureComponents([kafka, postgres], { log: () => undefined }));
    expect(events).toEqual(["kafka started", "kafka stopped"]);
    expect(kafka.running()).toBe(false);
  });

  it("rolls back when a step after the components fails, naming the step", async () => {
    const events: string[] = [];
    const postgres = new FakeComponent("postgres", events);
    const databases: Step = {
      name: "databases",
      run: () => Promise.reject(new Error("permission denied to create database")),
    };
    const error = await failure(ensureComponents([postgres], { then: [databases], log: () => undefined }));
    expect(error.message).toBe(
      "local stack not provisioned (databases failed)\n" +
        "databases: permission denied to create database\n" +
        "stopped postgres, which this run had started",
    );
    expect(postgres.running()).toBe(false);
  });

  it("rolls back when a step alongside the components fails, and skips the steps after them", async () => {
    const events: string[] = [];
    const moto = new FakeComponent("moto", events);
    let databasesRan = false;
    const error = await failure(
      ensureComponents([moto], {
        alongside: [{ name: "duckdb extension", run: () => Promise.reject(new Error("pip download failed")) }],
        then: [{ name: "databases", run: () => Promise.resolve((databasesRan = true)) }],
        log: () => undefined,
      }),
    );
    expect(error.component).toBe("duckdb extension");
    expect(databasesRan).toBe(false);
    expect(moto.running()).toBe(false);
  });

  it("lists every failure", async () => {
    const events: string[] = [];
    const error = await failure(
      ensureComponents(
        [
          new FakeComponent("kafka", events, false, { fails: new Error("java not found") }),
          new FakeComponent("postgres", events, false, { fails: portInUse() }),
        ],
        { log: () => undefined },
      ),
    );
    expect(error.message).toBe(
      "local stack not provisioned (kafka, postgres failed)\n" +
        "kafka: java not found\n" +
        "postgres: port 25732 is used by a process this stack did not start",
    );
  });

  it("says which component it could not stop", async () => {
    const events: string[] = [];
    const moto = new FakeComponent("moto", events, false, { stopFails: new Error("EPERM") });
    const postgres = new FakeComponent("postgres", events, false, { fails: portInUse() });
    const error = await failure(ensureComponents([postgres, moto], { log: () => undefined }));
    expect(error.message).toMatch(/\ncould not stop moto \(EPERM\)$/);
  });

  it("gives up when aborted (Ctrl-C): the steps after the components are skipped and what started is stopped", async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const kafka = new FakeComponent("kafka", events);
    let databasesRan = false;
    const ensuring = ensureComponents([kafka], {
      then: [{ name: "databases", run: () => Promise.resolve((databasesRan = true)) }],
      signal: controller.signal,
      log: () => undefined,
    });
    controller.abort();
    const error = await failure(ensuring);
    expect(error.code).toBe("INTERRUPTED");
    expect(error.message).toBe("local stack not provisioned (interrupted)\nstopped kafka, which this run had started");
    expect(databasesRan).toBe(false);
    expect(kafka.running()).toBe(false);
  });
});

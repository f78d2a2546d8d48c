import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  EventRecorder,
  firstDemoDay,
  requestData,
  startDeployment,
  waitForExport,
  type TestDeployment,
  type WarehouseKind,
} from "../../harness/index.js";
import { repoRoot } from "../../stack/paths.js";
import { dropSchema, fillBenchTable } from "./bench-table.js";
import { processMemory } from "./process-memory.js";

export const benchTable = "traffic_observation";

/** One export of the bench table as the unloader measured it (its TableUnloadCompleted event). */
export interface UnloadRun {
  readonly requestId: string;
  /** The attempt, from its start to the manifest written: describe, count, COPY to Parquet, checks, upload. */
  readonly unloadSeconds: number;
  /** requestData until requestStatus says Completed (every table, planner and tracker included). */
  readonly requestSeconds: number;
  readonly rows: number;
  readonly bytes: number;
  readonly files: number;
}

/**
 * A deployment of the compiled services (what the image runs) whose warehouse's traffic_observation holds `rows`
 * exported rows in one day, and an unloader that runs one unload at a time, so each measured unload has the
 * machine to itself.
 */
export class UnloaderBench {
  private constructor(
    readonly deployment: TestDeployment,
    readonly window: [number, number],
    private readonly recorder: EventRecorder<"exportLifecycle">,
    readonly rows: number,
  ) {}

  static async start(options: {
    label: string;
    rows: number;
    warehouse: WarehouseKind;
    log: (message: string) => void;
  }): Promise<UnloaderBench> {
    options.log("building the services (npm run build)");
    await promisify(execFile)("npm", ["run", "build"], { cwd: repoRoot, timeout: 600_000 });
    const deployment = await startDeployment({
      label: options.label,
      code: "compiled",
      warehouse: options.warehouse,
      services: ["request-api", "planner", "unloader", "status-tracker"],
      env: { NODE_ENV: "production", LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info", UNLOAD_PARALLELISM: "1" },
    });
    try {
      const window = firstDemoDay(deployment);
      options.log(`filling ${deployment.names.warehouseSchema}.${benchTable} with ${options.rows} rows`);
      await fillBenchTable(process.env.WAREHOUSE_URL ?? "", deployment.names.warehouseSchema, options.rows, window[0]);
      const recorder = await EventRecorder.start(deployment.names.topicNamespace, ["exportLifecycle"]);
      return new UnloaderBench(deployment, window, recorder, options.rows);
    } catch (error) {
      await deployment.stop();
      await dropSchema(process.env.WAREHOUSE_URL ?? "", deployment.names.warehouseSchema);
      throw error;
    }
  }

  /** One on-demand export of the window (forced: never answered from an earlier request), checked and timed. */
  async run(timeoutMs: number): Promise<UnloadRun> {
    const { graphqlUrl } = this.deployment;
    const started = performance.now();
    const requestId = await requestData(graphqlUrl, ...this.window, { force: true });
    const status = await waitForExport(graphqlUrl, requestId, timeoutMs);
    const requestSeconds = (performance.now() - started) / 1000;
    if (status.status !== "Completed")
      throw new Error(
        `bench export ${requestId} ended ${status.status}: ${this.deployment.logs.slice(-30).join("\n")}`,
      );
    const completed = await this.recorder.waitForEvent(
      `${benchTable} of ${requestId} to complete`,
      (e) => e.type === "TableUnloadCompleted" && e.value.requestId === requestId && e.value.table === benchTable,
    );
    if (completed.type !== "TableUnloadCompleted") throw new Error("unreachable");
    const { rows, bytes, files, durationMs } = completed.value;
    if (rows !== this.rows) throw new Error(`bench export ${requestId} wrote ${rows} rows of ${this.rows}`);
    return { requestId, unloadSeconds: durationMs / 1000, requestSeconds, rows, bytes, files: files.length };
  }

  /** The unloader process's peak RSS so far (VmHWM: the high-water mark of its whole life). */
  unloaderMemory(): { peakRssMb: number; rssMb: number } {
    const unloader = this.deployment.services.find((s) => s.name === "unloader");
    if (unloader?.process.pid === undefined) throw new Error("the unloader is not running");
    return processMemory(unloader.process.pid);
  }

  /** Stops the services and drops the bench table's schema (20 M rows are gigabytes in the test stack's data). */
  async stop(): Promise<void> {
    await this.recorder.stop();
    await this.deployment.stop();
    await dropSchema(process.env.WAREHOUSE_URL ?? "", this.deployment.names.warehouseSchema);
  }
}

import { appendFileSync, writeFileSync } from "node:fs";

/**
 * A run's story, one line per thing that happened (a submission, a fault, a restart, a check), stamped with the
 * seconds since the run's workload began: written to the run's timeline.log and, optionally, echoed.
 */
export class Timeline {
  readonly entries: { readonly atMs: number; readonly message: string }[] = [];
  #origin = Date.now();

  constructor(
    private readonly file: string,
    private readonly echo?: (line: string) => void,
  ) {
    writeFileSync(file, "");
  }

  /** Offsets count from now on (the workload's start); earlier lines have negative offsets. */
  restart(): void {
    this.#origin = Date.now();
  }

  get elapsedMs(): number {
    return Date.now() - this.#origin;
  }

  log(message: string): void {
    const atMs = this.elapsedMs;
    this.entries.push({ atMs, message });
    const line = `${atMs >= 0 ? "+" : "-"}${(Math.abs(atMs) / 1000).toFixed(1).padStart(6)}s ${message}`;
    appendFileSync(this.file, `${line}\n`);
    this.echo?.(line);
  }
}

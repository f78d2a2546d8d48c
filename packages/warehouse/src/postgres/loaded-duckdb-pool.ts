/** Something costly to open that serves one user at a time and can be handed to the next one. */
export interface Reusable {
  close(): void;
}

/**
 * Keeps opened resources between uses: an unload takes one (opening a new one when none is idle) and gives it back
 * when it ended cleanly, or has it closed when it did not — a resource an unload failed on is never reused.
 */
export class ReusePool<T extends Reusable> {
  readonly #idle: T[] = [];
  #closed = false;

  constructor(private readonly open: () => Promise<T>) {}

  async acquire(): Promise<T> {
    if (this.#closed) throw new Error("the pool is closed");
    return this.#idle.pop() ?? (await this.open());
  }

  release(resource: T, reusable: boolean): void {
    if (reusable && !this.#closed) this.#idle.push(resource);
    else resource.close();
  }

  /** Closes the idle resources; ones in use are closed when released. */
  close(): void {
    this.#closed = true;
    for (const resource of this.#idle.splice(0)) resource.close();
  }

  get idle(): number {
    return this.#idle.length;
  }
}

/**
 * A small AsyncDisposableStack: Node 20 has no native one. Resources are released in reverse order of
 * registration; every disposer runs even if an earlier one throws, and the errors are aggregated.
 */
export class AsyncResourceStack {
  private readonly disposers: Array<() => Promise<void> | void> = [];
  private disposed = false;

  defer(disposer: () => Promise<void> | void): void {
    if (this.disposed) throw new Error("resource stack already disposed");
    this.disposers.push(disposer);
  }

  async disposeAsync(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    while (this.disposers.length > 0) {
      const disposer = this.disposers.pop();
      try {
        await disposer?.();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "several resources failed to close");
  }
}

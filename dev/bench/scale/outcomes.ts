/** What became of the scale run's requests, from their final requestStatus and when each was seen to finish. */
export interface RequestOutcome {
  readonly requestId: string;
  /** requestStatus's status at the end of the wait (e.g. "Completed", "Failed", "Processing"). */
  readonly status: string;
  /** Milliseconds (epoch) at which its ExportCompleted reached the bench, if it did. */
  readonly finishedAt: number | undefined;
}

export interface OutcomeSummary {
  readonly completed: number;
  readonly failed: number;
  /** Never reached a final state before the deadline: these ids are printed. */
  readonly lost: readonly string[];
  /** Final states other than Completed, by status (e.g. { "Partially Completed": 2 }). */
  readonly failedByStatus: Readonly<Record<string, number>>;
  /** From the first request sent to the last finish seen, in seconds; null when none finished. */
  readonly drainS: number | null;
}

const finalStatuses = new Set(["Completed", "Failed", "Partially Completed", "Cancelled"]);

export function summariseOutcomes(firstRequestAt: number, outcomes: readonly RequestOutcome[]): OutcomeSummary {
  let completed = 0;
  const lost: string[] = [];
  const failedByStatus: Record<string, number> = {};
  let lastFinish: number | undefined;
  for (const outcome of outcomes) {
    if (!finalStatuses.has(outcome.status)) {
      lost.push(outcome.requestId);
      continue;
    }
    if (outcome.status === "Completed") completed++;
    else failedByStatus[outcome.status] = (failedByStatus[outcome.status] ?? 0) + 1;
    if (outcome.finishedAt !== undefined) lastFinish = Math.max(lastFinish ?? outcome.finishedAt, outcome.finishedAt);
  }
  const failed = Object.values(failedByStatus).reduce((sum, n) => sum + n, 0);
  const drainS = lastFinish === undefined ? null : (lastFinish - firstRequestAt) / 1000;
  return { completed, failed, lost, failedByStatus, drainS };
}

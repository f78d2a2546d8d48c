/** How a requestData call ended: a new export, the caller's earlier one, or refused by the quota. */
export type ExportRequestOutcome = "accepted" | "reused" | "rate_limited";

/** How a GraphQL operation ended at the error boundary. */
export type OperationResult = "ok" | "user_error" | "internal_error";

/** What request-api counts for /metrics; the domain stays free of the metrics library. */
export interface RequestMeter {
  exportRequest(outcome: ExportRequestOutcome): void;
  operation(operation: string, result: OperationResult): void;
}

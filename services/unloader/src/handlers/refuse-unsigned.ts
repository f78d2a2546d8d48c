import { eventHeaders, type Envelope } from "@data-exporter/bus";
import {
  refusalReason,
  SigningError,
  type SignableMessage,
  type SignatureProblem,
  type Verdict,
} from "@data-exporter/command-signing";
import type { TableUnloadEvent } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";

export interface SignatureCheckDeps {
  /** Checks the planner's signature (AWSCURRENT or AWSPREVIOUS key); throws only when the keys cannot be read. */
  readonly verify: (message: SignableMessage, headers: Readonly<Record<string, string>>) => Promise<Verdict>;
  readonly publish: (event: TableUnloadEvent) => Promise<void>;
  /** Counts a refusal (the security metric). */
  readonly refused: (problem: SignatureProblem) => void;
  readonly now: () => number;
  readonly log: Pick<Logger, "error">;
}

/**
 * Lets through only a command the planner signed, before anything reads the warehouse or writes the bucket: a command
 * written to the topic by anyone else (however it is classified) exports nothing. A refused command fails its table
 * for good (TableUnloadFailed, so a known request does not wait for it), is logged as a security event, and throws a
 * non-retryable error so the consumer dead-letters it for audit.
 */
export async function refuseUnsigned(envelope: Envelope<"unloadCommands">, deps: SignatureCheckDeps): Promise<void> {
  const { headers } = envelope;
  const verdict = await deps.verify(
    {
      topic: envelope.topic,
      key: envelope.key ?? "",
      eventType: headers[eventHeaders.eventType] ?? "",
      schemaFingerprint: headers[eventHeaders.schemaFingerprint] ?? "",
      payload: envelope.payload,
    },
    headers,
  );
  if (verdict.valid) return;
  const command = envelope.value;
  const reason = refusalReason(verdict);
  deps.refused(verdict.problem);
  deps.log.error(
    {
      security: "unload-command-refused",
      problem: verdict.problem,
      keyVersion: verdict.keyVersion,
      requestId: command.requestId,
      table: command.table,
      run: command.run,
      columns: command.columns.map((column) => `${column.name}:${column.treatment}`),
      outputPrefix: command.outputPrefix,
      topic: envelope.topic,
      partition: envelope.partition,
      offset: envelope.offset,
      key: envelope.key,
    },
    "unload command refused: not signed by the planner",
  );
  await deps.publish({
    type: "TableUnloadFailed",
    value: {
      requestId: command.requestId,
      table: command.table,
      attempt: command.attempt,
      run: command.run,
      errorKind: "INVALID_COMMAND",
      errorMessage: reason,
      retryable: false,
      finalAttempt: true,
      failedAt: deps.now(),
      cancelled: false,
      cancelledBy: null,
    },
  });
  throw new SigningError("SIGNATURE_INVALID", reason, {
    retryable: false,
    context: { problem: verdict.problem, keyVersion: verdict.keyVersion },
  });
}

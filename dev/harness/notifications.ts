import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

/** One SNS notification as its SQS subscriber sees it (the SNS JSON envelope, raw delivery off). */
export interface ReceivedNotification {
  readonly messageId: string;
  /** When SNS published it (ISO 8601). */
  readonly timestamp: string;
  readonly subject: string;
  readonly message: string;
  /** MessageAttributes.{name}.Value */
  readonly attributes: Readonly<Record<string, string>>;
}

interface SnsEnvelope {
  Type?: string;
  Timestamp?: string;
  Subject?: string;
  Message?: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** An SQS message carrying an SNS notification, read from SNS's JSON envelope. */
export function parseNotification(messageId: string, body: string): ReceivedNotification {
  const envelope = JSON.parse(body) as SnsEnvelope;
  return {
    messageId,
    timestamp: envelope.Timestamp ?? "",
    subject: envelope.Subject ?? "",
    message: envelope.Message ?? "",
    attributes: Object.fromEntries(
      Object.entries(envelope.MessageAttributes ?? {}).map(([name, a]) => [name, a.Value]),
    ),
  };
}

/**
 * Reads the notification inbox of a deployment (the SQS queue subscribed to its SNS topic). `receive` drains what
 * is there now (long-polling up to `waitSeconds`), deletes it, and keeps every notification seen in `all`; `peek`
 * reads what is there without removing it.
 */
export class NotificationInbox {
  readonly all: ReceivedNotification[] = [];
  private readonly sqs: SQSClient;

  constructor(
    private readonly queueUrl: string,
    options: { region: string; endpoint: string },
  ) {
    this.sqs = new SQSClient(options);
  }

  /** The inbox of a queue known by name (e.g. npm start's data-exporter-notifications-inbox). */
  static async named(queueName: string, options: { region: string; endpoint: string }): Promise<NotificationInbox> {
    const sqs = new SQSClient(options);
    try {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
      if (QueueUrl === undefined) throw new Error(`no queue ${queueName}`);
      return new NotificationInbox(QueueUrl, options);
    } finally {
      sqs.destroy();
    }
  }

  async receive(waitSeconds = 1): Promise<ReceivedNotification[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
    );
    if (Messages.length > 0) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    const received = Messages.map((m) => parseNotification(m.MessageId ?? "", m.Body ?? "{}"));
    this.all.push(...received);
    return received;
  }

  /** The notifications in the queue now, left there for the next reader (SQS returns a sample per call: ask again). */
  async peek(rounds = 10): Promise<ReceivedNotification[]> {
    const seen = new Map<string, ReceivedNotification>();
    for (let round = 0; round < rounds; round++) {
      // VisibilityTimeout 0: the messages stay visible to everyone else.
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
        }),
      );
      const fresh = Messages.filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const m of fresh) seen.set(m.MessageId ?? "", parseNotification(m.MessageId ?? "", m.Body ?? "{}"));
    }
    return [...seen.values()];
  }

  /** Every notification seen so far about one request. */
  about(requestId: string): ReceivedNotification[] {
    return this.all.filter((n) => n.attributes.requestId === requestId);
  }

  close(): void {
    this.sqs.destroy();
  }
}

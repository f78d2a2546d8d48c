import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

/** One SNS notification as its SQS subscriber sees it (the SNS JSON envelope, raw delivery off). */
export interface ReceivedNotification {
  readonly subject: string;
  readonly message: string;
  /** MessageAttributes.{name}.Value */
  readonly attributes: Readonly<Record<string, string>>;
}

interface SnsEnvelope {
  Type?: string;
  Subject?: string;
  Message?: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/**
 * Reads the notification inbox of a deployment (the SQS queue subscribed to its SNS topic). `receive` drains what
 * is there now (long-polling up to `waitSeconds`), deletes it, and keeps every notification seen in `all`.
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
    const received = Messages.map((m) => {
      const envelope = JSON.parse(m.Body ?? "{}") as SnsEnvelope;
      return {
        subject: envelope.Subject ?? "",
        message: envelope.Message ?? "",
        attributes: Object.fromEntries(
          Object.entries(envelope.MessageAttributes ?? {}).map(([name, a]) => [name, a.Value]),
        ),
      };
    });
    this.all.push(...received);
    return received;
  }

  /** Every notification seen so far about one request. */
  about(requestId: string): ReceivedNotification[] {
    return this.all.filter((n) => n.attributes.requestId === requestId);
  }

  close(): void {
    this.sqs.destroy();
  }
}

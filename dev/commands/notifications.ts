/**
 * npm run notifications: prints the SNS summaries the notifier published, as the local SQS inbox subscribed to the
 * topic received them (moto needs signed requests, so plain curl cannot read them). Messages are only peeked at.
 */
import { ReceiveMessageCommand, SQSClient, GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { stackEndpoints, stackEnv } from "../stack/stack.js";
import { defaultDeployment } from "../harness/provision.js";

// Node 20 here; the AWS SDK's "Node 22 from 2027" notice is known (README) and only noise locally.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

Object.assign(process.env, stackEnv(stackEndpoints("dev").endpoints));
const { endpoints } = stackEndpoints("dev");
const sqs = new SQSClient({ region: endpoints.awsRegion, endpoint: endpoints.awsEndpointUrl });
try {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: defaultDeployment.notificationQueueName }));
  const seen = new Set<string>();
  for (let round = 0; round < 10; round++) {
    // VisibilityTimeout 0: peek, so the next reader sees the messages too.
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }),
    );
    const fresh = Messages.filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId ?? "");
      const envelope = JSON.parse(message.Body ?? "{}") as {
        Subject?: string;
        Message?: string;
        Timestamp?: string;
        MessageAttributes?: Record<string, { Value: string }>;
      };
      const attributes = Object.entries(envelope.MessageAttributes ?? {})
        .map(([name, a]) => `${name}=${a.Value}`)
        .join(" ");
      process.stdout.write(`\n${envelope.Timestamp ?? ""}  ${envelope.Subject ?? ""}\n  ${attributes}\n`);
      if (process.argv.includes("--full")) process.stdout.write(`${envelope.Message ?? ""}\n`);
    }
  }
  if (seen.size === 0) process.stdout.write("no notification yet\n");
} catch (error) {
  process.stderr.write(`cannot read the notifications inbox (is npm start running?): ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  sqs.destroy();
}

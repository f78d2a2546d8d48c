/**
 * npm run notifications: prints the SNS summaries the notifier published, as the local SQS inbox subscribed to the
 * topic received them (moto needs signed requests, so plain curl cannot read them). Messages are only peeked at.
 */
import { NotificationInbox } from "../harness/notifications.js";
import { defaultDeployment } from "../harness/provision.js";
import { stackEndpoints, stackEnv } from "../stack/stack.js";

const { endpoints } = stackEndpoints("dev");
// The SDK takes the emulator's credentials from the environment.
Object.assign(process.env, stackEnv(endpoints));
let inbox: NotificationInbox | undefined;
try {
  inbox = await NotificationInbox.named(defaultDeployment.notificationQueueName, {
    region: endpoints.awsRegion,
    endpoint: endpoints.awsEndpointUrl,
  });
  const notifications = await inbox.peek();
  for (const notification of notifications) {
    const attributes = Object.entries(notification.attributes)
      .map(([name, value]) => `${name}=${value}`)
      .join(" ");
    process.stdout.write(`\n${notification.timestamp}  ${notification.subject}\n  ${attributes}\n`);
    if (process.argv.includes("--full")) process.stdout.write(`${notification.message}\n`);
  }
  if (notifications.length === 0) process.stdout.write("no notification yet\n");
} catch (error) {
  process.stderr.write(`cannot read the notifications inbox (is npm start running?): ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  inbox?.close();
}

import { SNSClient } from "@aws-sdk/client-sns";
import pg from "pg";
import { connectBus, runService, startConsumer } from "@data-exporter/runtime";
import { NotificationLog } from "./adapters/notification-log.js";
import { publishToSns } from "./adapters/sns-publisher.js";
import { configSchema } from "./config.js";
import { notifyCompletion } from "./handlers/notify-completion.js";

await runService(
  {
    name: "notifier",
    configSchema,
    start: async ({ config, log, resources }) => {
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
      // An idle connection dropped by the server must not crash the process; the next query reconnects.
      pool.on("error", (error) => log.warn({ error: error.message }, "idle database connection failed"));
      resources.defer(() => pool.end());
      const notifications = new NotificationLog(pool, config.STATUS_SCHEMA);
      await notifications.migrate();
      const sns = new SNSClient({
        region: config.AWS_REGION,
        ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
      });
      resources.defer(() => sns.destroy());

      const bus = await connectBus(config, log, resources, "notifier");
      const consumer = await startConsumer(bus, resources, {
        // Namespaced like the topics: deployments sharing a broker must not share a group (it would mix their topics).
        groupId: "data-exporter.notifier",
        topics: ["exportCompleted"],
        handler: async ({ value: event }) => {
          const result = await notifyCompletion(event, {
            alreadyNotified: (requestId) => notifications.has(requestId),
            publish: (notification) => publishToSns(sns, config.SNS_TOPIC_ARN, notification),
            recordNotified: (requestId, messageId) => notifications.record(requestId, messageId),
          });
          const context = { requestId: event.requestId, status: event.status, mode: event.mode };
          if (result.sent) log.info({ ...context, messageId: result.messageId }, "notification published");
          else log.info(context, "notification already published; skipped");
        },
      });
      return { readiness: { kafka: () => bus.producer.isConnected() && consumer.isConnected() } };
    },
  },
  process.env,
);

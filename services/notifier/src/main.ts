import { SNSClient } from "@aws-sdk/client-sns";
import {
  connectBus,
  migrateWith,
  openPgPool,
  runService,
  snsPublishSpan,
  startConsumer,
  withSpan,
} from "@data-exporter/runtime";
import { NotificationLog } from "./adapters/notification-log.js";
import { publishToSns } from "./adapters/sns-publisher.js";
import { configSchema } from "./config.js";
import { handleExportCompleted, type NotifierDeps } from "./handlers/notify-completion.js";

await runService(
  {
    name: "notifier",
    configSchema,
    start: async (service) => {
      const { config, log, resources } = service;
      const pool = openPgPool(service, { connectionString: config.DATABASE_URL, max: 2, applicationName: "notifier" });
      const notifications = new NotificationLog(pool, config.STATUS_SCHEMA);
      await migrateWith(service, config, pool, (owner) => new NotificationLog(owner, config.STATUS_SCHEMA).migrate());
      const sns = new SNSClient({
        region: config.AWS_REGION,
        ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
      });
      resources.defer(() => sns.destroy());

      const bus = await connectBus(config, log, resources, "notifier");
      const deps: NotifierDeps & { log: typeof log } = {
        alreadyNotified: (requestId, run) => notifications.has(requestId, run),
        publish: (notification) => {
          const span = snsPublishSpan(config.SNS_TOPIC_ARN, config.AWS_REGION);
          return withSpan(span.name, span, () => publishToSns(sns, config.SNS_TOPIC_ARN, notification));
        },
        recordNotified: (requestId, run, messageId) => notifications.record(requestId, run, messageId),
        log,
      };
      const consumer = await startConsumer(bus, service, {
        // Namespaced like the topics: deployments sharing a broker must not share a group (it would mix their topics).
        groupId: "data-exporter.notifier",
        topics: ["exportCompleted"],
        handler: ({ value }) => handleExportCompleted(value, deps),
      });
      return { readiness: { kafka: () => bus.producer.isConnected() && consumer.isConnected() } };
    },
  },
  process.env,
);

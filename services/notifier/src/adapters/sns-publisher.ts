import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { Notification } from "../domain/format-notification.js";

/** Publishes a notification to one SNS topic; returns SNS's message id. */
export async function publishToSns(
  client: Pick<SNSClient, "send">,
  topicArn: string,
  notification: Notification,
): Promise<string> {
  const result = await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: notification.subject,
      Message: notification.message,
      MessageAttributes: Object.fromEntries(
        Object.entries(notification.attributes)
          .filter(([, value]) => value !== "")
          .map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
      ),
    }),
  );
  return result.MessageId ?? "";
}

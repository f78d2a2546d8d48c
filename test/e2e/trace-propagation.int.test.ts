import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { parentSpanIdOf, traceIdOf } from "@data-exporter/bus";
import type { TopicKey } from "@data-exporter/contracts";
import { waitFor } from "@data-exporter/runtime";
import {
  firstDemoDay,
  gatewayExtensions,
  operatorIdentity,
  readRawTopic,
  startDeployment,
  startOtlpReceiver,
  waitForExport,
  type RawRecord,
  type TestDeployment,
} from "../../dev/harness/index.js";
import { requestDataMutation } from "../../dev/harness/graphql/operations.js";
import { runTrigger } from "../../dev/harness/trigger.js";

/**
 * One export is one trace: the W3C trace context the gateway sends with requestData (or the trigger starts) is carried
 * by every event the export produces, on every topic it touches, each hop writing its own span as the next one's
 * parent; and with an OTLP endpoint configured, every service's spans of it arrive there.
 */
const incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const exportTopics: readonly TopicKey[] = ["exportRequested", "exportLifecycle", "unloadCommands", "exportCompleted"];

let deployment: TestDeployment;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  deployment = await startDeployment({ label: "traces", env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
}, 240_000);

afterAll(async () => {
  await deployment?.stop();
  await receiver?.close();
});

/** requestData as the gateway sends it, with the caller's traceparent header. */
async function requestDataTraced(traceparent: string): Promise<string> {
  const query = requestDataMutation;
  const [startTime, endTime] = firstDemoDay(deployment);
  const variables = { startTime, endTime, force: true };
  const secret = deployment.serviceEnv.GATEWAY_HMAC_SECRET ?? "";
  const response = await fetch(deployment.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", traceparent },
    body: JSON.stringify({
      query,
      variables,
      extensions: gatewayExtensions(secret, { query, variables }, operatorIdentity),
    }),
  });
  const body = (await response.json()) as { data?: { requestData?: string } };
  if (body.data?.requestData === undefined) throw new Error(`requestData failed: ${JSON.stringify(body)}`);
  return body.data.requestData;
}

/** The records of one request on each topic, once its ExportCompleted is there. */
async function recordsOf(requestId: string, topicKeys: readonly TopicKey[]): Promise<Map<TopicKey, RawRecord[]>> {
  const ofRequest = async (key: TopicKey) =>
    (await readRawTopic(deployment.names.topicNamespace, key)).filter((r) => r.headers["correlation-id"] === requestId);
  await waitFor(`ExportCompleted of ${requestId}`, async () =>
    (await ofRequest("exportCompleted")).length > 0 ? true : undefined,
  );
  const records = new Map<TopicKey, RawRecord[]>();
  for (const key of topicKeys) records.set(key, await ofRequest(key));
  return records;
}

function expectOneTrace(records: Map<TopicKey, RawRecord[]>, traceId: string): void {
  const all = [...records.values()].flat();
  for (const [key, ofTopic] of records) expect({ key, records: ofTopic.length > 0 }).toEqual({ key, records: true });
  const traceparents = all.map((r) => r.headers.traceparent ?? "");
  expect(new Set(traceparents.map(traceIdOf))).toEqual(new Set([traceId]));
  // Every publish is a span of its own: no two events name the same parent.
  expect(new Set(traceparents.map(parentSpanIdOf)).size).toBe(all.length);
}

describe("trace propagation", () => {
  it("carries requestData's trace context through every event of the export, a parent span per hop", async () => {
    const requestId = await requestDataTraced(incoming);
    expect((await waitForExport(deployment.graphqlUrl, requestId, 120_000)).status).toBe("Completed");
    const records = await recordsOf(requestId, exportTopics);
    expectOneTrace(records, traceIdOf(incoming) ?? "");
    const parents = [...records.values()].flat().map((r) => parentSpanIdOf(r.headers.traceparent ?? ""));
    // request-api continued the gateway's span with one of its own.
    expect(parents).not.toContain(parentSpanIdOf(incoming));
    const types = records.get("exportLifecycle")?.map((r) => r.headers["event-type"] ?? "") ?? [];
    expect(types.some((t) => t.endsWith("ExportPlanned"))).toBe(true);
    expect(types.some((t) => t.endsWith("TableUnloadCompleted"))).toBe(true);
  });

  it("sends every service's spans of that trace to the OTLP endpoint, SNS publish included", async () => {
    const traceId = traceIdOf(incoming);
    const expected = ["request-api", "planner", "unloader", "status-tracker", "notifier"];
    const spans = await waitFor(
      "spans of every service",
      () => {
        const inTrace = receiver.spans.filter((span) => span.traceId === traceId);
        const services = new Set(inTrace.map((span) => span.service));
        const names = inTrace.map((span) => span.name);
        return expected.every((s) => services.has(s)) && names.includes("SNS.Publish") ? inTrace : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const names = spans.map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining(["mutation RequestData", "DynamoDB.Scan", "SNS.Publish", "S3.putFile"]),
    );
    expect(names.some((name) => name.startsWith("COPY "))).toBe(true);
    expect(names.some((name) => name.startsWith("process ") && name.endsWith("unload-commands.v1"))).toBe(true);
    const root = spans.find((span) => span.name === "mutation RequestData");
    expect(root?.parentSpanId).toBe(parentSpanIdOf(incoming));
  });

  it("makes a scheduled export one trace from the trigger's DailyExportTriggered on", async () => {
    const run = await runTrigger(["--date", "2024-04-07", "--force"], { ...deployment.serviceEnv, LOG_LEVEL: "info" });
    expect(run.code).toBe(0);
    const requestId = run.triggered[0]?.requestId ?? "";
    expect((await waitForExport(deployment.graphqlUrl, requestId, 120_000)).status).toBe("Completed");
    const records = await recordsOf(requestId, [
      "dailyExportTriggered",
      "exportLifecycle",
      "unloadCommands",
      "exportCompleted",
    ]);
    const triggered = records.get("dailyExportTriggered")?.[0]?.headers.traceparent ?? "";
    expect(traceIdOf(triggered)).not.toBe(traceIdOf(incoming));
    expectOneTrace(records, traceIdOf(triggered) ?? "");
  });
});

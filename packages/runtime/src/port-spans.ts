import type { DescribeCall } from "./traced-calls.js";

/**
 * Span descriptions of the project's ports, with OpenTelemetry's conventional attributes (database client spans
 * for the warehouse, AWS SDK client spans for S3 and DynamoDB). Keyed by method name, so a port's adapters all get
 * the same spans; a method not listed is not traced.
 */

/** The S3 object store: one client span per operation, naming the bucket and the key. */
export function objectStoreSpans(bucket: string, region: string): DescribeCall {
  const byKey = new Set(["putFile", "putObject", "getObject", "getFile", "getText", "exists"]);
  const others = new Set(["list", "deleteObjects", "deleteVersions", "versioning", "ensureBucket"]);
  return (method, args) => {
    if (!byKey.has(method) && !others.has(method)) return undefined;
    const key = byKey.has(method) && typeof args[0] === "string" ? { "aws.s3.key": args[0] } : {};
    return {
      name: `S3.${method}`,
      kind: "client",
      attributes: {
        "rpc.system": "aws-api",
        "rpc.service": "S3",
        "rpc.method": method,
        "cloud.region": region,
        "aws.s3.bucket": bucket,
        ...key,
      },
    };
  };
}

/** The warehouse (`describeTable`, `unload`): database client spans naming the system, schema and table. */
export function warehouseSpans(system: "postgresql" | "redshift"): DescribeCall {
  return (method, args) => {
    if (method === "describeTable") {
      const [schema, table] = args as [string, string];
      return dbSpan(system, "describeTable", schema, table);
    }
    if (method === "unload") {
      const command = args[0] as { schema: string; table: string; requestId: string };
      const span = dbSpan(system, system === "redshift" ? "UNLOAD" : "COPY", command.schema, command.table);
      return { ...span, attributes: { ...span.attributes, "data_exporter.request_id": command.requestId } };
    }
    return undefined;
  };
}

function dbSpan(system: string, operation: string, schema: string, table: string) {
  return {
    name: `${operation} ${schema}.${table}`,
    kind: "client" as const,
    attributes: {
      "db.system.name": system,
      "db.operation.name": operation,
      "db.namespace": schema,
      "db.collection.name": table,
    },
  };
}

/** The DynamoDB configuration store: one client span per read of the configuration tables. */
export function configStoreSpans(region: string, tableNames: readonly string[]): DescribeCall {
  return (method) =>
    method === "load"
      ? {
          name: "DynamoDB.Scan",
          kind: "client",
          attributes: {
            "rpc.system": "aws-api",
            "rpc.service": "DynamoDB",
            "rpc.method": "Scan",
            "db.system.name": "aws.dynamodb",
            "cloud.region": region,
            "aws.dynamodb.table_names": [...tableNames],
          },
        }
      : undefined;
}

/** An SNS publish's client span attributes. */
export function snsPublishSpan(topicArn: string, region: string) {
  return {
    name: "SNS.Publish",
    kind: "client" as const,
    attributes: {
      "rpc.system": "aws-api",
      "rpc.service": "SNS",
      "rpc.method": "Publish",
      "cloud.region": region,
      "messaging.system": "aws_sns",
      "messaging.operation.type": "send",
      "messaging.destination.name": topicArn,
    },
  };
}

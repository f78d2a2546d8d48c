import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { topicAccess, topicAcls, topics, type KafkaClientName } from "../src/index.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const mainOf: Record<Exclude<KafkaClientName, "trigger">, string> = {
  "request-api": "services/request-api/src/main.ts",
  planner: "services/planner/src/main.ts",
  unloader: "services/unloader/src/main.ts",
  "status-tracker": "services/status-tracker/src/main.ts",
  notifier: "services/notifier/src/main.ts",
  "catalog-registrar": "services/catalog-registrar/src/main.ts",
};

describe("topicAccess", () => {
  it.each(Object.entries(mainOf))("lists exactly the consumer groups %s's main.ts joins", (client, file) => {
    const source = readFileSync(join(repo, file), "utf8");
    // groupId: "data-exporter.x" or groupId: `${config.TOPIC_NAMESPACE}data-exporter.x`
    const declared = [...source.matchAll(/groupId: (?:"|`\$\{config\.TOPIC_NAMESPACE\})([\w.-]+)["`]/g)].map(
      (m) => m[1],
    );
    const listed = topicAccess[client as KafkaClientName].consumes.map((c) => c.group);
    expect(declared.sort()).toEqual([...listed].sort());
  });

  it.each(Object.entries(mainOf))("lets %s publish to every topic its main.ts publishes to", (client, file) => {
    const source = readFileSync(join(repo, file), "utf8");
    const published = new Set([...source.matchAll(/producer\.publish\("(\w+)"/g)].map((m) => m[1]));
    for (const topic of published)
      expect(topicAccess[client as KafkaClientName].produces as readonly string[]).toContain(topic);
  });
});

describe("topicAcls", () => {
  it("grants the notifier its group and topic to read, dead letters to write, and nothing else to write or read", () => {
    const acls = topicAcls("notifier", "t-1.");
    const granted = (operation: string) =>
      acls.filter((a) => a.operation === operation).map((a) => `${a.resource}:${a.name}`);
    expect(granted("READ").sort()).toEqual(
      ["group:t-1.data-exporter.notifier", `topic:t-1.${topics.exportCompleted.name}`].sort(),
    );
    expect(granted("WRITE")).toEqual([`topic:t-1.${topics.deadLetter.name}`]);
    expect(granted("WRITE")).not.toContain(`topic:t-1.${topics.unloadCommands.name}`);
  });

  it("lets every client describe every topic (the start-up check), never create one, and lists each ACL once", () => {
    for (const client of Object.keys(topicAccess) as KafkaClientName[]) {
      const acls = topicAcls(client);
      for (const topic of Object.values(topics))
        expect(acls).toContainEqual({ resource: "topic", name: topic.name, operation: "DESCRIBE_CONFIGS" });
      const keys = acls.map((a) => `${a.resource}/${a.name}/${a.operation}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it("only the planner may write unload commands", () => {
    const writers = (Object.keys(topicAccess) as KafkaClientName[]).filter((client) =>
      topicAcls(client).some((a) => a.operation === "WRITE" && a.name === topics.unloadCommands.name),
    );
    expect(writers).toEqual(["planner"]);
  });
});

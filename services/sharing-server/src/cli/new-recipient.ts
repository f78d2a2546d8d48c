/**
 * npm run sharing -- --name NAME --shares S1[,S2] --endpoint URL [--days N | --expires ISO] [--config FILE]
 *   [--profile FILE]: a new Delta Sharing recipient (or a new token for an existing one). Writes the profile the
 * recipient downloads (the token is in it, and nowhere else) and adds the recipient, with only the token's SHA-256,
 * to the sharing configuration FILE (or prints the entry to add). A running server picks the change up within seconds.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { newRecipient, withRecipient } from "../domain/recipient-profile.js";
import { parseSharingConfig } from "../domain/sharing-config.js";

const usage = `usage: npm run sharing -- --name NAME --shares S1[,S2] --endpoint URL [--days N | --expires ISO-8601]
                          [--config sharing.json] [--profile NAME.share]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        name: { type: "string" },
        shares: { type: "string" },
        endpoint: { type: "string" },
        days: { type: "string" },
        expires: { type: "string" },
        config: { type: "string" },
        profile: { type: "string" },
      },
      strict: true,
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (!values.name || !values.shares || !values.endpoint) fail("--name, --shares and --endpoint are required");
if (!/^https?:\/\//.test(values.endpoint)) fail("--endpoint must be the server's http(s) URL with its path prefix");
if (values.days !== undefined && values.expires !== undefined) fail("give --days or --expires, not both");
const expiresAt =
  values.expires !== undefined
    ? new Date(values.expires)
    : new Date(Date.now() + Number(values.days ?? "90") * 86_400_000);
if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) fail("the token must expire in the future");

const recipient = newRecipient({
  name: values.name,
  shares: values.shares
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== ""),
  expiresAt,
  endpoint: values.endpoint,
});
if (values.config !== undefined) {
  const current = existsSync(values.config)
    ? (JSON.parse(readFileSync(values.config, "utf8")) as Record<string, unknown>)
    : { shares: [], recipients: [] };
  const next = withRecipient(current, recipient.entry);
  // The server would refuse a configuration that does not validate: so does this command, before writing it.
  try {
    parseSharingConfig(next, values.config);
  } catch (error) {
    fail((error as Error).message);
  }
  writeFileSync(values.config, `${JSON.stringify(next, null, 2)}\n`);
  process.stderr.write(`recipient ${values.name} written to ${values.config}\n`);
} else process.stdout.write(`${JSON.stringify(recipient.entry, null, 2)}\n`);
const profile = values.profile ?? `${values.name}.share`;
writeFileSync(profile, `${JSON.stringify(recipient.profile, null, 2)}\n`, { mode: 0o600 });
process.stderr.write(`profile for ${values.name} (expires ${expiresAt.toISOString()}): ${profile}\n`);

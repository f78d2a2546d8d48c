import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { SigningError } from "../errors.js";
import { SigningKeyring, type KeyringOptions, type SigningKeys } from "../keyring.js";
import { MIN_SECRET_LENGTH, type SigningKey } from "../signature.js";

/** The part of the SDK client the adapter uses. */
export interface SecretsClient {
  send(command: GetSecretValueCommand): Promise<{ VersionId?: string | undefined; SecretString?: string | undefined }>;
}

export interface SecretsManagerConfig {
  readonly region: string;
  /** An emulator's endpoint (moto locally); unset in AWS. */
  readonly endpoint?: string | undefined;
}

/**
 * A service's keyring over the signing secret (the planner signs with it, the unloader verifies with it), with the
 * client it reads through: call `destroy` on shutdown. A version not held is looked up at most once a second.
 */
export function secretsManagerKeyring(
  config: SecretsManagerConfig & { readonly secretId: string; readonly refreshMs: number },
  hooks: Pick<KeyringOptions, "onRotated" | "onReloadError">,
): { readonly keyring: SigningKeyring; readonly destroy: () => void } {
  const client = createSecretsManagerClient(config);
  const keyring = new SigningKeyring({
    load: secretsManagerKeys(client, config.secretId),
    refreshMs: config.refreshMs,
    minReloadIntervalMs: 1_000,
    ...hooks,
  });
  return { keyring, destroy: () => client.destroy() };
}

/** A Secrets Manager client; destroy it on shutdown. */
export function createSecretsManagerClient(config: SecretsManagerConfig): SecretsManagerClient {
  return new SecretsManagerClient({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
  });
}

type Stage = "AWSCURRENT" | "AWSPREVIOUS";

/**
 * Reads the signing secret's AWSCURRENT and AWSPREVIOUS versions. A secret that was never rotated has no
 * AWSPREVIOUS: only the current key is accepted then.
 */
export function secretsManagerKeys(client: SecretsClient, secretId: string): () => Promise<SigningKeys> {
  return async () => {
    const current = await readStage(client, secretId, "AWSCURRENT");
    if (current === undefined)
      throw new SigningError("SIGNING_KEY_INVALID", `signing secret ${secretId} has no AWSCURRENT version`);
    return { current, previous: await readStage(client, secretId, "AWSPREVIOUS") };
  };
}

async function readStage(client: SecretsClient, secretId: string, stage: Stage): Promise<SigningKey | undefined> {
  let answer: Awaited<ReturnType<SecretsClient["send"]>>;
  try {
    answer = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  } catch (error) {
    // The secret exists (AWSCURRENT was read) but no version carries the stage: nothing to accept.
    if (stage === "AWSPREVIOUS" && error instanceof ResourceNotFoundException) return undefined;
    const missing = error instanceof ResourceNotFoundException;
    throw new SigningError(
      missing ? "SIGNING_KEY_INVALID" : "SIGNING_KEY_UNAVAILABLE",
      missing
        ? `signing secret ${secretId} does not exist (create it: docs/operations.md)`
        : `cannot read signing secret ${secretId} (${stage}): ${(error as Error).message}`,
      { cause: error, retryable: !missing, context: { secretId, stage } },
    );
  }
  const { VersionId: versionId, SecretString: secret } = answer;
  if (versionId === undefined || secret === undefined || secret.length < MIN_SECRET_LENGTH)
    throw new SigningError(
      "SIGNING_KEY_INVALID",
      `signing secret ${secretId} (${stage}) must be a string of at least ${MIN_SECRET_LENGTH} characters`,
      { context: { secretId, stage, versionId } },
    );
  return { versionId, secret };
}

/**
 * Creates the signing secret with a random value unless it exists (local provisioning; in AWS the infrastructure
 * creates it). Returns its ARN.
 */
export async function ensureSigningSecret(
  client: SecretsManagerClient,
  name: string,
  randomSecret: () => string,
): Promise<string> {
  try {
    const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: randomSecret() }));
    return created.ARN ?? name;
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    return name;
  }
}

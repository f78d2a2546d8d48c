import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { kafkaClientNames } from "@data-exporter/contracts";
import { StackError } from "./errors.js";
import type { Profile } from "./paths.js";
import { run } from "./processes.js";

const { Kafka, logLevel } = kafkajs;

/**
 * Whether the local broker also serves a SASL_SSL listener (SCRAM-SHA-512 users, a locally generated CA, ACLs):
 * KAFKA_SECURITY=sasl_ssl or none. The test profile always has it: its secured-listener test then needs no broker of
 * its own (a second JVM and KRaft format per run would cost more than the listener, which idles otherwise), and
 * the plaintext listener the rest of the suite uses is unchanged (its ANONYMOUS principal is a super user).
 */
export type KafkaSecurityMode = "none" | "sasl_ssl";

export function kafkaSecurityMode(profile: Profile, env: NodeJS.ProcessEnv): KafkaSecurityMode {
  const value = env["KAFKA_SECURITY"];
  if (value === undefined || value === "") return profile === "test" ? "sasl_ssl" : "none";
  if (value === "none" || value === "sasl_ssl") return value;
  throw new StackError("PROVISION_FAILED", `KAFKA_SECURITY must be none or sasl_ssl (got "${value}")`, {
    component: "kafka",
  });
}

/** The super user of the secured listener (topic creation, ACLs, the operator tools). */
export const kafkaAdminUser = "admin";
/** SCRAM users of the secured listener: the administrator and one per Kafka client of topicAccess. */
export const localKafkaUsers: readonly string[] = [kafkaAdminUser, ...kafkaClientNames];

/** Files of the secured listener, kept in the profile's state folder (`.local/<profile>/kafka/security`). */
export interface KafkaSecurityFiles {
  readonly dir: string;
  /** The local CA's certificate: what clients trust (KAFKA_SSL_CA_FILE). */
  readonly ca: string;
  /** The broker's private key and certificate chain, PEM (Kafka's `ssl.keystore.type=PEM`). */
  readonly brokerKeystore: string;
  /** One file per user holding its password (KAFKA_SASL_PASSWORD_FILE). */
  readonly passwords: string;
}

export function kafkaSecurityFiles(dir: string): KafkaSecurityFiles {
  return {
    dir,
    ca: join(dir, "tls", "ca.pem"),
    brokerKeystore: join(dir, "tls", "broker-keystore.pem"),
    passwords: join(dir, "passwords"),
  };
}

/** The password file of a local user. */
export function passwordFile(files: KafkaSecurityFiles, user: string): string {
  return join(files.passwords, user);
}

/**
 * Creates what is missing: a CA and a broker certificate for 127.0.0.1/localhost signed by it (openssl, ten years),
 * and a random password per user. Existing files are kept, so clients configured earlier keep working.
 */
export async function ensureKafkaSecurityFiles(dir: string, log: (msg: string) => void): Promise<KafkaSecurityFiles> {
  const files = kafkaSecurityFiles(dir);
  if (!existsSync(files.ca) || !existsSync(files.brokerKeystore)) {
    log("kafka: generating the local CA and broker certificate for the secured listener");
    const tlsDir = join(dir, "tls");
    const tmp = `${tlsDir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const at = (name: string): string => join(tmp, name);
    const openssl = (...args: string[]): Promise<string> => run("openssl", args);
    await openssl(
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-keyout", at("ca.key")],
      ...["-out", at("ca.pem"), "-subj", "/CN=data-exporter local Kafka CA"],
      ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    );
    await openssl(
      ...["req", "-newkey", "rsa:2048", "-nodes", "-keyout", at("broker.key"), "-out", at("broker.csr")],
      ...["-subj", "/CN=localhost"],
    );
    writeFileSync(at("broker.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    await openssl(
      ...["x509", "-req", "-in", at("broker.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key")],
      ...["-CAcreateserial", "-days", "3650", "-extfile", at("broker.ext"), "-out", at("broker.pem")],
    );
    // Kafka's PEM keystore: the (PKCS#8, unencrypted) key, then the certificate chain.
    writeFileSync(
      at("broker-keystore.pem"),
      [at("broker.key"), at("broker.pem"), at("ca.pem")].map((f) => readFileSync(f, "utf8")).join(""),
      { mode: 0o600 },
    );
    for (const name of ["ca.key", "broker.key", "broker.csr", "broker.ext", "broker.pem", "ca.srl"])
      rmSync(at(name), { force: true });
    rmSync(tlsDir, { recursive: true, force: true });
    renameSync(tmp, tlsDir);
  }
  mkdirSync(files.passwords, { recursive: true, mode: 0o700 });
  for (const user of localKafkaUsers) {
    const file = passwordFile(files, user);
    if (!existsSync(file)) writeFileSync(file, `${randomBytes(18).toString("base64url")}\n`, { mode: 0o600 });
  }
  return files;
}

/** server.properties lines that add the SASL_SSL listener and the authorizer (joined to the plaintext ones). */
export function securedListenerProperties(files: KafkaSecurityFiles): string[] {
  return [
    "sasl.enabled.mechanisms=SCRAM-SHA-512",
    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "ssl.keystore.type=PEM",
    `ssl.keystore.location=${files.brokerKeystore}`,
    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    // ANONYMOUS is whoever connects through the plaintext listeners (clients, the controller, the broker itself):
    // they keep every right, so the rest of the suite and `npm start` work as before. Only the SASL_SSL listener,
    // where ANONYMOUS cannot occur, is production-like: its users have what their ACLs grant.
    `super.users=User:ANONYMOUS;User:${kafkaAdminUser}`,
  ];
}

/** Whether `user` can authenticate on the secured listener with its password file, trusting the local CA. */
export async function scramLoginWorks(brokers: string, files: KafkaSecurityFiles, user: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: "stack-secured-readiness",
    brokers: brokers.split(","),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    ssl: { ca: [readFileSync(files.ca, "utf8")] },
    sasl: {
      mechanism: "scram-sha-512",
      username: user,
      password: readFileSync(passwordFile(files, user), "utf8").trim(),
    },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Makes every local user's SCRAM credential match its password file: skipped when the administrator can already log
 * in (they are written together), else one JVM upserts them all through the plaintext listener. Credentials live in
 * the cluster's metadata, so they survive restarts; a data folder formatted before this existed gets them here.
 */
export async function ensureScramUsers(options: {
  plaintextBrokers: string;
  securedBrokers: string;
  files: KafkaSecurityFiles;
  javaArgs: (...rest: string[]) => string[];
  program: string;
  logFile: string;
  log: (msg: string) => void;
}): Promise<void> {
  const { files, securedBrokers } = options;
  if (await scramLoginWorks(securedBrokers, files, kafkaAdminUser)) return;
  options.log(`kafka: adding SCRAM users ${localKafkaUsers.join(", ")} to the secured listener`);
  await run("java", options.javaArgs(options.program, options.plaintextBrokers, files.passwords), {
    logFile: options.logFile,
  });
  // The broker learns new credentials from the metadata log a moment after the controller commits them.
  const deadline = Date.now() + 15_000;
  while (!(await scramLoginWorks(securedBrokers, files, kafkaAdminUser))) {
    if (Date.now() > deadline)
      throw new StackError("NOT_READY", `kafka: SCRAM login as ${kafkaAdminUser} on ${securedBrokers} still fails`, {
        component: "kafka",
      });
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

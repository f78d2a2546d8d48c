export { SigningError, signingErrorCodes, type SigningErrorCode, type SigningErrorOptions } from "./errors.js";
export {
  MIN_SECRET_LENGTH,
  refusalReason,
  signatureHeaders,
  signingInput,
  signMessage,
  verifyMessage,
  type KeyLookup,
  type SignableMessage,
  type SignatureProblem,
  type SigningKey,
  type Verdict,
} from "./signature.js";
export { messageSigner, SigningKeyring, type KeyringOptions, type SigningKeys } from "./keyring.js";
export {
  createSecretsManagerClient,
  ensureSigningSecret,
  secretsManagerKeyring,
  secretsManagerKeys,
  type SecretsClient,
  type SecretsManagerConfig,
} from "./secrets-manager/secrets-manager-keys.js";

/**
 * The one redaction: every text from a server, a library or a thrown error passes through
 * here before a person or a log sees it, so no message ever carries a key or a signature,
 * and every removed value reads the same.
 */
import type { Credentials } from "./types";

/** What a removed value is replaced with. */
export const REDACTED = "[redacted]";

// Each pattern keeps its leading name (group 1) and replaces only the value, so a redacted
// message still says which part was removed.
const SECRET_PATTERNS: readonly RegExp[] = [
  // SigV4 Authorization header (whole value: it carries the key id and the signature).
  /(authorization["']?\s*[:=]\s*["']?)[^\r\n"']+/gi,
  // Presigned-URL query parameters and their header twins.
  /(x-amz-(?:signature|credential|security-token)["']?\s*[:=]\s*["']?)[^&\s"'<>,;]+/gi,
  // The parts of an Authorization value quoted on their own.
  /(\b(?:Credential|Signature)=)[^&\s"'<>,;]+/g,
  // Elements of an AWS SignatureDoesNotMatch / InvalidAccessKeyId error body.
  /(<(?:AWSAccessKeyId|SignatureProvided|StringToSign|StringToSignBytes|CanonicalRequest|CanonicalRequestBytes)>)[^<]*/gi,
  // Credential-shaped fields of objects that were stringified into a message.
  /(["']?(?:secretAccessKey|accessKeyId|sessionToken|secret_access_key|access_key_id)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
];

// AWS access key ids have a recognisable shape even when they appear on their own.
const AWS_KEY_ID = /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g;

/**
 * Removes credentials and request signatures from a text meant for a person or a log:
 * Authorization values, `X-Amz-Signature` / `X-Amz-Credential` / `X-Amz-Security-Token`,
 * `Credential=` / `Signature=` parts, the signing details S3 echoes in error bodies, AWS key
 * ids, and any literal value listed in `secrets`.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a value that holds another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    // Very short values would blank out ordinary words; real keys are far longer.
    if (secret && secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, `$1${REDACTED}`);
  return out.replace(AWS_KEY_ID, REDACTED);
}

/** The literal values of a set of credentials, for `redactSecrets`; none without credentials. */
export function credentialValues(credentials: Credentials | undefined): string[] {
  return credentials ? [credentials.accessKeyId, credentials.secretAccessKey] : [];
}

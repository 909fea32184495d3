/**
 * Keys are printable ASCII, and the access key ID travels in a header, which cannot carry
 * anything else: a key holding "…" (a placeholder copied from an example), a non-breaking
 * space or a line break fails every request with a transport error that says nothing about
 * the key. Checked where keys are read, so the person hears about the key itself.
 */

/** The kind of characters in `value` that no request can carry, or undefined when there are none. */
export function unsendableCharacters(value: string): string | undefined {
  if (value.includes("…")) return 'a "…", as in a placeholder left in';
  if (/[^\x20-\x7e]/.test(value.replace(/[\x80-\uffff]/g, ""))) return "control characters such as a tab or a line break";
  if (/[^\x20-\x7e]/.test(value)) return "non-ASCII characters, such as a typographic quote or a non-breaking space";
  return undefined;
}

/**
 * A sentence about a key that holds characters no request can carry, naming the key as the
 * face knows it (`S3_ACCESS_KEY_ID`, `the secret "r2-key"`) and never its value; undefined when
 * the key can be sent.
 */
export function unsendableKeyMessage(value: string, name: string, fix: string): string | undefined {
  const what = unsendableCharacters(value);
  return what === undefined ? undefined : `${name} holds characters that cannot be sent in a request (${what}). ${fix}`;
}

/**
 * `bytes` random bytes as lower-case hex (twice as many digits). Uses the Web Crypto API,
 * which Obsidian on desktop and mobile and Node alike provide, so every layer shares it.
 */
export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Small readers over byte arrays for the container parsers; every read is bounds-checked by its caller. */

/** Why a file's metadata could not be removed: a sentence about the file, for an `UploadError`. */
export class ProcessRefusal extends Error {
  /** The step that refused: removing metadata, or making an SVG safe. */
  readonly step: "metadata" | "svg";

  constructor(reason: string, step: "metadata" | "svg" = "metadata") {
    super(reason);
    this.name = "ProcessRefusal";
    this.step = step;
  }
}

export function u16be(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

export function u32be(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

export function u16le(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}

export function u32le(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

export function ascii(b: Uint8Array, from: number, length: number): string {
  if (from < 0 || from + length > b.length) return "";
  let s = "";
  for (let i = from; i < from + length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** The parts joined into one array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

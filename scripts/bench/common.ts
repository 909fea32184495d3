/**
 * Pieces shared by the benchmark's workloads: test images, a promise pool for the baselines,
 * medians, and the task protocol between the orchestrator (bench.mjs) and its child processes.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { bucketScope } from "../../src/core/link/publicUrl";
import { FileUploadIndex } from "../../src/core/settings/uploadIndexFile";
import type { Profile } from "../../src/core/types";

/** Where the S3 server is, as the orchestrator passes it to every task. */
export interface ServerInfo {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([head, body, crc]);
}

/**
 * A PNG-shaped file of exactly `size` bytes whose content is random (photographs do not
 * compress, and every call gives new bytes, so no two images share a hash).
 */
export function randomPng(size: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(640, 0);
  ihdr.writeUInt32BE(480, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const head = Buffer.concat([Buffer.from(PNG_SIGNATURE), pngChunk("IHDR", ihdr)]);
  const tail = pngChunk("IEND", Buffer.alloc(0));
  const payload = size - head.length - tail.length - 12;
  if (payload < 0) throw new RangeError(`a PNG needs at least ${head.length + tail.length + 12} bytes`);
  return Buffer.concat([head, pngChunk("IDAT", randomBytes(payload)), tail]);
}

/**
 * A vault folder with one note embedding `count` distinct images of `size` bytes, kept as a
 * template and copied before each run. Made once per benchmark run and reused by every task.
 */
export function imageVaultTemplate(
  root: string,
  count: number,
  size: number,
  kind: { label: string; ext: string; make: (size: number) => Uint8Array } = { label: "png", ext: "png", make: randomPng },
): { dir: string; note: string; images: string[] } {
  const dir = path.join(root, `vault-${count}x${size}${kind.label === "png" ? "" : `-${kind.label}`}`);
  const note = "Gallery.md";
  const images = Array.from({ length: count }, (_, i) => `attachments/photo ${String(i).padStart(3, "0")}.${kind.ext}`);
  if (!fs.existsSync(path.join(dir, note))) {
    const tmp = `${dir}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(path.join(tmp, "attachments"), { recursive: true });
    // An Obsidian vault, as the tool tells one by its root: its wiki embeds name files by name alone.
    fs.mkdirSync(path.join(tmp, ".obsidian"));
    for (const img of images) fs.writeFileSync(path.join(tmp, img), kind.make(size));
    // Wiki embeds and markdown embeds, as a real note mixes them.
    const lines = images.map((img, i) => (i % 2 === 0 ? `Shot ${i}: ![[${path.basename(img)}]]` : `Shot ${i}: ![photo ${i}](${encodeURI(img)})`));
    fs.writeFileSync(path.join(tmp, note), `# Gallery\n\n${lines.join("\n\n")}\n`);
    syncTree(tmp);
    fs.renameSync(tmp, dir);
  }
  return { dir, note, images };
}

/**
 * Writes a folder's files through to disk, so that the kernel does not write them back
 * later, in the middle of a timed run.
 */
export function syncTree(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) syncTree(p);
    else if (e.isFile()) {
      const fd = fs.openSync(p, "r");
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
}

/**
 * A fresh copy of `template` in a new folder under `root`: notes are copied (the engine
 * rewrites them, by replacing the file), every other file is hard-linked. The engine only
 * reads those, and a link shares the template's cached pages, so every run reads images
 * under the same conditions as the baselines do, without a copy being written back to disk
 * while it is timed.
 */
export function freshCopy(template: string, root: string, label: string): string {
  const dir = fs.mkdtempSync(path.join(root, `${label}-`));
  const copy = (from: string, to: string): void => {
    for (const e of fs.readdirSync(from, { withFileTypes: true })) {
      const src = path.join(from, e.name);
      const dst = path.join(to, e.name);
      if (e.isDirectory()) {
        fs.mkdirSync(dst);
        copy(src, dst);
      } else if (e.name.toLowerCase().endsWith(".md")) {
        fs.copyFileSync(src, dst);
      } else {
        try {
          fs.linkSync(src, dst);
        } catch {
          fs.copyFileSync(src, dst);
        }
      }
    }
  };
  copy(template, dir);
  return dir;
}

/** Runs `worker` over `items`, `concurrency` at a time (the baselines' own pool, not the engine's). */
export async function pool<T>(items: readonly T[], concurrency: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await worker(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Milliseconds since an arbitrary origin, high resolution. */
export const now = (): number => performance.now();

/** Reads the task's argument (JSON) and prints its result as the last line of stdout. */
export async function runTask(tasks: Record<string, (args: never) => Promise<unknown>>): Promise<void> {
  const [name, json] = process.argv.slice(2);
  const task = tasks[name];
  if (!task) throw new Error(`unknown task ${name}; known: ${Object.keys(tasks).join(", ")}`);
  const result = await task(JSON.parse(json ?? "{}") as never);
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
}

/** A progress line on stderr, which the orchestrator shows as it runs. */
export function log(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/**
 * The text of an upload index file holding `count` records of `profile`'s bucket, written by the
 * index itself (keys as the default template gives them).
 */
export async function indexFileText(count: number, profile: Pick<Profile, "endpoint" | "bucket">): Promise<string> {
  let text = "";
  const file = { read: async () => text, write: async (t: string) => void (text = t), append: async (t: string) => void (text += t) };
  const index = new FileUploadIndex(file);
  await index.load();
  const scope = bucketScope(profile);
  for (let i = 0; i < count; i++) {
    const hash = createHash("sha256").update(String(i)).digest("hex");
    index.set(scope, hash, { key: `img/${hash.slice(0, 32)}.png`, at: 1_700_000_000_000 + i * 1000 });
  }
  await index.flush();
  return text;
}

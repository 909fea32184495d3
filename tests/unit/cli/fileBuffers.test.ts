import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync, type Stats } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FileBuffers, sizeClass } from "../../../src/cli/fileBuffers";

describe("FileBuffers", () => {
  let dir: string;
  const files = new Map<string, Buffer>();
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "s3ih-buffers-"));
    for (const size of [0, 1, 4095, 4096, 4097, 200_000, 1_500_000]) {
      const bytes = randomBytes(size);
      const file = path.join(dir, `f${size}.bin`);
      writeFileSync(file, bytes);
      files.set(file, bytes);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const at = (size: number): string => path.join(dir, `f${size}.bin`);

  it("reads every file whole and exactly, whatever its size, with or without releases in between", () => {
    const buffers = new FileBuffers();
    for (const release of [false, true]) {
      // Largest first, so smaller files land in used buffers with old bytes past their end.
      for (const [file, want] of [...files].reverse()) {
        const got = buffers.read(file);
        expect(Buffer.from(got).equals(want)).toBe(true);
        if (release) buffers.release(got);
      }
    }
  });

  it("serves a later file from released memory, and never from memory still lent out", () => {
    const buffers = new FileBuffers();
    const first = buffers.read(at(200_000));
    const second = buffers.read(at(4097));
    expect(second.buffer).not.toBe(first.buffer);
    const kept = Buffer.from(first);
    buffers.release(second);
    const third = buffers.read(at(4096));
    expect(third.buffer).toBe(second.buffer);
    expect(Buffer.from(first).equals(kept)).toBe(true);
    buffers.release(first);
    expect(buffers.read(at(1_500_000)).buffer).not.toBe(first.buffer);
    expect(buffers.read(at(200_000)).buffer).toBe(first.buffer);
  });

  it("ignores bytes it did not lend and a second release of the same bytes", () => {
    const buffers = new FileBuffers();
    const a = buffers.read(at(4097));
    buffers.release(new Uint8Array(10));
    buffers.release(a);
    buffers.release(a);
    const b = buffers.read(at(4097));
    const c = buffers.read(at(4097));
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(a.buffer);
  });

  it("keeps no more free memory than it is allowed", () => {
    const buffers = new FileBuffers(300_000);
    const a = buffers.read(at(200_000));
    const b = buffers.read(at(200_000));
    buffers.release(a);
    buffers.release(b);
    expect(buffers.read(at(200_000)).buffer).toBe(a.buffer);
    expect(buffers.read(at(200_000)).buffer).not.toBe(b.buffer);
  });

  it("reads a file to its current end when it grew after its size was taken", () => {
    const buffers = new FileBuffers();
    // The module object the code under test calls into, not a copy of its bindings.
    const fs = jest.requireActual<typeof import("node:fs")>("node:fs");
    const stat = jest.spyOn(fs, "fstatSync").mockReturnValueOnce({ size: 100 } as Stats);
    try {
      const got = buffers.read(at(200_000));
      expect(stat).toHaveBeenCalledTimes(1);
      expect(Buffer.from(got).equals(files.get(at(200_000)) as Buffer)).toBe(true);
    } finally {
      stat.mockRestore();
    }
  });

  it("throws as reading the file would, for a missing file and a folder", () => {
    const buffers = new FileBuffers();
    expect(() => buffers.read(path.join(dir, "missing.png"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
    expect(() => buffers.read(dir)).toThrow(expect.objectContaining({ code: "EISDIR" }));
  });

  it("rounds sizes up by at most an eighth", () => {
    for (const n of [1, 4096, 4097, 5000, 65_537, 200_001, 4_000_001, 33_554_433]) {
      const c = sizeClass(n);
      expect(c).toBeGreaterThanOrEqual(n);
      if (n > 4096) expect(c - n).toBeLessThanOrEqual(n / 8);
    }
  });
});

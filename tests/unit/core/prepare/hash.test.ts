import { createHash, randomBytes } from "node:crypto";
import { md5Hex, sha256Hex } from "../../../../src/core/prepare/hash";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const nodeHash = (algorithm: string, data: Uint8Array): string => createHash(algorithm).update(data).digest("hex");

describe("sha256Hex", () => {
  test("matches the published test vectors", async () => {
    expect(await sha256Hex(text(""))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(await sha256Hex(text("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  test("agrees with Node's implementation on a megabyte of random bytes", async () => {
    const data = new Uint8Array(randomBytes(1024 * 1024 + 7));
    expect(await sha256Hex(data)).toBe(nodeHash("sha256", data));
  });

  test("hashes only the bytes a subarray view covers, not its whole buffer", async () => {
    const whole = text("xxabcyy");
    const view = whole.subarray(2, 5);
    expect(await sha256Hex(view)).toBe(nodeHash("sha256", text("abc")));
  });
});

describe("md5Hex", () => {
  test("matches the RFC 1321 test vectors", async () => {
    expect(await md5Hex(text(""))).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(await md5Hex(text("abc"))).toBe("900150983cd24fb0d6963f7d28e17f72");
    expect(await md5Hex(text("message digest"))).toBe("f96b697d7cb7938d525a2f31aaf161d0");
  });

  test.each([1, 63, 64, 1000, 256 * 1024])("gives Node's answer for a multi-chunk buffer hashed %i bytes at a time", async (chunkBytes) => {
    const data = new Uint8Array(randomBytes(chunkBytes === 1 ? 5000 : 600 * 1024 + 13));
    const noWait = (): Promise<void> => Promise.resolve();
    expect(await md5Hex(data, { chunkBytes, yieldEvery: noWait })).toBe(nodeHash("md5", data));
  });

  test("yields once between each pair of chunks and never after the last", async () => {
    let yields = 0;
    const count = (): Promise<void> => {
      yields++;
      return Promise.resolve();
    };
    await md5Hex(new Uint8Array(10 * 1000 + 1), { chunkBytes: 1000, yieldEvery: count });
    expect(yields).toBe(10);

    yields = 0;
    await md5Hex(new Uint8Array(1000), { chunkBytes: 1000, yieldEvery: count });
    await md5Hex(new Uint8Array(0), { chunkBytes: 1000, yieldEvery: count });
    expect(yields).toBe(0);
  });

  test("lets pending timers run while it hashes a large image", async () => {
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
    }, 0);
    await md5Hex(new Uint8Array(2 * 1024 * 1024));
    expect(timerRan).toBe(true);
  });

  test("hashes an 8 MB image in 256 KiB stretches with a yield after each but the last", async () => {
    const data = new Uint8Array(randomBytes(8 * 1024 * 1024));
    let yields = 0;
    const count = (): Promise<void> => {
      yields++;
      return Promise.resolve();
    };
    expect(await md5Hex(data, { yieldEvery: count })).toBe(nodeHash("md5", data));
    expect(yields).toBe(8 * 4 - 1);
  });

  test("rejects a chunk size that is not a positive integer", async () => {
    await expect(md5Hex(text("abc"), { chunkBytes: 0 })).rejects.toThrow(RangeError);
    await expect(md5Hex(text("abc"), { chunkBytes: 1.5 })).rejects.toThrow(RangeError);
  });
});

import { exitOnceWritten, type FlushableStream } from "../../../src/cli/exit";

/** A stream whose writes are handed on only when the test says so, in order, as Node's are. */
class HeldStream implements FlushableStream {
  readonly chunks: string[] = [];
  private readonly waiting: Array<(error?: Error | null) => void> = [];
  write(chunk: string, callback: (error?: Error | null) => void): boolean {
    this.chunks.push(chunk);
    this.waiting.push(callback);
    return false;
  }
  handOn(error?: Error): void {
    for (const cb of this.waiting.splice(0)) cb(error ?? null);
  }
}

describe("exitOnceWritten", () => {
  it("exits with the code only after both streams have handed on what was written to them", () => {
    const out = new HeldStream();
    const err = new HeldStream();
    const exits: number[] = [];
    exitOnceWritten(3, [out, err], (code) => exits.push(code));
    expect(out.chunks).toEqual([""]);
    expect(err.chunks).toEqual([""]);
    expect(exits).toEqual([]);
    out.handOn();
    expect(exits).toEqual([]);
    err.handOn();
    expect(exits).toEqual([3]);
  });

  it("exits when a stream is written to synchronously (a file, a pipe on Linux)", () => {
    const sync: FlushableStream = {
      write: (_chunk, callback) => {
        callback();
        return true;
      },
    };
    const exits: number[] = [];
    exitOnceWritten(0, [sync, sync], (code) => exits.push(code));
    expect(exits).toEqual([0]);
  });

  it("is not held back by a stream whose reader has gone, whether it throws or reports the error", () => {
    const throwing: FlushableStream = {
      write: () => {
        throw new Error("write EPIPE");
      },
    };
    const failing = new HeldStream();
    const exits: number[] = [];
    exitOnceWritten(1, [throwing, failing], (code) => exits.push(code));
    expect(exits).toEqual([]);
    failing.handOn(new Error("write after end"));
    expect(exits).toEqual([1]);
  });

  it("exits once, with no streams at all", () => {
    const exits: number[] = [];
    exitOnceWritten(2, [], (code) => exits.push(code));
    expect(exits).toEqual([2]);
  });
});

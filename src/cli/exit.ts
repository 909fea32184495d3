/**
 * How the command-line tool ends once its work is done: as soon as what it wrote to stdout
 * and stderr has been handed on, rather than when Node has nothing left to wait for and has
 * torn down its heap. That teardown took about 10 ms at the end of every run, and a handle
 * left open (a connection the server keeps alive) would keep the process waiting after its
 * report, which it has no more reason to do.
 */

/** The part of a stream that is written to: `process.stdout` and `process.stderr`. */
export interface FlushableStream {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
}

/**
 * Calls `exit(code)` once an empty write to every stream has been handed on, which happens
 * only after everything written before it (writes to one stream keep their order). A stream
 * that can no longer be written to (its reader has gone) does not hold the exit back.
 */
export function exitOnceWritten(code: number, streams: readonly FlushableStream[], exit: (code: number) => void): void {
  // One more than the streams: the last count is taken once every write has been started.
  let pending = streams.length + 1;
  const done = (): void => {
    pending -= 1;
    if (pending === 0) exit(code);
  };
  for (const stream of streams) {
    try {
      stream.write("", done);
    } catch {
      done();
    }
  }
  done();
}

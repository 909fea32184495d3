/**
 * Wraps a requestUrl function so a test can hold chosen requests until it has done something
 * (typed in the editor, switched notes) while an upload is in flight. Requests are real; only
 * their start is delayed. Every request is recorded.
 */
import type { RequestUrlFn, RequestUrlParamLike } from "../../src/storage/requestUrlHandler";

export interface HeldRequests {
  /** The wrapped function to hand to the transport. */
  requestUrl: RequestUrlFn;
  /** Every request made, in order. */
  calls: RequestUrlParamLike[];
  /** How many requests used `method` (all when omitted). */
  count(method?: string): number;
  /** Hold every later request for which `which` is true (by default: PUTs). */
  hold(which?: (p: RequestUrlParamLike) => boolean): void;
  /** Resolves once `n` requests are being held. */
  waitForHeld(n?: number): Promise<void>;
  /** Lets every held request go and stops holding new ones. */
  releaseAll(): void;
}

export function holdingRequestUrl(inner: RequestUrlFn): HeldRequests {
  const calls: RequestUrlParamLike[] = [];
  let which: ((p: RequestUrlParamLike) => boolean) | null = null;
  const held: (() => void)[] = [];
  let changed: () => void = () => undefined;

  const requestUrl: RequestUrlFn = async (p) => {
    calls.push(p);
    if (which?.(p)) {
      await new Promise<void>((release) => {
        held.push(release);
        changed();
      });
    }
    return inner(p);
  };

  return {
    requestUrl,
    calls,
    count: (method) => (method ? calls.filter((c) => (c.method ?? "GET").toUpperCase() === method.toUpperCase()).length : calls.length),
    hold: (predicate = (p) => (p.method ?? "GET").toUpperCase() === "PUT") => {
      which = predicate;
    },
    waitForHeld: async (n = 1) => {
      while (held.length < n) await new Promise<void>((r) => (changed = r));
    },
    releaseAll: () => {
      which = null;
      for (const release of held.splice(0)) release();
    },
  };
}

/**
 * Obsidian's transport for tests, recorded: `RequestUrlHttpHandler` over the requestUrl double,
 * with every request it sent written down (the S3 client and the server stay real). A test can
 * also hold chosen requests until it has done something (typed in the editor, switched notes,
 * pasted again) while an upload is in flight; requests are never changed, only their start is
 * delayed.
 */
import { RequestUrlHttpHandler, type RequestUrlFn, type RequestUrlParamLike } from "../../src/storage/requestUrlHandler";
import { requestUrl as fakeRequestUrl } from "../fakes/requestUrl";

/** One request the transport sent. */
export interface RecordedRequest {
  method: string;
  url: string;
  /** The headers handed to requestUrl, names lower-cased, plus `content-type` from `contentType`. */
  headers: Record<string, string>;
}

/** A hold on the upload of certain bytes. */
interface BytesHold {
  bytes: Buffer;
  gate: Promise<void>;
  reached: () => void;
}

const methodOf = (p: RequestUrlParamLike): string => (p.method ?? "GET").toUpperCase();
const isPut = (p: RequestUrlParamLike): boolean => methodOf(p) === "PUT";

export class RequestRecorder {
  /** Every request made, in order. */
  readonly calls: RecordedRequest[] = [];
  private holding: ((p: RequestUrlParamLike) => boolean) | null = null;
  /** How to let each request held by `hold` go. */
  private readonly held: (() => void)[] = [];
  private readonly bytesHolds: BytesHold[] = [];
  private heldChanged: () => void = () => undefined;
  private handlerOnce: RequestUrlHttpHandler | null = null;

  /** `inner` does the real work; by default the requestUrl double over Node's http. */
  constructor(private readonly inner: RequestUrlFn = fakeRequestUrl) {}

  /** The recorded requestUrl, for code that takes Obsidian's function (the plugin's uploader factory). */
  readonly requestUrl: RequestUrlFn = async (p) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.headers ?? {})) headers[k.toLowerCase()] = v;
    if (p.contentType !== undefined) headers["content-type"] = p.contentType;
    this.calls.push({ method: methodOf(p), url: p.url, headers });
    await this.waitIfHeld(p);
    return this.inner(p);
  };

  /** The S3 SDK's request handler over the recorded requestUrl, as the plugin builds it. */
  get handler(): RequestUrlHttpHandler {
    this.handlerOnce ??= new RequestUrlHttpHandler(this.requestUrl);
    return this.handlerOnce;
  }

  /** How many requests used `method` (all when omitted). */
  count(method?: string): number {
    return method ? this.calls.filter((c) => c.method === method.toUpperCase()).length : this.calls.length;
  }

  /** Holds every later request for which `which` is true (by default: PUTs) until `releaseAll`. */
  hold(which: (p: RequestUrlParamLike) => boolean = isPut): void {
    this.holding = which;
  }

  /** Resolves once `n` requests are being held by `hold`. */
  async waitForHeld(n = 1): Promise<void> {
    while (this.held.length < n) await new Promise<void>((r) => (this.heldChanged = r));
  }

  /** Lets every request held by `hold` go and stops holding new ones. */
  releaseAll(): void {
    this.holding = null;
    for (const release of this.held.splice(0)) release();
  }

  /**
   * Holds the PUT whose body is exactly `bytes`: `reached` resolves when it is waiting, and it
   * starts once `release` is called. Other requests pass.
   */
  holdUpload(bytes: Uint8Array): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const reachedP = new Promise<void>((r) => (reached = r));
    this.bytesHolds.push({ bytes: Buffer.from(bytes), gate, reached });
    return { reached: reachedP, release };
  }

  private async waitIfHeld(p: RequestUrlParamLike): Promise<void> {
    if (this.holding?.(p)) {
      await new Promise<void>((release) => {
        this.held.push(release);
        this.heldChanged();
      });
    }
    if (isPut(p) && p.body instanceof ArrayBuffer) {
      const body = Buffer.from(p.body);
      const hold = this.bytesHolds.find((h) => h.bytes.equals(body));
      if (hold) {
        hold.reached();
        await hold.gate;
      }
    }
  }
}

/**
 * PutObject with less of the SDK's work per request, for a client that sends many of them (a
 * bulk run of the command-line tool).
 *
 * Every `client.send` goes through the SDK's whole middleware pipeline: the operation's input
 * is serialised by walking its schema, the endpoint and the auth scheme are resolved, retry
 * state and telemetry headers are made, and the response is deserialised by the schema again.
 * For a PutObject that is most of the client's CPU per upload, about 0.6 ms each in a run of
 * 200 (the code runs too few times to get optimised), while what reaches the server is one
 * signed request whose shape never changes between uploads but for its key.
 *
 * So a `DirectPuts` watches the client's first successful PutObject, rebuilds that request
 * from the same input with its own few lines and signs it with the client's own signer at the
 * SDK's signing time. Only when the rebuilt request is the SDK's, byte for byte (URL, every
 * header, the signature), does it send later PutObjects itself: built the same way, signed by
 * the same signer with the client's clock correction, through the client's own HTTP handler.
 * Anything it was not shown (another bucket, a condition, a member it does not build) goes
 * through the SDK as before, and so does a request of its own that did not succeed: it is
 * sent again through the SDK, whose retries, clock correction and error explanations apply
 * as they always did, and the client goes back to the SDK for good.
 */
import type { PutObjectCommandInput, S3Client, ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-s3";
import { extendedEncodeURIComponent, HttpRequest } from "@smithy/core/protocols";
import type { DeserializeMiddleware, HttpHandlerOptions, RequestSigner } from "@smithy/types";

/** Headers the SDK adds to every request for its own statistics; no S3 service acts on them. */
const SDK_TELEMETRY = new Set(["user-agent", "x-amz-user-agent", "amz-sdk-invocation-id", "amz-sdk-request"]);

/** The statistics headers that name the SDK and stay the same from one request to the next. */
const AGENT_HEADERS = ["user-agent", "x-amz-user-agent"];

/** The input members the rebuilt request carries; an input with any other set goes through the SDK. */
const BUILT_MEMBERS = new Set(["Bucket", "Key", "Body", "ContentType", "ContentLength", "CacheControl", "ACL", "Metadata"]);

/** `AWS4-HMAC-SHA256 Credential=<key id>/<day>/<region>/<service>/aws4_request, …`: the signing scope of a request. */
const SIGV4_SCOPE = /^AWS4-HMAC-SHA256 Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,/;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `20261130T191230Z`, the form of `x-amz-date`. */
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The name the watching middleware is added under. */
export const DIRECT_PUT_MIDDLEWARE = "directPutObserver";

/** Where `DirectPuts` stands: watching for a request to learn from, checking one, sending, or not at all. */
export type DirectPutState = "watching" | "checking" | "ready" | "off";

/** What stays the same between the PutObjects of one client and one bucket. */
interface Shape {
  bucket: string;
  protocol: string;
  hostname: string;
  port?: number;
  /** The URL path before the key (`/bucket/` with path-style addresses, `/` otherwise). */
  prefix: string;
  /** The query the SDK sends with every PutObject (`x-id=PutObject`); none of the members built is in it. */
  query: Record<string, string>;
  host: string;
  /** The SDK's own `user-agent` and `x-amz-user-agent`, which stay the same for a client: servers' logs name the SDK as before. */
  agent: Record<string, string>;
  signingRegion: string;
  signingService: string;
}

interface SentRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

type SignerProvider = () => Promise<RequestSigner>;

interface SendingConfig {
  signer: SignerProvider;
  systemClockOffset?: number;
  requestHandler?: { handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: { statusCode: number; body?: unknown } }> };
}

export class DirectPuts {
  private current: DirectPutState = "watching";
  private shape?: Shape;
  /** PutObjects this has sent itself. */
  sent = 0;
  /** Why it went back to the SDK, when it did. */
  offReason?: string;

  /**
   * Starts watching the client's requests. It must be called before the client's first
   * request: the client keeps its pipeline from then on (`cacheMiddleware`).
   */
  constructor(private readonly client: S3Client) {
    const observer: DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
      if (this.current !== "watching" || context.commandName !== "PutObjectCommand" || !HttpRequest.isInstance(args.request)) return next(args);
      const seen = snapshot(args.request);
      const out = await next(args);
      const status = (out.response as { statusCode?: unknown } | undefined)?.statusCode;
      if (this.current === "watching" && typeof status === "number" && status >= 200 && status < 300) {
        this.current = "checking";
        try {
          await this.learn(seen, args.input as PutObjectCommandInput);
        } catch (e) {
          this.stop(`the request could not be rebuilt: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      return out;
    };
    client.middlewareStack.add(observer, { step: "deserialize", priority: "low", name: DIRECT_PUT_MIDDLEWARE });
  }

  get state(): DirectPutState {
    return this.current;
  }

  /**
   * Sends the PutObject itself when it can. True when the service stored the object; false
   * when the caller must send it through the SDK: this could not build it, or the service did
   * not answer with success (the SDK then sends it again and explains any failure).
   */
  async put(input: PutObjectCommandInput, payloadSha256?: string): Promise<boolean> {
    const shape = this.shape;
    if (this.current !== "ready" || shape === undefined || !buildable(input) || input.Bucket !== shape.bucket) return false;
    const config = this.client.config as SendingConfig;
    const handler = config.requestHandler;
    if (typeof handler?.handle !== "function") return false;
    const request = build(shape, input, payloadSha256);
    try {
      const signer = await config.signer();
      const signed = await signer.sign(request, {
        signingDate: new Date(Date.now() + (config.systemClockOffset ?? 0)),
        signingRegion: shape.signingRegion,
        signingService: shape.signingService,
      });
      const { response } = await handler.handle(signed as HttpRequest, {});
      await drain(response.body);
      if (response.statusCode >= 200 && response.statusCode < 300) {
        this.sent++;
        return true;
      }
      this.stop(`the service answered ${response.statusCode}`);
    } catch (e) {
      this.stop(e instanceof Error ? e.message : String(e));
    }
    return false;
  }

  private stop(reason: string): void {
    this.current = "off";
    this.shape = undefined;
    this.offReason ??= reason;
  }

  /** Rebuilds the SDK's request from its input and keeps the shape only if both are the same. */
  private async learn(seen: SentRequest, input: PutObjectCommandInput): Promise<void> {
    if (!buildable(input)) return this.stop("the input has members it does not build");
    if (seen.method !== "PUT") return this.stop("the request is not a PUT");
    const scope = SIGV4_SCOPE.exec(seen.headers.authorization ?? "");
    const date = amzDate(seen.headers["x-amz-date"]);
    const host = seen.headers.host;
    if (!scope || !date || host === undefined) return this.stop("the request is not signed with SigV4");
    const keyPath = encodeKey(input.Key);
    if (!seen.path.endsWith(keyPath)) return this.stop("the key is not at the end of the path");
    const shape: Shape = {
      bucket: input.Bucket,
      protocol: seen.protocol,
      hostname: seen.hostname,
      port: seen.port,
      prefix: seen.path.slice(0, seen.path.length - keyPath.length),
      query: seen.query,
      host,
      agent: Object.fromEntries(AGENT_HEADERS.filter((name) => seen.headers[name] !== undefined).map((name) => [name, seen.headers[name]])),
      signingRegion: scope[1],
      signingService: scope[2],
    };
    const payloadHash = seen.headers["x-amz-content-sha256"];
    const rebuilt = build(shape, input, payloadHash);
    // The statistics headers are signed too: the rebuilt request carries the SDK's for this
    // comparison only, and the signature then shows every other signed header is the same.
    for (const name of SDK_TELEMETRY) if (seen.headers[name] !== undefined) rebuilt.headers[name] = seen.headers[name];
    const signer = await (this.client.config as SendingConfig).signer();
    const signed = snapshot(
      (await signer.sign(rebuilt, { signingDate: date, signingRegion: shape.signingRegion, signingService: shape.signingService })) as HttpRequest,
    );
    const difference = differs(seen, signed);
    if (difference) return this.stop(difference);
    this.shape = shape;
    this.current = "ready";
  }
}

/** A PutObject input the rebuilt request carries whole. */
type BuildableInput = PutObjectCommandInput & { Bucket: string; Key: string; Body: Uint8Array };

/** Whether the input sets only members the rebuilt request carries, with a body of bytes. */
function buildable(input: PutObjectCommandInput): input is BuildableInput {
  for (const [name, value] of Object.entries(input)) if (value !== undefined && !BUILT_MEMBERS.has(name)) return false;
  return input.Body instanceof Uint8Array && typeof input.Key === "string" && input.Key !== "" && typeof input.Bucket === "string";
}

/** The key as the SDK puts it in the path: each `/`-separated part percent-encoded. */
function encodeKey(key: string): string {
  return key.split("/").map(extendedEncodeURIComponent).join("/");
}

/** The unsigned PutObject for `input`, in the learnt shape. */
function build(shape: Shape, input: BuildableInput, payloadSha256: string | undefined): HttpRequest {
  const body = input.Body;
  const headers: Record<string, string> = { host: shape.host, ...shape.agent };
  if (input.ACL !== undefined) headers["x-amz-acl"] = input.ACL;
  if (input.CacheControl !== undefined) headers["cache-control"] = input.CacheControl;
  headers["content-length"] = String(input.ContentLength ?? body.byteLength);
  if (input.ContentType !== undefined) headers["content-type"] = input.ContentType;
  for (const [name, value] of Object.entries(input.Metadata ?? {})) headers[`x-amz-meta-${name.toLowerCase()}`] = value;
  if (payloadSha256 !== undefined && SHA256_HEX.test(payloadSha256)) headers["x-amz-content-sha256"] = payloadSha256;
  return new HttpRequest({
    method: "PUT",
    protocol: shape.protocol,
    hostname: shape.hostname,
    port: shape.port,
    path: shape.prefix + encodeKey(input.Key),
    query: { ...shape.query },
    headers,
    body,
  });
}

function snapshot(request: HttpRequest): SentRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = String(value);
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.query ?? {})) {
    // A repeated or empty parameter is kept in a form no rebuilt request matches.
    query[name] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return {
    method: request.method,
    protocol: request.protocol,
    hostname: request.hostname,
    port: request.port,
    path: request.path,
    query,
    headers,
  };
}

/** What differs between the SDK's request and the rebuilt one, or undefined when nothing does. */
function differs(sdk: SentRequest, rebuilt: SentRequest): string | undefined {
  for (const field of ["method", "protocol", "hostname", "port", "path"] as const) {
    if (sdk[field] !== rebuilt[field]) return `the ${field} differs`;
  }
  const params = new Set([...Object.keys(sdk.query), ...Object.keys(rebuilt.query)]);
  for (const name of params) if (sdk.query[name] !== rebuilt.query[name]) return `the query's ${name} differs`;
  const names = new Set([...Object.keys(sdk.headers), ...Object.keys(rebuilt.headers)]);
  for (const name of names) if (sdk.headers[name] !== rebuilt.headers[name]) return `the ${name} header differs`;
  return undefined;
}

function amzDate(value: string | undefined): Date | undefined {
  const m = AMZ_DATE.exec(value ?? "");
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

/** Reads a response body to its end (or lets it go), so that its connection serves the next request. */
async function drain(body: unknown): Promise<void> {
  type Body = { resume(): void; once(event: string, cb: () => void): void; readableEnded?: boolean; destroyed?: boolean };
  const stream = body as Partial<Body> | undefined;
  if (typeof stream?.resume !== "function" || typeof stream.once !== "function" || stream.readableEnded || stream.destroyed) return;
  const readable = stream as Body;
  await new Promise<void>((resolve) => {
    for (const event of ["end", "close", "error"]) readable.once(event, () => resolve());
    readable.resume();
  });
}

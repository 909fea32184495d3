/**
 * The real uploader, loaded on first use. The S3 SDK takes tens of milliseconds to evaluate,
 * which Obsidian's startup should not pay for a plugin that may upload nothing this session:
 * the bundle holds it, but it is only evaluated when this factory first runs.
 */
import type { UploadIndex } from "../core/ports";
import type { ImageCodec } from "../core/prepare/imageCodec";
import type { RequestUrlFn } from "../storage/requestUrlHandler";
import type { UploaderFactory } from "./uploaderCache";

/** What the SDK uploader needs besides a configuration. */
export interface SdkUploaderOptions {
  /** Obsidian's `requestUrl` (or a stand-in with the same contract). */
  requestUrl: RequestUrlFn;
  index: UploadIndex;
  /** Makes `index` ready (reads its file); awaited before the first uploader is built. */
  loadIndex?: () => Promise<void>;
  now?: () => Date;
  /** The codec for the profile's convert and resize settings; without one images are uploaded as they are. */
  codec?: ImageCodec;
}

/** An `UploaderFactory` that builds the S3 uploader over `requestUrl`, importing it lazily. */
export function sdkUploaderFactory(opts: SdkUploaderOptions): UploaderFactory {
  return async (config) => {
    const [{ createUploader }, { RequestUrlHttpHandler }] = await Promise.all([
      import("../storage/uploader"),
      import("../storage/requestUrlHandler"),
      opts.loadIndex?.(),
    ]);
    return createUploader({
      profile: config.profile,
      credentials: config.credentials,
      requestHandler: new RequestUrlHttpHandler(opts.requestUrl),
      index: opts.index,
      now: opts.now,
      maxBytes: config.maxBytes,
      imagesOnly: config.imagesOnly,
      codec: opts.codec,
    });
  };
}

/**
 * The port to an image codec: what the platform can read and write, and one decode, resize
 * and encode. The command-line tool implements it with sharp, the plugin with the browser's
 * own decoder and canvas encoder; the core plans what to ask of it (see `transformPlan.ts`).
 */

/** The types an image may be converted to, or re-encoded as when its own type is kept. */
export type EncodableType = "image/jpeg" | "image/png" | "image/webp" | "image/avif";

/** What to write: the size (already upright) and type of the output, and its quality. */
export interface EncodeRequest {
  width: number;
  height: number;
  type: EncodableType;
  /** 1 to 100; ignored by lossless types (PNG). */
  quality: number;
}

/** One decoded image, turned upright as its EXIF orientation says. */
export interface DecodedImage {
  /** Size once upright: a portrait photo stored sideways reports its upright width. */
  width: number;
  height: number;
  /**
   * The image scaled to the requested size and written as the requested type. The output
   * carries no metadata but the colour profile (ICC), where the codec keeps one.
   */
  encode(request: EncodeRequest): Promise<Uint8Array>;
  /** Frees what decoding holds (a bitmap, a worker's memory). */
  close(): void;
}

/** An image codec of one platform. */
export interface ImageCodec {
  /** Whether it can decode images of this (sniffed) type. */
  canDecode(type: string): boolean;
  /**
   * Whether this device can write this type. A platform encoder that silently writes another
   * type instead (a canvas asked for AVIF that returns PNG) cannot.
   */
  canEncode(type: EncodableType): Promise<boolean>;
  /** Decodes the bytes of an image of type `type`. */
  decode(bytes: Uint8Array, type: string): Promise<DecodedImage>;
}

/**
 * How many bytes of images a bulk run holds at once (`MigrationOptions.maxBytesInFlight`).
 *
 * Sixteen uploads in flight are right for the usual images of a few hundred kilobytes, but
 * sixteen 20 MB photos would hold 320 MB of file contents, plus the transport's copies: more
 * than a phone gives an app before closing it. So the bytes are bounded as well as the count.
 * A budget of several images' worth keeps the uploads as fast (throughput is bound by the
 * network and the server long before that), and a single image larger than the budget still
 * goes, alone.
 */
const MiB = 1024 * 1024;

/** Obsidian on a phone or tablet. */
export const MOBILE_BYTES_IN_FLIGHT = 64 * MiB;
/** Obsidian on a desktop, and the command-line tool. */
export const DESKTOP_BYTES_IN_FLIGHT = 128 * MiB;

/** The budget for the platform the run is on. */
export function bytesInFlightFor(platform: { mobile: boolean }): number {
  return platform.mobile ? MOBILE_BYTES_IN_FLIGHT : DESKTOP_BYTES_IN_FLIGHT;
}

/**
 * Binary search in a sorted list of positions. The scanner keeps such lists (closers of a
 * paragraph, blocks of the open stack) so that a lookup repeated for every opener or every
 * line costs a logarithm, not a walk.
 */

/** The first of the ascending `positions` that is at least `min`, or -1 when none is. */
export function firstAtLeast(positions: readonly number[], min: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid] < min) lo = mid + 1;
    else hi = mid;
  }
  return lo < positions.length ? positions[lo] : -1;
}

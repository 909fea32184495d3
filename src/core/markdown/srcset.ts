/**
 * The candidates of an HTML `srcset` attribute (`a.png 1x, b.png 2x`, `a.png 480w`), read
 * as the HTML standard's "parse a srcset attribute" does: a URL is a run without white
 * space, commas at its end separate it from the next candidate, and descriptors run to the
 * next comma outside parentheses.
 */

/** Spans of the candidates' URLs inside the attribute value. */
export function srcsetUrls(value: string): { start: number; end: number }[] {
  const urls: { start: number; end: number }[] = [];
  const space = /[ \t\n\r\f]/;
  let i = 0;
  while (i < value.length) {
    while (i < value.length && (space.test(value.charAt(i)) || value.charAt(i) === ",")) i += 1;
    if (i >= value.length) break;
    const start = i;
    while (i < value.length && !space.test(value.charAt(i))) i += 1;
    let end = i;
    if (value.charAt(end - 1) === ",") {
      while (end > start && value.charAt(end - 1) === ",") end -= 1;
    } else {
      let depth = 0;
      while (i < value.length && (depth > 0 || value.charAt(i) !== ",")) {
        if (value.charAt(i) === "(") depth += 1;
        else if (value.charAt(i) === ")" && depth > 0) depth -= 1;
        i += 1;
      }
    }
    if (end > start) urls.push({ start, end });
  }
  return urls;
}

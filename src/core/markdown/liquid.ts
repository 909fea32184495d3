/**
 * Jekyll's Liquid ways of writing a site path: `{{ site.url }}/assets/x.png`,
 * `{{ site.baseurl }}/assets/x.png` (or both in a row), and `{{ "/assets/x.png" | relative_url }}`
 * or `| absolute_url`. Jekyll renders Liquid before markdown, so `![](…)` around one is an
 * image even though the expression holds spaces. Each names the site-absolute path
 * `/assets/x.png`; a rewrite replaces the whole expression, prefix or filter included.
 */

const PREFIX = /\{\{-?[ \t]*site\.(?:url|baseurl)[ \t]*-?\}\}/y;
const FILTER = /\{\{-?[ \t]*(?:"([^"\r\n{}]*)"|'([^'\r\n{}]*)')[ \t]*\|[ \t]*(?:relative_url|absolute_url)[ \t]*-?\}\}/y;

/** Length of the `{{ site.url }}`/`{{ site.baseurl }}` prefixes at `i`, or 0. */
export function liquidPrefixLength(s: string, i: number): number {
  let j = i;
  for (;;) {
    PREFIX.lastIndex = j;
    const m = PREFIX.exec(s);
    if (!m) return j - i;
    j += m[0].length;
  }
}

/** A `{{ "path" | relative_url }}` expression at `i`: its length and the path it names, made site-absolute. */
export function liquidFilterAt(s: string, i: number): { length: number; path: string } | null {
  FILTER.lastIndex = i;
  const m = FILTER.exec(s);
  if (!m) return null;
  const path = m[1] ?? m[2];
  return { length: m[0].length, path: path.startsWith("/") ? path : `/${path}` };
}

/**
 * The site-absolute path a whole value names through Liquid, or null when it is not written
 * with Liquid. `rest` is what follows the prefixes, as written.
 */
export function liquidPath(value: string): string | null {
  const filter = liquidFilterAt(value, 0);
  if (filter) return filter.length === value.length ? filter.path : null;
  const prefix = liquidPrefixLength(value, 0);
  if (prefix === 0) return null;
  const rest = value.slice(prefix);
  return rest.startsWith("/") && !rest.startsWith("//") && !/[\s{}]/.test(rest) ? rest : null;
}

/**
 * An independent check of what the tool did to a site: for every image reference in every
 * note it finds, by its own reading of the generators' documented rules (never by calling
 * the tool's resolver), the file the generator would serve; then it asserts that the
 * rewritten link, fetched from the S3 server, serves exactly that file's bytes, and that
 * nothing else in any file changed.
 *
 * The references are found by a list of extractors, one per form; a new form (front
 * matter, a Hexo tag, a Hugo shortcode) is one more entry in `REFERENCE_EXTRACTORS`.
 */
import { anonymousGet } from "./s3";

/** One place a note refers to an image. */
export interface Reference {
  /** The extractor that found it. */
  kind: string;
  /** UTF-16 offsets of the whole reference in the note. */
  start: number;
  end: number;
  /** The address as written (percent-encoding and all). */
  url: string;
  /** The alt text as written, where the form has one. */
  alt?: string;
}

export interface ReferenceExtractor {
  kind: string;
  extract(text: string): Reference[];
}

function matches(kind: string, re: RegExp, text: string, url: (m: RegExpExecArray) => string, alt?: (m: RegExpExecArray) => string): Reference[] {
  const out: Reference[] = [];
  for (const m of text.matchAll(re)) {
    out.push({ kind, start: m.index, end: m.index + m[0].length, url: url(m), alt: alt?.(m) });
  }
  return out;
}

/** Every form of image reference the fixtures use. */
export const REFERENCE_EXTRACTORS: ReferenceExtractor[] = [
  {
    // ![alt](url "title"): the alt may run over lines; the url may be in <>.
    kind: "markdown",
    extract: (t) =>
      matches(
        "markdown",
        /!\[([^\]]*)\]\(\s*(<[^>\n]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g,
        t,
        (m) => m[2].replace(/^<|>$/g, ""),
        (m) => m[1],
      ),
  },
  { kind: "html", extract: (t) => matches("html", /<img\b[^>]*?\bsrc\s*=\s*"([^"]*)"[^>]*>/gi, t, (m) => m[1]) },
  { kind: "wiki", extract: (t) => matches("wiki", /!\[\[([^\]|#]+)(?:[|#][^\]]*)?\]\]/g, t, (m) => m[1]) },
];

/** The references of a note, in order. */
export function references(text: string): Reference[] {
  return REFERENCE_EXTRACTORS.flatMap((x) => x.extract(text)).sort((a, b) => a.start - b.start);
}

export const isRemote = (url: string): boolean => /^[a-z][a-z0-9+.-]*:|^\/\//i.test(url);

/**
 * The file (root-relative) a generator serves for a reference in a note, by its documented
 * rules, or null when it serves none; `has` says whether a source file exists.
 */
export type ServeRule = (ref: Reference, note: string, has: (path: string) => boolean) => string | null;

/** What a site fixture expects of a run, for `checkSite`. */
export interface CheckedSite {
  /** Root-relative notes the run covers; every other file must stay byte for byte the same. */
  notes: string[];
  serve: ServeRule;
}

/** `a/b/../c` → `a/c`; `./x` → `x`. */
export function normalize(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return out.join("/");
}

export const folder = (p: string): string => p.slice(0, Math.max(0, p.lastIndexOf("/")));

/**
 * Asserts what a run did to a site: `before` and `after` are snapshots of it (root-relative
 * path → bytes). Returns how many references were checked against the server.
 */
export async function checkSite(site: CheckedSite, before: Map<string, Buffer>, after: Map<string, Buffer>): Promise<number> {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [p, bytes] of before) {
    if (!site.notes.includes(p)) expect({ p, same: (after.get(p) as Buffer).equals(bytes) }).toEqual({ p, same: true });
  }
  let checked = 0;
  for (const note of site.notes) {
    const old = (before.get(note) as Buffer).toString("utf8");
    const now = (after.get(note) as Buffer).toString("utf8");
    const was = references(old);
    const is = references(now);
    expect({ note, count: is.length }).toEqual({ note, count: was.length });
    // Between the references, the text is the same to the byte (line endings included).
    const gaps = (text: string, refs: Reference[]): string[] =>
      refs.map((r, i) => text.slice(i === 0 ? 0 : refs[i - 1].end, r.start)).concat(text.slice(refs.at(-1)?.end ?? 0));
    expect(gaps(now, is)).toEqual(gaps(old, was));
    for (const [i, ref] of was.entries()) {
      const rewritten = is[i];
      if (isRemote(ref.url)) {
        expect(now.slice(rewritten.start, rewritten.end)).toBe(old.slice(ref.start, ref.end));
        continue;
      }
      const file = site.serve(ref, note, (p) => before.has(p));
      expect({ note, url: ref.url, served: file !== null && before.has(file) }).toEqual({ note, url: ref.url, served: true });
      // The link writer keeps the alt text, but puts a line break inside it as a space (so a
      // link in a list or callout keeps its place); a renderer reads both the same way.
      if (ref.alt !== undefined && rewritten.alt !== undefined) expect(rewritten.alt).toBe(ref.alt.replace(/[ \t]*(?:\r\n|\r|\n)[ \t]*/g, " "));
      expect(isRemote(rewritten.url)).toBe(true);
      const got = await anonymousGet(rewritten.url);
      expect({ note, url: ref.url, status: got.status }).toEqual({ note, url: ref.url, status: 200 });
      expect({ note, url: ref.url, file, same: got.body.equals(before.get(file as string) as Buffer) }).toEqual({ note, url: ref.url, file, same: true });
      checked++;
    }
  }
  return checked;
}

/** A link as the web server reads it: percent-escapes decoded. */
export const decoded = (url: string): string => decodeURIComponent(url);

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
  /**
   * Offsets of the address as written inside the reference (quotes, `<>` or a Liquid
   * expression included): a rewrite may change these and, for a Hexo asset tag, the tag's
   * name, and nothing else of the reference.
   */
  inner: { start: number; end: number };
  /** The address the generator reads: as written (percent-encoding and all); a Liquid path is the site path it names. */
  url: string;
  /** Written through Jekyll's Liquid (`{{ site.baseurl }}/x`, `{{ "x" | relative_url }}`). */
  liquid?: boolean;
}

export interface ReferenceExtractor {
  kind: string;
  extract(text: string): Reference[];
}

/** An image file name, or a URL (an image already hosted): what a front matter image field holds. */
const IMAGE_VALUE = /\.(?:png|jpe?g|gif|webp|avif|svg)$/i;
export const isRemote = (url: string): boolean => /^[a-z][a-z0-9+.-]*:|^\/\//i.test(url);

/**
 * Jekyll's Liquid ways of writing a site path (jekyllrb.com/docs/liquid/filters/): one or two
 * `{{ site.url }}` / `{{ site.baseurl }}` before `/path`, or `{{ "path" | relative_url }}`
 * (also `absolute_url`), which adds the leading slash when it is missing.
 */
const LIQUID_PREFIXED = /^(?:\{\{-?\s*site\.(?:url|baseurl)\s*-?\}\})+(\/[^\s)"']*)$/;
const LIQUID_FILTER = /^\{\{-?\s*(?:"([^"]*)"|'([^']*)')\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}$/;
function liquidUrl(dest: string): string | null {
  const prefixed = LIQUID_PREFIXED.exec(dest);
  if (prefixed) return prefixed[1];
  const filter = LIQUID_FILTER.exec(dest);
  if (!filter) return null;
  const p = filter[1] ?? filter[2];
  return p.startsWith("/") ? p : `/${p}`;
}

/** `![alt](dest "title")`: the alt may run over lines; dest in `<>`, a Liquid expression, or up to white space. */
function markdownImages(t: string): Reference[] {
  const out: Reference[] = [];
  const re = /!\[[^\]]*\]\(\s*(<[^>\n]*>|(?:\{\{[^}\n]*\}\})+[^\s)]*|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g;
  for (const m of t.matchAll(re)) {
    const at = m.index + m[0].indexOf(m[1], m[0].indexOf("]("));
    const liquid = liquidUrl(m[1]);
    out.push({
      kind: "markdown",
      start: m.index,
      end: m.index + m[0].length,
      inner: { start: at, end: at + m[1].length },
      url: liquid ?? m[1].replace(/^<|>$/g, ""),
      liquid: liquid !== null ? true : undefined,
    });
  }
  return out;
}

/** `src` of an `<img>` and each candidate of a `srcset` (HTML: a URL up to white space, then descriptors up to a comma). */
function htmlImages(t: string): Reference[] {
  const out: Reference[] = [];
  for (const tag of t.matchAll(/<(img|source)\b[^>]*>/gi)) {
    for (const a of tag[0].matchAll(/\s(src|srcset)\s*=\s*("([^"]*)"|'([^']*)')/gi)) {
      const valueAt = tag.index + a.index + a[0].length - a[2].length;
      const value = a[3] ?? a[4];
      if (a[1].toLowerCase() === "src") {
        if (tag[1].toLowerCase() !== "img") continue;
        const liquid = liquidUrl(value);
        const inner = { start: valueAt, end: valueAt + a[2].length };
        out.push({ kind: "html", ...inner, inner, url: liquid ?? value, liquid: liquid !== null ? true : undefined });
        continue;
      }
      for (const c of value.matchAll(/([^\s,][^\s]*?)(?=,?\s|,?$)[^,]*(?:,|$)/g)) {
        const url = c[1].replace(/,$/, "");
        const at = valueAt + 1 + c.index;
        out.push({ kind: "srcset", start: at, end: at + url.length, inner: { start: at, end: at + url.length }, url });
      }
    }
  }
  return out;
}

/**
 * Splits a Hexo tag's arguments as its documentation describes them: separated by white
 * space, a quoted argument taken whole, its quotes removed.
 */
function tagArguments(body: string, offset: number): { start: number; end: number; value: string }[] {
  return [...body.matchAll(/"[^"]*"|'[^']*'|[^\s"']+/g)].map((m) => ({
    start: offset + m.index,
    end: offset + m.index + m[0].length,
    value: m[0].replace(/^["']|["']$/g, ""),
  }));
}

/**
 * Hexo's image tags (hexo.io/docs/tag-plugins): `{% asset_img [class] slug [width] [height] [title] %}`
 * names a file of the post's asset folder; `{% img [class] /path [width] [height] [title] %}`
 * takes the first argument that is a URL or starts with `/` as the image.
 */
function hexoTags(t: string): Reference[] {
  const out: Reference[] = [];
  for (const m of t.matchAll(/\{%\s*(asset_img|asset_image|img|image)\s([^%]*)%\}/g)) {
    const args = tagArguments(m[2], m.index + m[0].indexOf(m[2], m[0].indexOf(m[1]) + m[1].length));
    const asset = m[1].startsWith("asset_");
    const image = asset ? args.find((a) => IMAGE_VALUE.test(a.value)) : args.find((a) => isRemote(a.value) || a.value.startsWith("/"));
    if (image) out.push({ kind: asset ? "hexo-asset" : "hexo-img", start: m.index, end: m.index + m[0].length, inner: image, url: image.value });
  }
  return out;
}

/** Hugo's `figure` shortcode (gohugo.io/shortcodes/figure): `src` in double quotes, backticks or bare, in `{{< >}}` or `{{% %}}`. */
function hugoFigures(t: string): Reference[] {
  const out: Reference[] = [];
  for (const m of t.matchAll(/\{\{([<%])\s*figure\s[\s\S]*?[>%]\}\}/g)) {
    const src = /\ssrc\s*=\s*("[^"]*"|`[^`]*`|[^\s"`>%]+)/.exec(m[0]);
    if (!src) continue;
    const at = m.index + src.index + src[0].length - src[1].length;
    out.push({
      kind: "hugo-figure",
      start: at,
      end: at + src[1].length,
      inner: { start: at, end: at + src[1].length },
      url: src[1].replace(/^["`]|["`]$/g, ""),
    });
  }
  return out;
}

/**
 * The front matter fields the generators and their popular themes read as images:
 * Hexo themes' `cover` (Butterfly, Icarus), Hugo's own `images` and PaperMod's `cover.image`,
 * minimal-mistakes' `header.image` / `header.teaser`, Next.js's blog starter `coverImage`,
 * Astro's blog template `heroImage`.
 */
export const THEME_IMAGE_FIELDS = ["cover", "images", "cover.image", "header.image", "header.teaser", "coverImage", "heroImage"];

/** A value token of YAML or TOML: quoted, or plain up to a comment. */
function valueTokens(value: string, at: number, flow: boolean): { start: number; end: number; value: string }[] {
  const inList = flow ? /^\[(.*)\]\s*$/.exec(value) : null;
  const body = inList ? inList[1] : value.replace(/\s+#.*$/, "").trimEnd();
  const from = inList ? at + 1 : at;
  return [...body.matchAll(inList ? /"[^"]*"|'[^']*'|[^,\s][^,]*?(?=\s*(?:,|$))/g : /^(?:"[^"]*"|'[^']*'|.+)$/g)].map((m) => ({
    start: from + m.index,
    end: from + m.index + m[0].length,
    value: m[0].replace(/^["']|["']$/g, ""),
  }));
}

/** Image fields of YAML (`---`) or TOML (`+++`) front matter, read by indentation, `- ` list items, flow lists and `[tables]`. */
function frontMatter(t: string): Reference[] {
  const fence = /^(---|\+\+\+)\r?\n/.exec(t);
  if (!fence) return [];
  const close = new RegExp(`\\r?\\n${fence[1] === "---" ? "---" : "\\+\\+\\+"}\\r?(?:\\n|$)`).exec(t.slice(fence[0].length - 1));
  if (!close) return [];
  const block = t.slice(0, fence[0].length - 1 + close.index);
  const out: Reference[] = [];
  const add = (key: string, tokens: { start: number; end: number; value: string }[]): void => {
    if (!THEME_IMAGE_FIELDS.includes(key)) return;
    for (const v of tokens)
      if (IMAGE_VALUE.test(v.value)) out.push({ kind: "front-matter", start: v.start, end: v.end, inner: { start: v.start, end: v.end }, url: v.value });
  };
  const keys: { indent: number; key: string }[] = [];
  let table = "";
  let offset = fence[0].length;
  for (const line of block.slice(fence[0].length).split("\n")) {
    const text = line.replace(/\r$/, "");
    const at = offset;
    offset += line.length + 1;
    if (fence[1] === "+++") {
      const header = /^\s*\[([A-Za-z0-9_.-]+)\]\s*$/.exec(text);
      if (header) table = `${header[1]}.`;
      const kv = /^\s*([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(text);
      if (kv) add(`${table}${kv[1]}`, valueTokens(kv[2], at + text.length - kv[2].length, kv[2].startsWith("[")));
      continue;
    }
    const item = /^(\s*)-\s+(.+)$/.exec(text);
    if (item) {
      const owner = keys.filter((k) => k.indent <= item[1].length).at(-1);
      if (owner)
        add(
          keys
            .slice(0, keys.indexOf(owner) + 1)
            .map((k) => k.key)
            .join("."),
          valueTokens(item[2], at + text.length - item[2].length, false),
        );
      continue;
    }
    const kv = /^(\s*)([A-Za-z0-9_-]+):(?:\s+(.*))?$/.exec(text);
    if (!kv) continue;
    while (keys.length > 0 && (keys.at(-1) as { indent: number }).indent >= kv[1].length) keys.pop();
    keys.push({ indent: kv[1].length, key: kv[2] });
    const value = kv[3] ?? "";
    if (value !== "") add(keys.map((k) => k.key).join("."), valueTokens(value, at + text.length - value.length, value.startsWith("[")));
  }
  return out;
}

/** Every form of image reference the fixtures use, each read by the rules its generator documents. */
export const REFERENCE_EXTRACTORS: ReferenceExtractor[] = [
  { kind: "markdown", extract: markdownImages },
  { kind: "html", extract: htmlImages },
  {
    kind: "wiki",
    extract: (t) =>
      [...t.matchAll(/!\[\[([^\]|#]+)(?:[|#][^\]]*)?\]\]/g)].map((m) => ({
        kind: "wiki",
        start: m.index,
        end: m.index + m[0].length,
        inner: { start: m.index, end: m.index + m[0].length },
        url: m[1],
      })),
  },
  { kind: "hexo", extract: hexoTags },
  { kind: "hugo-figure", extract: hugoFigures },
  { kind: "front-matter", extract: frontMatter },
];

/** The references of a note, in order. */
export function references(text: string): Reference[] {
  return REFERENCE_EXTRACTORS.flatMap((x) => x.extract(text)).sort((a, b) => a.start - b.start);
}

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
      // Only the address changes: alt text (over several lines too), titles, other arguments
      // and attributes stay byte for byte; a Hexo asset tag becomes the `img` tag it renders
      // through, with the same arguments (hexo.io/docs/tag-plugins#Embedding-an-image).
      if (ref.kind !== "wiki") {
        const around = (text: string, r: Reference): [string, string] => [text.slice(r.start, r.inner.start), text.slice(r.inner.end, r.end)];
        const [before, after] = around(old, ref);
        const expected: [string, string] = [ref.kind === "hexo-asset" ? before.replace(/^(\{%\s*)asset_(img|image)/, "$1$2") : before, after];
        expect({ note, url: ref.url, around: around(now, rewritten) }).toEqual({ note, url: ref.url, around: expected });
        if (ref.kind === "hexo-asset") expect(rewritten.kind).toBe("hexo-img");
      }
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

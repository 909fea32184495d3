/**
 * Template tags that put an image on a blog page: Hexo's `{% asset_img %}`, `{% asset_path %}`
 * and `{% img %}`, and Hugo's `figure` shortcode. Each parser reads one tag at an index of
 * the text and says where the tag ends and where its image argument sits, so a rewrite can
 * change that argument and nothing else. A tag that is not well formed is not a tag.
 */

/** One argument of a tag: its span in the text and its value with quotes removed. */
export interface TagArgument {
  start: number;
  end: number;
  value: string;
}

export interface TemplateTag {
  kind: "hexo-asset" | "hexo-img" | "hugo-figure";
  start: number;
  end: number;
  /** The argument that names the image. */
  image: TagArgument;
}

/** Longer than this, an opening `{%` or `{{` is taken to be text that is never closed. */
const MAX_TAG_LENGTH = 2000;

const HEXO_HEAD = /\{%[ \t]*(asset_img|asset_image|asset_path|img|image)(?=[ \t\r\n])/y;

/**
 * Hexo's own test for the image argument of `{% img %}` (lib/plugins/tag/img.ts): the first
 * argument that looks like a URL or starts with `/`; the arguments before it are class names.
 */
const HEXO_URL =
  /((([A-Za-z]{3,9}:(?:\/\/)?)(?:[-;:&=+$,\w]+@)?[A-Za-z0-9.-]+|(?:www.|[-;:&=+$,\w]+@)[A-Za-z0-9.-]+)((?:\/[+~%/.\w-_]*)?\??(?:[-+=&;%@.\w_]*)#?(?:[.!/\\w]*))?)/;

/**
 * Splits the arguments of a Hexo tag the way its Nunjucks lexer does: white space separates
 * them and a quoted string (`"…"` or `'…'`, backslash escapes inside) is part of one
 * argument, its quotes removed. Returns the arguments and the end of `%}`, or null.
 */
function hexoArguments(s: string, from: number, limit: number): { args: TagArgument[]; end: number } | null {
  const args: TagArgument[] = [];
  let j = from;
  for (;;) {
    while (j < limit && /[ \t\r\n]/.test(s.charAt(j))) j += 1;
    if (j >= limit) return null;
    if (s.startsWith("%}", j)) return { args, end: j + 2 };
    const start = j;
    let value = "";
    while (j < limit && !/[ \t\r\n]/.test(s.charAt(j)) && !s.startsWith("%}", j)) {
      const c = s.charAt(j);
      if (c === "{" && (s.charAt(j + 1) === "%" || s.charAt(j + 1) === "{")) return null;
      if (c === '"' || c === "'") {
        let k = j + 1;
        while (k < limit && s.charAt(k) !== c) k += s.charAt(k) === "\\" ? 2 : 1;
        if (k >= limit) return null;
        value += s.slice(j + 1, k).replace(/\\(.)/gs, "$1");
        j = k + 1;
      } else {
        value += c;
        j += 1;
      }
    }
    args.push({ start, end: j, value });
  }
}

/**
 * A Hexo image tag at `i`. `asset_img`/`asset_image` (`{% asset_img [class] slug [width]
 * [height] [title [alt]] %}`) and `asset_path` name a file of the post's asset folder: the
 * image argument is the first that names an image file. `img`/`image` name a site path or
 * URL: the image argument is the one Hexo takes as `src`.
 */
export function hexoTagAt(s: string, i: number, hasImageName: (name: string) => boolean): TemplateTag | null {
  HEXO_HEAD.lastIndex = i;
  const head = HEXO_HEAD.exec(s);
  if (!head) return null;
  const parsed = hexoArguments(s, i + head[0].length, Math.min(s.length, i + MAX_TAG_LENGTH));
  if (!parsed) return null;
  const name = head[1];
  let image: TagArgument | undefined;
  if (name === "asset_path") image = parsed.args[0] !== undefined && hasImageName(parsed.args[0].value) ? parsed.args[0] : undefined;
  else if (name.startsWith("asset_")) image = parsed.args.find((a) => hasImageName(a.value));
  else image = parsed.args.find((a) => HEXO_URL.test(a.value) || a.value.startsWith("/"));
  if (!image) return null;
  return { kind: name.startsWith("asset_") ? "hexo-asset" : "hexo-img", start: i, end: parsed.end, image };
}

const HUGO_HEAD = /\{\{([<%])[ \t\r\n]*figure(?=[ \t\r\n])/y;
const HUGO_PARAM = /[ \t\r\n]+(?:([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=[ \t]*)?("(?:[^"\\]|\\[\s\S])*"|`[^`]*`|(?:(?![/]?[>%]\}\})[^\s"`'=])+)/y;

/**
 * A Hugo `figure` shortcode at `i`: `{{< figure src="…" … >}}` or `{{% figure … %}}`, self
 * closing `/>}}` too, with `src` in double quotes, backticks or bare. Other shortcodes, and
 * the commented-out `{{</* figure *\/>}}` that Hugo shows as text, are not figures.
 */
export function hugoFigureAt(s: string, i: number): TemplateTag | null {
  HUGO_HEAD.lastIndex = i;
  const head = HUGO_HEAD.exec(s);
  if (!head) return null;
  const close = head[1] === "<" ? ">}}" : "%}}";
  const limit = Math.min(s.length, i + MAX_TAG_LENGTH);
  let j = i + head[0].length;
  let image: TagArgument | undefined;
  for (;;) {
    const end = /^[ \t\r\n]*(?:\/[ \t\r\n]*)?/.exec(s.slice(j, j + 64));
    const at = j + (end ? end[0].length : 0);
    if (s.startsWith(close, at)) {
      return image ? { kind: "hugo-figure", start: i, end: at + close.length, image } : null;
    }
    HUGO_PARAM.lastIndex = j;
    const m = HUGO_PARAM.exec(s);
    if (!m || m.index + m[0].length > limit) return null;
    const raw = m[2];
    if (m[1] === "src" && image === undefined) {
      const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\([\s\S])/g, "$1") : raw.startsWith("`") ? raw.slice(1, -1) : raw;
      image = { start: m.index + m[0].length - raw.length, end: m.index + m[0].length, value };
    }
    j = m.index + m[0].length;
  }
}

/**
 * A URL written into the place of a path in the forms blogs use: an HTML attribute value,
 * a `srcset` candidate, a YAML or TOML value, a Hexo tag argument, a Hugo shortcode
 * parameter. Each keeps the quoting the user chose when the URL can be written in it, and
 * quotes or percent-encodes only what would change how the value reads.
 */
import type { Embed, FrontMatterSyntax } from "../markdown";
import { checkedUrl, percentEncode } from "./markdownLink";

/** Percent-encodes each character of `url` that `unsafe` matches; control characters and white space always. */
function encodeSome(url: string, unsafe: RegExp): string {
  return [...checkedUrl(url)].map((ch) => ((ch.codePointAt(0) ?? 0) <= 0x20 || ch === "\x7f" || unsafe.test(ch) ? percentEncode(ch) : ch)).join("");
}

/** Text for a double-quoted HTML attribute value: character references for `& " < >`. */
export function escapeAttribute(s: string): string {
  return [...s]
    .map((ch) => ((ch.codePointAt(0) ?? 0) <= 0x20 || ch === "\x7f" ? percentEncode(ch) : ch))
    .join("")
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** A new attribute value for `raw` (quotes included): single quotes stay single, anything else becomes double-quoted. */
export function attributeValue(raw: string, url: string): string {
  const value = escapeAttribute(checkedUrl(url));
  return raw.startsWith("'") ? `'${value.replace(/'/g, "&#39;")}'` : `"${value}"`;
}

/**
 * One `srcset` candidate URL. A comma at the end would end the candidate early, and a space
 * anywhere would end the URL, so both are percent-encoded, like quotes and `&<>`.
 */
export function srcsetUrl(url: string): string {
  return encodeSome(url, /[,"'&<>]/);
}

// A YAML plain scalar may not start with an indicator or contain `: ` or ` #`; in a flow list not `,[]{}` either.
function yamlNeedsQuotes(value: string, flow: boolean): boolean {
  return /^[-?:,[\]{}#&*!|>'"%@`]/.test(value) || /: |:$| #/.test(value) || (flow && /[,[\]{}]/.test(value));
}

/** A front matter value in the quoting of `raw`; a plain YAML value is double-quoted only when the URL needs it. */
export function frontMatterValue(raw: string, url: string, syntax: FrontMatterSyntax): string {
  const value = encodeSome(url, /[\\"]/);
  if (raw.startsWith("'") && (syntax !== "toml" || !value.includes("'"))) return `'${syntax === "toml" ? value : value.replace(/'/g, "''")}'`;
  if (raw.startsWith('"') || raw.startsWith("'") || syntax === "toml" || yamlNeedsQuotes(value, syntax === "yaml-flow")) return `"${value}"`;
  return value;
}

/**
 * A Hexo tag argument. Hexo's Nunjucks lexer splits arguments at white space and reads
 * quotes and braces, so those are percent-encoded; a quoted argument stays quoted.
 */
export function hexoArgument(raw: string, url: string): string {
  const value = encodeSome(url, /["'{}\\]/);
  return raw.startsWith('"') || raw.startsWith("'") ? `${raw.charAt(0)}${value}${raw.charAt(0)}` : value;
}

/**
 * A Hexo asset tag with its slug replaced by `url`.
 *
 * `asset_img` renders nothing when its slug is not a file of the post's asset folder, so
 * the slug cannot simply become a URL. Hexo's own `asset_img` (lib/plugins/tag/asset_img.ts)
 * puts the asset's URL in place of the slug argument and hands the arguments to the `img`
 * tag (lib/plugins/tag/img.ts), which takes the first argument that looks like a URL as
 * `src`, the ones before it as classes, and width, height, title and alt after it. So
 * `{% img <same arguments, slug replaced by the URL> %}` renders the same `<img>`, and
 * `asset_image` becomes its alias `image`. `asset_path` renders only the URL, so it becomes the URL.
 */
export function hexoAssetTag(e: Embed, url: string): string {
  const head = /^\{%[ \t]*asset_(img|image|path)/.exec(e.raw);
  if (!head || head[1] === "path" || e.path === undefined) return encodeSome(url, /["'{}\\<>]/);
  const from = e.path.start - e.start;
  const to = e.path.end - e.start;
  return `${e.raw.slice(0, head[0].length - `asset_${head[1]}`.length)}${head[1]}${e.raw.slice(head[0].length, from)}${hexoArgument(e.raw.slice(from, to), url)}${e.raw.slice(to)}`;
}

/** A Hugo shortcode parameter value: double quotes and backticks stay; a bare value stays bare. */
export function hugoParameter(raw: string, url: string): string {
  if (raw.startsWith("`") && !url.includes("`")) return `\`${encodeSome(url, /[`]/)}\``;
  if (raw.startsWith("`") || raw.startsWith('"')) return `"${encodeSome(url, /[\\"]/)}"`;
  return encodeSome(url, /["'`<>{}=\\]/);
}

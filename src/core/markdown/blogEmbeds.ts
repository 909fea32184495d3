/**
 * Embeds of the forms blog engines add to markdown: HTML `srcset` candidates, front matter
 * image fields, Hexo and Hugo template tags, and Liquid-prefixed paths. Each embed spans only
 * what a rewrite replaces, so a tag or a field holding several images gives several embeds.
 */
import { splitDestination, span } from "./destinations";
import type { Embed } from "./embed";
import { frontMatterValues } from "./frontMatter";
import { liquidPath } from "./liquid";
import { decodeEntities, looksRemote, parseOpenTag } from "./markdownSyntax";
import type { ScanSettings } from "./scanOptions";
import type { SourceText } from "./sourceText";
import { srcsetUrls } from "./srcset";
import { hexoTagAt, type TemplateTag } from "./templateTags";
import { hasImageExtension } from "../imageExtensions";

type Target = Pick<Embed, "target" | "fragment" | "isRemote" | "liquid">;

/** What a path value names: through Liquid when that form is read, else as a URL path. */
export function pathTarget(value: string, settings: ScanSettings): Target {
  const liquid = settings.forms.has("liquid") ? liquidPath(value) : null;
  if (liquid !== null) return { ...splitDestination(liquid), liquid: true };
  return splitDestination(value);
}

/**
 * The embeds of an `<img>` or `<source>` tag. An `<img>` without `srcset` is one embed, the
 * whole tag, as before; with one, its `src` value and each candidate URL are embeds of their
 * own. `tagText` is the tag with container prefixes removed, so attributes parse across lines.
 */
export function htmlEmbeds(text: string, src: SourceText, from: number, to: number, settings: ScanSettings): Embed[] {
  const tag = parseOpenTag(src.text.slice(from, to));
  if (!tag) return [];
  const attr = (name: string) => tag.attributes.find((a) => a.name === name);
  const value = (name: string): string | undefined => attr(name)?.value;
  const srcset = settings.forms.has("srcset") ? attr("srcset") : undefined;
  const common: Pick<Embed, "alt" | "title" | "size"> = { alt: decodeEntities(value("alt") ?? "") };
  const title = value("title");
  if (title !== undefined) common.title = decodeEntities(title);
  const width = /^\s*(\d{1,5})(?:px)?\s*$/.exec(value("width") ?? "");
  const height = /^\s*(\d{1,5})(?:px)?\s*$/.exec(value("height") ?? "");
  if (width) {
    common.size = { width: parseInt(width[1], 10) };
    if (height) common.size.height = parseInt(height[1], 10);
  }
  const out: Embed[] = [];
  const image = tag.name === "img" ? attr("src") : undefined;
  const quote = (a: { valueStart: number }): number => (/^["']/.test(src.text.charAt(from + a.valueStart)) ? 1 : 0);
  // Hexo renders `<img src="{% asset_path x.png %}">` with the asset's URL in the attribute.
  const asset = image && settings.forms.has("hexo-asset") ? hexoTagAt(image.value, 0, hasImageExtension) : null;
  if (image && asset && asset.kind === "hexo-asset" && asset.end === image.value.length) {
    const at = from + image.valueStart + quote(image);
    out.push(
      tagEmbed(
        text,
        src,
        { ...asset, start: at, end: at + asset.end, image: { ...asset.image, start: at + asset.image.start, end: at + asset.image.end } },
        settings,
      ),
    );
  } else if (image && !srcset) {
    const pos = span(src, from, to);
    out.push({ kind: "html", ...pos, raw: text.slice(pos.start, pos.end), ...common, ...pathTarget(decodeEntities(image.value), settings) });
  } else if (image && image.valueEnd > image.valueStart) {
    const pos = span(src, from + image.valueStart, from + image.valueEnd);
    out.push({ kind: "html", ...pos, raw: text.slice(pos.start, pos.end), ...common, ...pathTarget(decodeEntities(image.value), settings) });
  }
  if (srcset) {
    const quoted = quote(srcset);
    for (const url of srcsetUrls(srcset.value)) {
      const pos = span(src, from + srcset.valueStart + quoted + url.start, from + srcset.valueStart + quoted + url.end);
      const raw = text.slice(pos.start, pos.end);
      out.push({ kind: "srcset", ...pos, raw, ...common, ...splitDestination(decodeEntities(raw)) });
    }
  }
  return out;
}

/** The embed of a Hexo or Hugo tag: a Hexo asset tag is rewritten whole, the others only in their path argument. */
export function tagEmbed(text: string, src: SourceText, tag: TemplateTag, settings: ScanSettings): Embed {
  const arg = span(src, tag.image.start, tag.image.end);
  if (tag.kind === "hexo-asset") {
    const pos = span(src, tag.start, tag.end);
    // Hexo looks the slug up among the post's assets as written, without decoding it.
    return { kind: tag.kind, ...pos, raw: text.slice(pos.start, pos.end), target: tag.image.value, alt: "", isRemote: looksRemote(tag.image.value), path: arg };
  }
  return { kind: tag.kind, ...arg, raw: text.slice(arg.start, arg.end), alt: "", ...pathTarget(tag.image.value, settings) };
}

/**
 * Front matter values of image fields that name local images, or URLs (an image already
 * hosted, as after a rewrite); other values (`image: true`, a caption) are not embeds.
 */
export function frontMatterEmbeds(text: string, settings: ScanSettings): Embed[] {
  const out: Embed[] = [];
  for (const v of frontMatterValues(text, settings.frontMatterKeys)) {
    const target = pathTarget(v.value, settings);
    if (!target.isRemote && !hasImageExtension(target.target)) continue;
    out.push({ kind: "front-matter", start: v.start, end: v.end, raw: text.slice(v.start, v.end), alt: "", ...target, syntax: v.syntax });
  }
  return out;
}

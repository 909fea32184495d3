/**
 * The link we write for an uploaded image, in the format the settings ask for: paste and drop,
 * "Upload all" (a local `![[x.png]]`, `![](x.png)` or `![x][ref]` becoming a link), "Upload and
 * link everywhere" and the command-line tool all call `writeImageLink`, so the same file name,
 * URL and format always give the same text.
 *
 * - `markdown` (the default): `![alt](url)`, with `|300` size hints and titles (see `markdownImage`).
 * - `html`: `<img src="url" alt="alt">`, with `width`, `height` and `title` when known.
 * - `custom`: the user's template with `{url} {alt} {name} {width} {height}` filled in.
 *
 * The URL is percent-encoded the same way in every format (see `markdownDestination`), and
 * the alt text of a file with none is its name as Obsidian shows the embed (`altTextFromName`).
 */
import { baseName } from "../paths";
import { altTextFromName, escapeAltText, markdownDestination, markdownImage, oneLine, plainAltFromName } from "./markdownLink";

/** How new image links are written. */
export type LinkFormat = "markdown" | "html" | "custom";

/** Every link format, the default first. */
export const LINK_FORMATS: readonly LinkFormat[] = ["markdown", "html", "custom"];

/** The link format and, for `custom`, its template. */
export interface LinkStyle {
  format: LinkFormat;
  /** Used only by `custom`; see `LINK_TEMPLATE_PLACEHOLDERS`. */
  template: string;
}

export const DEFAULT_LINK_STYLE: LinkStyle = { format: "markdown", template: "" };

/** The placeholders of a custom link template, with what each becomes. */
export const LINK_TEMPLATE_PLACEHOLDERS: ReadonlyArray<{ name: string; help: string }> = [
  { name: "url", help: "the public URL, percent-encoded as in markdown links" },
  { name: "alt", help: "the alt text as plain text, inserted as is (line breaks become spaces)" },
  { name: "name", help: "the file name with its extension" },
  { name: "width", help: "the width in pixels when the note gives one (|300), else nothing" },
  { name: "height", help: "the height in pixels when the note gives one (|300x200), else nothing" },
];

const PLACEHOLDER = /\{([^{}\n]*)\}/g;

/**
 * What is wrong with a custom link template, in words, or undefined when it is usable: it
 * must be one line, hold `{url}`, and use no placeholder but those of `LINK_TEMPLATE_PLACEHOLDERS`.
 */
export function linkTemplateProblem(template: string): string | undefined {
  const known = LINK_TEMPLATE_PLACEHOLDERS.map((p) => p.name);
  const list = known.map((n) => `{${n}}`).join(", ");
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!known.includes(m[1])) return `The link template has an unknown placeholder {${m[1]}}. The placeholders are ${list}.`;
  }
  if (/[\r\n]/.test(template)) return "The link template must be one line: a line break would split the link off a list item or callout.";
  if (!template.includes("{url}")) return `The link template must contain {url}, or the link would not lead to the image. The placeholders are ${list}.`;
  return undefined;
}

/** What is wrong with `style`, in words, or undefined: only a custom template can be wrong. */
export function linkStyleProblem(style: LinkStyle): string | undefined {
  return style.format === "custom" ? linkTemplateProblem(style.template) : undefined;
}

/** What is known of an image when its link is written. */
export interface NewImageLink {
  /** Its public URL, `#fragment` included. */
  url: string;
  /** Its file name or vault path: gives the alt text when there is none, and `{name}`. */
  name: string;
  /** Alt text as plain text; empty or absent: made from `name`. */
  alt?: string;
  width?: number;
  height?: number;
  title?: string;
  /** The link goes into a table cell: a markdown size hint is written `\|300`. */
  inTable?: boolean;
}

/**
 * The link for one uploaded image in `style`. Markdown and HTML links read back as one image of
 * that URL; a custom template's text is the user's, and may be anything.
 * @throws UploadError `MalformedLink` when the URL is not an absolute http(s) URL.
 */
export function writeImageLink(link: NewImageLink, style: LinkStyle = DEFAULT_LINK_STYLE): string {
  const given = link.alt !== undefined && link.alt.trim() !== "";
  switch (style.format) {
    case "html": {
      const alt = oneLine(given ? (link.alt as string) : plainAltFromName(link.name));
      const attrs = [`src="${htmlText(markdownDestination(link.url))}"`, `alt="${htmlText(alt)}"`];
      if (link.width !== undefined) attrs.push(`width="${link.width}"`);
      if (link.height !== undefined) attrs.push(`height="${link.height}"`);
      if (link.title !== undefined && link.title !== "") attrs.push(`title="${htmlText(oneLine(link.title))}"`);
      return `<img ${attrs.join(" ")}>`;
    }
    case "custom": {
      const values: Record<string, string> = {
        url: markdownDestination(link.url),
        alt: oneLine(given ? (link.alt as string) : plainAltFromName(link.name)),
        name: oneLine(baseName(link.name)),
        width: link.width !== undefined ? String(link.width) : "",
        height: link.height !== undefined ? String(link.height) : "",
      };
      // Placeholders are filled in one pass, so a value holding `{alt}` is not filled again.
      return style.template.replace(PLACEHOLDER, (m, key: string) => values[key] ?? m);
    }
    case "markdown": {
      const alt = given ? escapeAltText(link.alt as string) : altTextFromName(link.name);
      const pipe = link.inTable ? "\\|" : "|";
      const sizeHint = link.width !== undefined ? `${pipe}${link.width}${link.height !== undefined ? `x${link.height}` : ""}` : undefined;
      return markdownImage(alt, link.url, { sizeHint, title: link.title });
    }
  }
}

/**
 * Text for a double-quoted HTML attribute: character references for `& " < >`, and for `|`,
 * which would split a table cell even inside a tag.
 */
function htmlText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "&#124;");
}

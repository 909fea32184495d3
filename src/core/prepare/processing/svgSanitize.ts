/**
 * SVG sanitising without a DOM (the command-line tool has none, and the plugin must not
 * depend on the WebView's): a strict XML tokenizer walks the file and drops what could run
 * when the image is opened from the bucket's domain, copying everything else byte for byte.
 *
 * Dropped, with everything inside them: script, handler and listener, foreignObject, iframe,
 * frame, frameset, embed, object, applet, base, meta and link elements, and every element
 * in the XHTML or MathML namespace; animations (animate, set, …) that target a link or an
 * event attribute. Dropped attributes: event handlers (`on…`), `xml:base`, links
 * (`href`, `xlink:href`) to `javascript:`, `vbscript:` or a `data:` URL that is not a
 * raster image, and links of `<use>` to anything but a fragment of the same file. Dropped
 * markup: a DOCTYPE with an internal subset (entity declarations), processing instructions
 * other than the XML declaration (an XSLT stylesheet can write script).
 *
 * Conservative by design: anything the tokenizer cannot read with certainty (not UTF-8,
 * unquoted attributes, stray `<`, unbalanced tags, entities it does not know) is refused.
 */
import { ProcessRefusal } from "./bytes";

const ACTIVE_NAMESPACES = new Set(["http://www.w3.org/1999/xhtml", "http://www.w3.org/1998/Math/MathML"]);
const DROPPED_ELEMENTS = new Set([
  "script",
  "handler",
  "listener",
  "foreignobject",
  "iframe",
  "frame",
  "frameset",
  "embed",
  "object",
  "applet",
  "base",
  "meta",
  "link",
]);
const ANIMATIONS = new Set(["animate", "set", "animatemotion", "animatetransform", "animatecolor"]);
const PREDEFINED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const SAFE_DATA_URL = /^data:image\/(png|jpeg|jpg|gif|webp|avif|bmp)[;,]/;
const NAME = /^[A-Za-z_:][-A-Za-z0-9_.:\u00b7\u00c0-\uffff]*/;

interface Attr {
  name: string;
  value: string;
  /** The attribute's span with the whitespace before it, for leaving it out. */
  start: number;
  end: number;
}

interface Frame {
  name: string;
  ns: Map<string, string>;
}

/**
 * The SVG with what could run removed; `bytes` itself when there was nothing to remove.
 * @throws ProcessRefusal when the file cannot be read with certainty.
 */
export function sanitizeSvg(bytes: Uint8Array): Uint8Array {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new ProcessRefusal("it is not UTF-8 text");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ProcessRefusal("it is not UTF-8 text");
  }
  const out = new SvgWalker(text).run();
  return out === undefined ? bytes : new TextEncoder().encode(out);
}

class SvgWalker {
  private at = 0;
  private readonly parts: string[] = [];
  /** Start of the text not yet copied to `parts`. */
  private copied = 0;
  private removed = false;
  private readonly stack: Frame[] = [];
  private sawRoot = false;

  constructor(private readonly s: string) {}

  /** The sanitised text, or undefined when nothing was removed. */
  run(): string | undefined {
    const s = this.s;
    while (this.at < s.length) {
      const lt = s.indexOf("<", this.at);
      const textEnd = lt < 0 ? s.length : lt;
      this.checkText(this.at, textEnd);
      this.at = textEnd;
      if (lt < 0) break;
      if (s.startsWith("<!--", lt)) this.comment();
      else if (s.startsWith("<![CDATA[", lt)) this.cdata();
      else if (s.startsWith("<?", lt)) this.instruction();
      else if (s.startsWith("<!DOCTYPE", lt)) this.doctype();
      else if (s.startsWith("</", lt)) this.endTag();
      else this.startTag();
    }
    if (this.stack.length > 0) refuse(`<${this.stack[this.stack.length - 1].name}> is never closed`);
    if (!this.sawRoot) refuse("it has no <svg> element");
    if (!this.removed) return undefined;
    this.parts.push(s.slice(this.copied));
    return this.parts.join("");
  }

  /** Text between tags: no markup, only entities this tokenizer knows; outside the root only whitespace. */
  private checkText(from: number, to: number): void {
    if (from === to) return;
    const chunk = this.s.slice(from, to);
    if (this.stack.length === 0 && chunk.trim() !== "") refuse("it has text outside its <svg> element");
    checkEntities(chunk);
  }

  private comment(): void {
    const end = this.s.indexOf("-->", this.at + 4);
    if (end < 0) refuse("a comment is never closed");
    this.at = end + 3;
  }

  private cdata(): void {
    if (this.stack.length === 0) refuse("it has a CDATA section outside its <svg> element");
    const end = this.s.indexOf("]]>", this.at + 9);
    if (end < 0) refuse("a CDATA section is never closed");
    this.at = end + 3;
  }

  private instruction(): void {
    const start = this.at;
    const end = this.s.indexOf("?>", start + 2);
    if (end < 0) refuse("a processing instruction is never closed");
    this.at = end + 2;
    const target = NAME.exec(this.s.slice(start + 2, end))?.[0] ?? "";
    // The XML declaration is the only one kept: it must be the very first thing in the file.
    if (target === "xml" && (start === 0 || (start === 1 && this.s.charCodeAt(0) === 0xfeff))) return;
    if (target.toLowerCase() === "xml") refuse("its XML declaration is not at the start");
    this.drop(start, this.at);
  }

  private doctype(): void {
    if (this.sawRoot) refuse("it has a DOCTYPE after its root element");
    const start = this.at;
    const s = this.s;
    let i = start + 9;
    let subset = false;
    let quote = "";
    for (; i < s.length; i++) {
      const c = s[i];
      if (quote) {
        if (c === quote) quote = "";
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === "[") {
        subset = true;
        const close = internalSubsetEnd(s, i + 1);
        i = close;
      } else if (c === ">") {
        break;
      }
    }
    if (i >= s.length) refuse("its DOCTYPE is never closed");
    this.at = i + 1;
    // Entity declarations can expand into markup; a DOCTYPE holding them goes, and a file that uses them is refused.
    if (subset) this.drop(start, this.at);
  }

  private endTag(): void {
    const start = this.at;
    const m = /^<\/([^\s>]+)\s*>/.exec(this.s.slice(start, start + 512));
    if (!m) refuse("it has a malformed end tag");
    const frame = this.stack.pop();
    if (!frame || frame.name !== m[1]) refuse(`</${m[1]}> does not close the element that is open`);
    this.at = start + m[0].length;
  }

  private startTag(): void {
    const s = this.s;
    const start = this.at;
    const nameMatch = NAME.exec(s.slice(start + 1, start + 1 + 1024));
    if (!nameMatch) refuse("it has a stray < that starts no tag");
    const name = nameMatch[0];
    let i = start + 1 + name.length;
    const attrs: Attr[] = [];
    let selfClosing = false;
    for (;;) {
      const wsStart = i;
      while (i < s.length && isSpace(s[i])) i++;
      if (i >= s.length) refuse(`<${name}> is never closed`);
      if (s[i] === ">") {
        i++;
        break;
      }
      if (s.startsWith("/>", i)) {
        selfClosing = true;
        i += 2;
        break;
      }
      if (i === wsStart) refuse(`<${name}> has attributes that run together`);
      const attrName = NAME.exec(s.slice(i, i + 1024))?.[0];
      if (!attrName) refuse(`<${name}> has a malformed attribute`);
      i += attrName.length;
      while (i < s.length && isSpace(s[i])) i++;
      if (s[i] !== "=") refuse(`the attribute ${attrName} of <${name}> has no value`);
      i++;
      while (i < s.length && isSpace(s[i])) i++;
      const quote = s[i];
      if (quote !== '"' && quote !== "'") refuse(`the attribute ${attrName} of <${name}> is not quoted`);
      const close = s.indexOf(quote, i + 1);
      if (close < 0) refuse(`the attribute ${attrName} of <${name}> is never closed`);
      const raw = s.slice(i + 1, close);
      if (raw.includes("<")) refuse(`the attribute ${attrName} of <${name}> holds a <`);
      i = close + 1;
      attrs.push({ name: attrName, value: decodeEntities(raw), start: wsStart, end: i });
    }

    const parent = this.stack[this.stack.length - 1];
    const ns = new Map(parent?.ns ?? []);
    for (const a of attrs) {
      if (a.name === "xmlns") ns.set("", a.value);
      else if (a.name.startsWith("xmlns:")) ns.set(a.name.slice(6), a.value);
    }
    const colon = name.indexOf(":");
    const prefix = colon < 0 ? "" : name.slice(0, colon);
    const local = (colon < 0 ? name : name.slice(colon + 1)).toLowerCase();
    const namespace = ns.get(prefix);
    if (prefix && namespace === undefined) refuse(`<${name}> uses a namespace prefix it does not declare`);

    if (!parent) {
      if (this.sawRoot) refuse("it has more than one root element");
      if (local !== "svg") refuse("its root element is not <svg>");
      this.sawRoot = true;
    }
    if (DROPPED_ELEMENTS.has(local) || (namespace !== undefined && ACTIVE_NAMESPACES.has(namespace)) || animatesActiveAttribute(local, attrs)) {
      if (!parent) refuse("its root element would be removed");
      this.at = selfClosing ? i : this.skipElement(name, i);
      this.drop(start, this.at);
      return;
    }
    for (const a of attrs) if (dropAttribute(local, a)) this.drop(a.start, a.end);
    this.at = i;
    if (!selfClosing) this.stack.push({ name, ns });
  }

  /** The end of the element whose start tag ends at `from`, reading (and checking) what is inside. */
  private skipElement(name: string, from: number): number {
    const inner = new SvgWalker(this.s);
    inner.at = from;
    inner.stack.push({ name, ns: new Map() });
    inner.sawRoot = true;
    inner.runUntilClosed();
    return inner.at;
  }

  private runUntilClosed(): void {
    const s = this.s;
    while (this.stack.length > 0) {
      const lt = s.indexOf("<", this.at);
      if (lt < 0) refuse(`<${this.stack[0].name}> is never closed`);
      this.at = lt;
      if (s.startsWith("<!--", lt)) this.comment();
      else if (s.startsWith("<![CDATA[", lt)) this.cdata();
      else if (s.startsWith("<?", lt)) this.skipInstruction();
      else if (s.startsWith("</", lt)) this.endTag();
      else this.skipStartTag();
    }
  }

  private skipInstruction(): void {
    const end = this.s.indexOf("?>", this.at + 2);
    if (end < 0) refuse("a processing instruction is never closed");
    this.at = end + 2;
  }

  /** Inside a dropped element only the nesting matters: a start tag is read for its name and end. */
  private skipStartTag(): void {
    const s = this.s;
    const name = NAME.exec(s.slice(this.at + 1, this.at + 1025))?.[0];
    if (!name) refuse("it has a stray < that starts no tag");
    let i = this.at + 1 + name.length;
    let quote = "";
    for (; i < s.length; i++) {
      const c = s[i];
      if (quote) {
        if (c === quote) quote = "";
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ">") break;
    }
    if (i >= s.length) refuse(`<${name}> is never closed`);
    this.at = i + 1;
    if (s[i - 1] !== "/") this.stack.push({ name, ns: new Map() });
  }

  private drop(from: number, to: number): void {
    this.parts.push(this.s.slice(this.copied, from));
    this.copied = to;
    this.removed = true;
  }
}

function dropAttribute(element: string, a: Attr): boolean {
  const lower = a.name.toLowerCase();
  const local = lower.slice(lower.indexOf(":") + 1);
  if (local.startsWith("on")) return true;
  if (lower === "xml:base") return true;
  if (local === "href") {
    if (!safeUrl(a.value)) return true;
    if (element === "use" && !a.value.trim().startsWith("#")) return true;
  }
  return false;
}

/** An animation that sets a link or an event handler could turn a harmless element into a script. */
function animatesActiveAttribute(element: string, attrs: readonly Attr[]): boolean {
  if (!ANIMATIONS.has(element)) return false;
  const target =
    attrs
      .find((a) => a.name === "attributeName")
      ?.value.trim()
      .toLowerCase() ?? "";
  const local = target.slice(target.indexOf(":") + 1);
  return local === "href" || local.startsWith("on") || target === "xml:base";
}

/** Whether a link is safe to keep: no script scheme, and a data URL only for a raster image. */
function safeUrl(value: string): boolean {
  // Browsers ignore whitespace and control characters inside a scheme.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being removed
  const url = value.replace(/[\u0000-\u0020\u007f]/g, "").toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(url)?.[1];
  if (scheme === undefined) return true;
  if (scheme === "data") return SAFE_DATA_URL.test(url);
  return scheme !== "javascript" && scheme !== "vbscript";
}

/** The end of a DOCTYPE's internal subset: the index of its closing `]`. */
function internalSubsetEnd(s: string, from: number): number {
  let quote = "";
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (s.startsWith("<!--", i)) {
      const end = s.indexOf("-->", i + 4);
      if (end < 0) break;
      i = end + 2;
    } else if (c === "]") {
      return i;
    }
  }
  refuse("its DOCTYPE is never closed");
}

function checkEntities(text: string): void {
  for (const m of text.matchAll(/&([^;\s&<]*)(;?)/g)) {
    if (!m[2] || !knownEntity(m[1])) refuse(`it uses the entity &${m[1]}${m[2]}, which it would need a DOCTYPE to define`);
  }
}

function knownEntity(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(PREDEFINED_ENTITIES, name) || /^#[0-9]+$/.test(name) || /^#x[0-9a-fA-F]+$/.test(name);
}

/** An attribute value with its character references resolved. */
function decodeEntities(raw: string): string {
  checkEntities(raw);
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (_, ref: string) => {
    if (ref.startsWith("#x")) return codePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return codePoint(parseInt(ref.slice(1), 10));
    return PREDEFINED_ENTITIES[ref];
  });
}

function codePoint(n: number): string {
  return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : "";
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

function refuse(reason: string): never {
  throw new ProcessRefusal(`it cannot be checked for script: ${reason}`, "svg");
}

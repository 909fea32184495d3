import { ProcessRefusal } from "../../../../../src/core/prepare/processing";
import { sanitizeSvg } from "../../../../../src/core/prepare/processing/svgSanitize";
import { HOSTILE_SVG } from "../../../../support/images";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const clean = (s: string): string => dec(sanitizeSvg(enc(s)));

describe("SVG sanitising", () => {
  const out = clean(HOSTILE_SVG);

  it("removes every script, handler, script link, embedded HTML and external use", () => {
    for (const gone of [
      "alert",
      "javascript",
      "<script",
      "onload",
      "onclick",
      "onerror",
      "foreignObject",
      "iframe",
      "evil",
      "data:text/html",
      "<embed",
      "html:",
    ]) {
      expect(out).not.toContain(gone);
    }
  });

  it("keeps the drawing, safe links, raster data URLs, fragment uses and harmless animations", () => {
    for (const kept of [
      '<rect width="10" height="10" fill="red"/>',
      '<a href="https://example.com/"><text>ok</text></a>',
      '<image href="data:image/png;base64,iVBORw0KGgo="/>',
      '<use href="#local"/>',
      '<set attributeName="fill" to="blue"/>',
      '<?xml version="1.0" encoding="UTF-8"?>',
      'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">',
    ]) {
      expect(out).toContain(kept);
    }
  });

  it("gives back the very same bytes when there is nothing to remove", () => {
    const safe = enc(
      '\uFEFF<?xml version="1.0"?>\n<!-- a comment with <script> in it -->\n<svg xmlns="http://www.w3.org/2000/svg"><title>A &amp; B &#233;</title><style><![CDATA[ a > b {} ]]></style></svg>\n',
    );
    expect(sanitizeSvg(safe)).toBe(safe);
  });

  it("copies what is left byte for byte, multi-byte text included", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg">\n  <text>Grüße – 日本</text><script>x()</script>\n</svg>';
    expect(clean(svg)).toBe('<svg xmlns="http://www.w3.org/2000/svg">\n  <text>Grüße – 日本</text>\n</svg>');
  });

  it("removes a DOCTYPE declaring entities, and refuses a file that uses them", () => {
    const declared = '<!DOCTYPE svg [ <!ENTITY x "<script>alert(1)</script>"> ]>\n<svg xmlns="http://www.w3.org/2000/svg"/>';
    expect(clean(declared)).toBe('\n<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect(() => clean('<!DOCTYPE svg [ <!ENTITY x "y"> ]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>')).toThrow(ProcessRefusal);
  });

  it("sees script schemes through entities, case and control characters", () => {
    for (const href of [
      "JaVaScRiPt:x",
      "&#x6A;avascript:x",
      "java\tscript:x",
      " javascript:x",
      "vbscript:x",
      "data:image/svg+xml,<svg/>".replace("<", "&lt;"),
    ]) {
      expect(clean(`<svg xmlns="http://www.w3.org/2000/svg"><a href="${href}"><b/></a></svg>`)).toBe(
        '<svg xmlns="http://www.w3.org/2000/svg"><a><b/></a></svg>',
      );
    }
  });

  it("removes nested dangerous elements whole, including ones of the same name inside", () => {
    expect(
      clean('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><foreignObject/><g><foreignObject>x</foreignObject></g></foreignObject><g/></svg>'),
    ).toBe('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>');
  });

  it.each([
    ["unquoted attributes", '<svg xmlns="http://www.w3.org/2000/svg" onload=alert(1)/>'],
    ["attributes without a value", '<svg xmlns="http://www.w3.org/2000/svg" onload/>'],
    ["a stray <", '<svg xmlns="http://www.w3.org/2000/svg">< script>alert(1)</script></svg>'],
    ["an unclosed element", '<svg xmlns="http://www.w3.org/2000/svg"><g>'],
    ["mismatched tags", '<svg xmlns="http://www.w3.org/2000/svg"><g></a></svg>'],
    ["an undeclared prefix", '<svg xmlns="http://www.w3.org/2000/svg"><x:script>alert(1)</x:script></svg>'],
    ["an unknown entity", '<svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg>'],
    ["a root that is not svg", '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'],
    ["UTF-16 text", "\uFEFF<svg/>"],
    ["bytes that are not UTF-8", ""],
    ["a root in the XHTML namespace", '<svg xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></svg>'],
  ])("refuses %s", (_, text) => {
    let bytes = enc(text);
    if (text.startsWith("\uFEFF<svg")) bytes = new Uint8Array([0xff, 0xfe, ...Buffer.from("<svg/>", "utf16le")]);
    if (text === "") bytes = new Uint8Array([...enc("<svg>"), 0xc3, 0x28, ...enc("</svg>")]);
    expect(() => sanitizeSvg(bytes)).toThrow(ProcessRefusal);
  });
});

import fc from "fast-check";
import { isUploadError } from "../../../../src/core/errors";
import { altTextFromName, markdownImage } from "../../../../src/core/link/markdownLink";
import { scanEmbeds } from "../../../../src/core/markdown";

const URL_OK = "https://img.example.com/img/abc.png";

/** One markdown image and nothing else: no second link, no HTML, a plain http(s) destination. */
const SINGLE_IMAGE = /^!\[(?:[^\][\\]|\\.)*\]\(https?:\/\/[^\s()<>]+(?: "(?:[^"\\]|\\.)*")?\)$/;

/** What a renderer shows for alt text made of plain characters and backslash escapes. */
function shownAlt(link: string): string {
  const embeds = scanEmbeds(link);
  expect(embeds).toHaveLength(1);
  return embeds[0].alt.replace(/\\([!-/:-@[-`{-~])/g, "$1");
}

describe("altTextFromName", () => {
  test("is the file name without its extension, as Obsidian shows the embed", () => {
    expect(altTextFromName("Screenshot 2026-01-02 at 10.00.00.png")).toBe("Screenshot 2026-01-02 at 10.00.00");
    expect(altTextFromName("my_shot.png")).toBe("my_shot");
  });

  test("drops the folders in front of the name", () => {
    expect(altTextFromName("attachments/sub/diagram.svg")).toBe("diagram");
  });

  test("escapes a name built to break out of the link, so it reads back as the name", () => {
    const alt = altTextFromName("a](javascript:alert(1)).png");
    expect(alt).toBe("a\\](javascript:alert(1))");
    expect(shownAlt(markdownImage(alt, URL_OK))).toBe("a](javascript:alert(1))");
  });

  test("escapes HTML angle brackets so no tag can form", () => {
    expect(altTextFromName("<img src=x onerror=alert(1)>.png")).toBe("\\<img src\\=x onerror\\=alert(1)\\>");
  });

  test("escapes what Obsidian reads as size hint, math or comment", () => {
    expect(altTextFromName("chart|300.png")).toBe("chart\\|300");
    expect(altTextFromName("price $5 %%note%%.png")).toBe("price \\$5 \\%\\%note\\%\\%");
  });

  test("escapes emphasis, but not an underscore between letters, and joins lines", () => {
    expect(altTextFromName("my_photo**bold**\nnext\r\nline`x`_!.jpg")).toBe("my_photo\\*\\*bold\\*\\* next line\\`x\\`\\_!");
  });

  test("keeps the extension of a name that would read as a width", () => {
    expect(altTextFromName("250.png")).toBe("250.png");
    expect(altTextFromName("300x200.jpg")).toBe("300x200.jpg");
  });

  test("falls back to image when the name has nothing to show", () => {
    expect(altTextFromName("  .png")).toBe("image");
    expect(altTextFromName("")).toBe("image");
  });

  test("keeps letters of any script", () => {
    expect(altTextFromName("截图 2026.png")).toBe("截图 2026");
  });
});

describe("markdownImage", () => {
  test("writes ![alt](url)", () => {
    expect(markdownImage("diagram", URL_OK)).toBe(`![diagram](${URL_OK})`);
  });

  test("adds a title in quotes, escaping quotes and backslashes in it", () => {
    expect(markdownImage("a", URL_OK, { title: 'say "hi" \\o/' })).toBe(`![a](${URL_OK} "say \\"hi\\" \\\\o/")`);
  });

  test("writes an Obsidian size hint after the alt text", () => {
    expect(markdownImage("chart", URL_OK, { sizeHint: "|300" })).toBe(`![chart|300](${URL_OK})`);
  });

  test("writes the user's own alt text as it is, on one line", () => {
    expect(markdownImage("**bold** [x]\n> more", URL_OK)).toBe(`![**bold** [x] > more](${URL_OK})`);
  });

  test("percent-encodes spaces, parentheses, angle brackets, quotes and pipes in the URL", () => {
    expect(markdownImage("a", 'https://x.example.com/a b/(1)<2>"|.png')).toBe("![a](https://x.example.com/a%20b/%281%29%3C2%3E%22%7C.png)");
  });

  test.each(["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:image/png;base64,AAAA", "file:///etc/passwd", "img/abc.png", "//img.example.com/a.png", ""])(
    "refuses to link to %j",
    (url) => {
      let caught: unknown;
      try {
        markdownImage("a", url);
      } catch (e) {
        caught = e;
      }
      expect(isUploadError(caught) && caught.code === "MalformedLink").toBe(true);
    },
  );

  test("a hostile file name yields exactly one image link to the given URL", () => {
    const link = markdownImage(altTextFromName("a](javascript:alert(1)) ![x](https://evil.example/x.png).png"), URL_OK);
    expect(link).toMatch(SINGLE_IMAGE);
    expect(link.endsWith(`(${URL_OK})`)).toBe(true);
    expect(link.split("](")).toHaveLength(2);
  });

  test("whatever the file name and title, the result is a single well-formed image link", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), fc.string({ maxLength: 30 }), (name, title) => {
        const link = markdownImage(altTextFromName(name), URL_OK, { title });
        expect(link).toMatch(SINGLE_IMAGE);
        expect(link).not.toMatch(/[\r\n]/);
      }),
    );
  });
});

import fc from "fast-check";
import { propertyRuns } from "../../../support/propertyRuns";
import {
  DEFAULT_KEY_TEMPLATE,
  isContentAddressed,
  KEY_TEMPLATE_TOKENS,
  keyTemplateUniqueness,
  MAX_KEY_BYTES,
  renderKey,
  templateNeedsMd5,
  validateKeyTemplate,
  type KeyVars,
} from "../../../../src/core/prepare/keyTemplate";

const SHA = "0123456789abcdef".repeat(4);
const MD5 = "fedcba9876543210".repeat(2);
const vars = (over: Partial<KeyVars> = {}): KeyVars => ({
  date: new Date(2026, 0, 2, 3, 4, 5, 6),
  sha256: SHA,
  md5: MD5,
  name: "Pasted image 20260102.png",
  ext: "png",
  notePath: "Blog/My Post.md",
  ...over,
});
const utf8Bytes = (s: string): number => Buffer.byteLength(s, "utf8");

describe("renderKey", () => {
  test("the default template names an image by 32 hex digits of its SHA-256", () => {
    expect(DEFAULT_KEY_TEMPLATE).toBe("img/{hash:32}.{ext}");
    expect(renderKey(DEFAULT_KEY_TEMPLATE, vars())).toBe(`img/${SHA.slice(0, 32)}.png`);
  });

  test("the default template gives identical bytes the same key on different days and notes", () => {
    const a = renderKey(DEFAULT_KEY_TEMPLATE, vars({ date: new Date(2026, 0, 1), notePath: "a.md", name: "x.png" }));
    const b = renderKey(DEFAULT_KEY_TEMPLATE, vars({ date: new Date(2027, 5, 9), notePath: "b.md", name: "y.png" }));
    expect(a).toBe(b);
  });

  test("fills date tokens from the local time of the date, zero-padded", () => {
    expect(renderKey("{year}/{month}/{day}/{hour}{minute}{second}-{hash:4}", vars())).toBe("2026/01/02/030405-0123");
  });

  test("fills {timestamp} with milliseconds since 1970", () => {
    const date = new Date(1767323045006);
    expect(renderKey("{timestamp}-{hash:8}", vars({ date }))).toBe("1767323045006-01234567");
  });

  test("{hash} and {md5} give the full digest; with a length, a prefix of it", () => {
    expect(renderKey("{hash}", vars())).toBe(SHA);
    expect(renderKey("{hash:1}/{hash:64}", vars())).toBe(`0/${SHA}`);
    expect(renderKey("{md5}", vars())).toBe(MD5);
    expect(renderKey("{md5:10}.{ext}", vars())).toBe("fedcba9876.png");
  });

  test("{name} is the file name without extension and {note} the note's name without .md", () => {
    expect(renderKey("{note}/{name}.{ext}", vars())).toBe("My-Post/Pasted-image-20260102.png");
  });

  test("keeps non-Latin letters and emoji, in NFC form", () => {
    expect(renderKey("{name}-{hash:4}", vars({ name: "截图 写真 😀.png" }))).toBe("截图-写真-😀-0123");
    expect(renderKey("{name}-{hash:4}", vars({ name: "Cafe\u0301.png" }))).toBe("Caf\u00e9-0123");
  });

  test("turns characters that break URLs into hyphens", () => {
    expect(renderKey("{name}-{hash:4}", vars({ name: 'a#b?c%d*e:f|g"h<i>j^k`l{m}n[o]p+q.png' }))).toBe("a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-0123");
  });

  test("drops control characters and bidirectional overrides from names", () => {
    expect(renderKey("{name}-{hash:4}", vars({ name: "in\u0000voice\u202egnp.exe\u0007.png" }))).toBe("invoicegnp.exe-0123");
  });

  test("a file name cannot climb out of the template's folder", () => {
    for (const name of ["../../etc/passwd", "..\\..\\secret.png", "..", "../", "./.png", "a/../../b.png"]) {
      const key = renderKey("uploads/{name}/{hash:8}.{ext}", vars({ name }));
      expect(key.startsWith("uploads/")).toBe(true);
      expect(key.split("/")).not.toContain("..");
      expect(key.split("/")).not.toContain(".");
      expect(key.split("/")).toHaveLength(3);
    }
  });

  test("names that are only dots never form a . or .. folder", () => {
    expect(renderKey("a/{name}/{hash:4}", vars({ name: "..." }))).toBe("a/..-/0123");
  });

  test("an empty value leaves no empty folder behind", () => {
    expect(renderKey("img/{note}/{hash:8}.{ext}", vars({ notePath: "" }))).toBe("img/01234567.png");
  });

  test("a name with nothing usable left becomes image", () => {
    expect(renderKey("{name}.{ext}", vars({ name: "???.png" }))).toBe("image.png");
  });

  test("cuts very long names so the key stays within 1024 bytes", () => {
    const name = `${"长".repeat(2000)}.png`;
    const one = renderKey("img/{name}-{hash:8}.{ext}", vars({ name }));
    expect(utf8Bytes(one)).toBeLessThanOrEqual(250);
    const many = renderKey(`${"{name}/".repeat(12)}{hash}.{ext}`, vars({ name }));
    expect(utf8Bytes(many)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(many.endsWith(`${SHA}.png`)).toBe(true);
  });

  test("throws on an invalid template instead of guessing", () => {
    expect(() => renderKey("img/{nope}.{ext}", vars())).toThrow("Unknown token {nope}");
  });

  test("throws when the template needs an MD5 that was not computed", () => {
    expect(() => renderKey("{md5}", vars({ md5: undefined }))).toThrow(/md5/);
  });
});

describe("validateKeyTemplate", () => {
  test.each([DEFAULT_KEY_TEMPLATE, "images/{year}/{month}/{hash:16}.{ext}", "{name}", "blog/{note}/{md5:8}-{name}.{ext}", "a//b/{hash}"])(
    "accepts %s",
    (template) => {
      expect(validateKeyTemplate(template)).toEqual([]);
    },
  );

  test("names an unknown token and lists the known ones", () => {
    const [message] = validateKeyTemplate("img/{foo}/{hash}");
    expect(message).toContain("Unknown token {foo} in the key template.");
    for (const { token } of KEY_TEMPLATE_TOKENS) expect(message).toContain(token);
  });

  test.each([
    ["{hash:0}", "{hash:0} needs a length from 1 to 64"],
    ["{hash:65}", "{hash:65} needs a length from 1 to 64"],
    ["{hash:x}", "{hash:x} needs a length from 1 to 64"],
    ["{md5:33}", "{md5:33} needs a length from 1 to 32"],
    ["{year:2}/{hash}", "{year:2} takes no length"],
    ["", "The key template is empty"],
    ["   ", "The key template is empty"],
    ["img/{year}/{month}.{ext}", "must contain {hash}, {md5} or {name}: without one of them every image gets the same key"],
    ["/img/{hash}", "must not start with /"],
    ["img/../{hash}", "must not contain . or .."],
    ["./{hash}", "must not contain . or .."],
    ["img/{hash}/", "must end with a file name"],
    ["img/{hash", "the { at position 5 has no closing }"],
    ["img/hash}", "the } at position 9 has no opening {"],
    ["img/{{hash}}", "has no closing }"],
    ["my images/{hash}", "spaces or invisible characters"],
    ["img\u202e/{hash}", "spaces or invisible characters"],
    ["img\ud800/{hash}", "spaces or invisible characters"],
    ["img#1/{hash}", '"#"'],
    [`${"a".repeat(1000)}/{hash}.{ext}`, "too long"],
  ])("explains what is wrong with %j", (template, expected) => {
    expect(validateKeyTemplate(template).join(" ")).toContain(expected);
  });
});

describe("which templates give each image its own key", () => {
  test.each([
    DEFAULT_KEY_TEMPLATE,
    "{hash}",
    "img/{hash:16}.{ext}",
    "{year}/{month}/{name}-{hash:16}.{ext}",
    "{md5}.{ext}",
    "pics/{md5:32}-{name}.{ext}",
    "{hash:4}/{hash:64}.{ext}",
  ])("%j is content-addressed", (template) => {
    expect(isContentAddressed(template)).toBe(true);
    expect(keyTemplateUniqueness(template)).toMatch(/^Each image gets its own key/);
  });

  test.each([
    "img/{name}.{ext}",
    "{note}/{name}.{ext}",
    "img/{hash:1}.{ext}",
    "img/{hash:15}.{ext}",
    "{name}-{hash:8}.{ext}",
    "{md5:31}.{ext}",
    "{year}/{month}/{day}/{name}.{ext}",
  ])("%j can give two images one key, and says so", (template) => {
    expect(isContentAddressed(template)).toBe(false);
    expect(keyTemplateUniqueness(template)).toMatch(/^Two different images can get the same key with this template/);
    expect(keyTemplateUniqueness(template)).toContain("Add {hash} (at least {hash:16})");
  });

  test("an invalid template is neither, and gets no note beside its problems", () => {
    expect(isContentAddressed("img/{hash")).toBe(false);
    expect(isContentAddressed("img/{year}.{ext}")).toBe(false);
    expect(keyTemplateUniqueness("img/{hash")).toBe("");
  });

  test("with a content-addressed template, different bytes never share a key whatever the names", () => {
    const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(DEFAULT_KEY_TEMPLATE, "{name}/{hash:16}.{ext}", "{note}-{hash}"),
        hex,
        hex,
        fc.string(),
        fc.string(),
        (template, a, b, name, note) => {
          fc.pre(a.slice(0, 16) !== b.slice(0, 16));
          const key = (sha256: string) => renderKey(template, vars({ sha256, name, notePath: note }));
          expect(key(a)).not.toBe(key(b));
        },
      ),
    );
  });

  test("with a name template, different files can share a key: same name in two folders, spaces against hyphens, a blank name", () => {
    const key = (name: string) => renderKey("img/{name}.{ext}", vars({ name }));
    expect(key("a/shot.png")).toBe(key("b/shot.png"));
    expect(key("my shot.png")).toBe(key("my-shot.png"));
    expect(key(" .png")).toBe(key("-.png"));
    expect(renderKey("{hash:1}", vars({ sha256: `a${"0".repeat(63)}` }))).toBe(renderKey("{hash:1}", vars({ sha256: `a${"1".repeat(63)}` })));
  });

  test("no message of the validator claims that {name} gives each image its own key", () => {
    for (const template of ["img/{year}.{ext}", "img/{name}.{ext}", "{note}/{name}.{ext}"]) {
      const said = [...validateKeyTemplate(template), keyTemplateUniqueness(template)].join(" ");
      expect(said).not.toMatch(/\{name\}[^.]*each image gets its own key/);
    }
    expect(validateKeyTemplate("img/{year}.{ext}")).toEqual([
      "The key template must contain {hash}, {md5} or {name}: without one of them every image gets the same key. img/{hash:32}.{ext} gives each image its own.",
    ]);
  });
});

test("templateNeedsMd5 is true only when {md5} or {md5:N} appears", () => {
  expect(templateNeedsMd5("{md5}.{ext}")).toBe(true);
  expect(templateNeedsMd5("img/{md5:8}/{hash}")).toBe(true);
  expect(templateNeedsMd5(DEFAULT_KEY_TEMPLATE)).toBe(false);
  expect(templateNeedsMd5("md5/{hash}")).toBe(false);
});

describe("renderKey with any file and note names", () => {
  const templates = [
    "img/{hash:32}.{ext}",
    "img/{year}/{month}/{name}-{hash:8}.{ext}",
    "blog/{note}/{name}.{ext}",
    "a//b/{note}{name}/{md5:6}",
    "x.{name}/{note}.{hash:4}",
    "{name}",
  ];
  const nasty = fc.string({
    unit: fc.constantFrom("/", "\\", ".", "..", " ", "\t", "\n", "#", "%", "?", "\u0000", "\u202e", "\ud800", "\udc00", "é", "e\u0301", "中", "😀", "a", "-"),
    maxLength: 40,
  });
  const anyName = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), nasty);

  test("stays under the template's literal prefix, with no ./.. folder, no leading / and no //", () => {
    fc.assert(
      fc.property(fc.constantFrom(...templates), anyName, anyName, fc.string({ maxLength: 20 }), (template, name, note, ext) => {
        const key = renderKey(template, vars({ name, notePath: note, ext }));
        const prefix = template.slice(0, template.indexOf("{")).replace(/\/{2,}/g, "/");
        expect(key.startsWith(prefix)).toBe(true);
        expect(key.startsWith("/")).toBe(false);
        expect(key).not.toContain("//");
        const segments = key.split("/");
        expect(segments).not.toContain("..");
        expect(segments).not.toContain(".");
        expect(key).not.toBe("");
        expect(utf8Bytes(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
        expect(key).not.toMatch(/[\s\\#?%*:|"<>^`{}[\]+\u0000-\u001f\u007f-\u009f]/);
        expect(() => encodeURIComponent(key)).not.toThrow();
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  test("adds no folders beyond those in the template", () => {
    fc.assert(
      fc.property(anyName, anyName, (name, note) => {
        const key = renderKey("img/{note}-{name}-{hash:8}.{ext}", vars({ name, notePath: note }));
        expect(key.split("/")).toHaveLength(2);
      }),
    );
  });
});

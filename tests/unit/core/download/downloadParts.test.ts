import { attachmentName, restorablePath } from "../../../../src/core/download/attachmentName";
import { hostAllowed, servedFrom } from "../../../../src/core/download/servedFrom";
import { attachmentFolder, vaultConfig, vaultEmbed } from "../../../../src/core/download/vaultLinks";
import { sha256PrefixInKey } from "../../../../src/core/prepare/keyTemplate";

const HEX = "0123456789abcdef".repeat(4);

describe("sha256PrefixInKey", () => {
  it.each([
    ["img/{hash:32}.{ext}", `img/${HEX.slice(0, 32)}.png`, HEX.slice(0, 32)],
    ["t/{hash}.{ext}", `t/${HEX}.webp`, HEX],
    ["{year}/{month}/{name}-{hash:16}.{ext}", `2026/11/My-shot-${HEX.slice(0, 16)}.jpg`, HEX.slice(0, 16)],
    ["{hash:8}/{hash:16}.{ext}", `${HEX.slice(0, 8)}/${HEX.slice(0, 16)}.png`, HEX.slice(0, 16)],
  ])("reads the digits %s put into %s", (template, key, digits) => {
    expect(sha256PrefixInKey(template, key)).toBe(digits);
  });

  it.each([
    ["img/{hash:32}.{ext}", `other/${HEX.slice(0, 32)}.png`, "a key of another folder"],
    ["img/{hash:32}.{ext}", `img/${HEX.slice(0, 31)}.png`, "too few digits"],
    ["img/{name}.{ext}", "img/shot.png", "a template without {hash}"],
    ["{hash:8}/{hash:16}.{ext}", `${"f".repeat(8)}/${HEX.slice(0, 16)}.png`, "two places that disagree"],
  ])("finds nothing in %s / %s (%s)", (template, key) => {
    expect(sha256PrefixInKey(template, key)).toBeUndefined();
  });
});

describe("servedFrom", () => {
  const sources = [{ prefix: "https://cdn.example.com/blog/" }, { prefix: "http://127.0.0.1:7480/bucket/" }];
  it("names the source and the decoded key of a link under a prefix, whatever the host's case", () => {
    expect(servedFrom("https://CDN.example.com/blog/img/a%20b.png?x=1", sources)).toEqual({ source: sources[0], key: "img/a b.png" });
    expect(servedFrom("//cdn.example.com/blog/a.png", sources)?.key).toBe("a.png");
    expect(servedFrom("http://127.0.0.1:7480/bucket/t/x.png", sources)?.source).toBe(sources[1]);
  });
  it("does not take a link of another path, host, scheme or port for one it serves", () => {
    for (const url of [
      "https://cdn.example.com/blogs/a.png",
      "https://cdn.example.com/blog/",
      "http://cdn.example.com/blog/a.png",
      "http://127.0.0.1:7481/bucket/a.png",
      "https://evil.com/blog/a.png",
    ]) {
      expect(servedFrom(url, sources)).toBeUndefined();
    }
  });
});

describe("hostAllowed", () => {
  it("denies a denied host and its subdomains, and with an allow list takes only its hosts", () => {
    const lists = { allow: [], deny: ["ads.example"] };
    expect(hostAllowed("https://x.ads.example/a.png", lists)).toBe(false);
    expect(hostAllowed("https://ads.example/a.png", lists)).toBe(false);
    expect(hostAllowed("https://notads.example/a.png", lists)).toBe(true);
    const only = { allow: ["*.img.example"], deny: ["bad.img.example"] };
    expect(hostAllowed("https://a.img.example/x.png", only)).toBe(true);
    expect(hostAllowed("https://bad.img.example/x.png", only)).toBe(false);
    expect(hostAllowed("https://other.example/x.png", only)).toBe(false);
  });
});

describe("attachmentName", () => {
  it.each([
    ["img/abc.png", "png", "abc.png"],
    ["img/abc.jpeg", "jpg", "abc.jpeg"],
    ["img/abc.png", "webp", "abc.webp"],
    ["https://x.example/a/photo%20one?size=2", "jpg", "photo one.jpg"],
    ["https://x.example/", "gif", "image.gif"],
    ["img/a:b|c*d.png", "png", "a-b-c-d.png"],
    ["img/..png", "png", "png.png"],
  ])("names %s (%s bytes) %s", (from, ext, name) => {
    expect(attachmentName(from, ext)).toBe(name);
  });
});

describe("vault links", () => {
  it("reads app.json's link and attachment options, with Obsidian's defaults for the rest", () => {
    expect(vaultConfig('{"useMarkdownLinks":true,"newLinkFormat":"relative","attachmentFolderPath":"./att"}')).toEqual({
      style: { markdown: true, format: "relative" },
      attachmentFolderPath: "./att",
    });
    expect(vaultConfig("not json")).toEqual({ style: { markdown: false, format: "shortest" }, attachmentFolderPath: "/" });
  });
  it.each([
    ["/", "A/B/n.md", ""],
    ["", "A/n.md", ""],
    ["./", "A/B/n.md", "A/B"],
    ["./att", "A/n.md", "A/att"],
    ["./att", "n.md", "att"],
    ["Files/img", "A/n.md", "Files/img"],
  ])("puts attachments of %j for %s in %j", (setting, note, folder) => {
    expect(attachmentFolder(setting, note)).toBe(folder);
  });
  it("writes embeds in each style, with the alias and a title kept", () => {
    const wiki = { markdown: false, format: "shortest" } as const;
    expect(vaultEmbed("att/a b.png", "N/n.md", "", wiki, 1)).toBe("![[a b.png]]");
    expect(vaultEmbed("att/a b.png", "N/n.md", "alt|100", wiki, 2)).toBe("![[att/a b.png|alt|100]]");
    expect(vaultEmbed("att/a b.png", "N/n.md", "alt", { markdown: true, format: "relative" }, 1)).toBe("![alt](../att/a%20b.png)");
    expect(vaultEmbed("att/a.png", "n.md", "x", { markdown: true, format: "absolute" }, 1)).toBe("![x](att/a.png)");
    expect(vaultEmbed("att/a.png", "n.md", "x", wiki, 1, 'say "hi"')).toBe('![x](a.png "say \\"hi\\"")');
  });
});

describe("restorablePath", () => {
  it.each([
    ["Attachments/Photo 1.png", "png"],
    ["Notes/ünï €/shot.JPEG", "jpg"],
    ["top.tif", "tiff"],
  ])("keeps %s for %s bytes", (p, ext) => expect(restorablePath(p, ext)).toBe(p));

  it.each<[string | undefined, string, string]>([
    [undefined, "png", "no path"],
    ["", "png", "empty"],
    ["/etc/a.png", "png", "absolute"],
    ["../outside.png", "png", "climbs out of the vault"],
    ["a/./b.png", "png", "a dot segment"],
    ["a//b.png", "png", "an empty segment"],
    ["a\\b.png", "png", "a backslash"],
    ["a\nb.png", "png", "a line break"],
    ["photo.heic", "webp", "an extension of another type (converted before upload)"],
    ["folder/", "png", "a folder"],
  ])("refuses %j for %s bytes (%s)", (p, ext) => expect(restorablePath(p, ext)).toBeUndefined());
});

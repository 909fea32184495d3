/**
 * The cheap parts of watching for attached images: the test made on every editor change while
 * a file waits, and the mark on files the plugin writes itself.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Vault as ObsidianVault } from "obsidian";
import { mentionsName } from "../../../src/obsidian/attachmentArrivals";
import { createOwnBinary, isOwnFile } from "../../../src/obsidian/ownFiles";
import { createFakeApp } from "../../fakes/obsidian";

describe("mentionsName", () => {
  test.each([
    ["![[Pasted image 1.png]]", "Pasted image 1.png"],
    ["![](Pasted%20image%201.png)", "Pasted image 1.png"],
    ["![](<Pasted image 1.png>)", "Pasted image 1.png"],
    ["![](Attachments/a%20(1).png)", "a (1).png"],
    ["![](Attachments/a%20%281%29.png)", "a (1).png"],
    ["![[IMG_0001.JPG]]", "img_0001.jpg"],
  ])("finds the name in %p", (text, name) => {
    expect(mentionsName(text, name)).toBe(true);
  });

  test("does not find another name", () => {
    expect(mentionsName("![[IMG_0002.png]] and IMG_0001.jpg", "IMG_0001.png")).toBe(false);
  });
});

describe("files the plugin writes itself", () => {
  test("are marked while the vault announces them, and others are not", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3ih-own-"));
    try {
      const app = createFakeApp(dir);
      const vault = app.vault as unknown as ObsidianVault;
      const seen: Array<[string, boolean]> = [];
      app.vault.on("create", (f: { path: string }) => seen.push([f.path, isOwnFile(vault, f.path)]));
      await createOwnBinary(vault, "mine.png", new Uint8Array([1]).buffer);
      await app.vault.createBinary("theirs.png", new Uint8Array([2]).buffer);
      expect(seen).toEqual([
        ["mine.png", true],
        ["theirs.png", false],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a failed creation leaves no mark", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3ih-own-"));
    try {
      const app = createFakeApp(dir);
      const vault = app.vault as unknown as ObsidianVault;
      await app.vault.createBinary("taken.png", new Uint8Array([1]).buffer);
      await expect(createOwnBinary(vault, "taken.png", new Uint8Array([2]).buffer)).rejects.toThrow();
      expect(isOwnFile(vault, "taken.png")).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

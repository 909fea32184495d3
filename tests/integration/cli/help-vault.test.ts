/**
 * The command-line tool on a real vault (Obsidian's own help, 170+ notes, ~130 images)
 * against the real S3 server: every local image link rewritten to an object with the file's
 * exact bytes, every other byte of every note untouched, missing files reported, and a
 * second run that uploads nothing.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { rewriteEmbed } from "../../../src/core/link/embedLink";
import { adminClient, anonymousGet, createTestBucket, removeTestBucket, s3TestEnv } from "../../support/s3";
import { describeWithHelpVault, helpVault } from "../../support/fixtures";

/** Images go up exactly as they are, so every object can be compared with its file byte for byte. */
const AS_IS = ["--keep-metadata", "--no-sanitize-svg"];
import { cliEnv, mimeOf, plannedLinks, runCli, serverFlags, sha256, snapshot, type PlannedLink } from "../../support/cli";

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const REMOVED = ["Attachments/Engelbart.jpg", "Attachments/icons/lucide-cog.svg"];

const JSON_KEYS = ["failed", "failures", "guesses", "keptLocal", "reused", "rewritten", "skipped", "skippedNotes", "uploaded"];

describeWithHelpVault("s3-image-hosting upload on the Obsidian help vault", () => {
  let work: string;
  let vault: string;
  let bucket: string;
  let before: Map<string, Buffer>;
  let links: PlannedLink[];

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-fixture-"));
    vault = path.join(work, "vault");
    cpSync(helpVault, vault, { recursive: true });
    // Every link in the help vault resolves; take two images away so that some do not.
    for (const gone of REMOVED) rmSync(path.join(vault, gone));
    before = await snapshot(vault);
    links = plannedLinks(before);
    bucket = await createTestBucket("cli-fixture");
  });

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await removeTestBucket(bucket);
  });

  it("rewrites every local image link to an object holding exactly the file's bytes (metadata kept), and changes nothing else", async () => {
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian", ...AS_IS, "--json"], cliEnv(work));
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout);
    expect(Object.keys(out).sort()).toEqual(JSON_KEYS);

    const resolved = links.filter((l) => l.file !== null);
    const missing = links.filter((l) => l.file === null);
    const distinct = new Set(resolved.map((l) => l.file as string));
    // Distinct paths may hold the same bytes: those are uploaded once and then found in the bucket.
    const distinctBytes = new Set([...distinct].map((f) => sha256(before.get(f) as Buffer)));
    expect(resolved.length).toBeGreaterThan(200);
    expect(missing.length).toBeGreaterThan(10);
    expect(out).toMatchObject({
      rewritten: resolved.length,
      skipped: 0,
      failed: missing.length,
      uploaded: distinctBytes.size,
      reused: distinct.size - distinctBytes.size,
    });
    expect(run.code).toBe(1);

    // Links to files the vault does not have: reported one by one and left as they were.
    expect(out.failures).toEqual(
      missing.map((l) => ({ note: l.note, link: l.embed.raw, code: "MissingFile", message: expect.stringContaining(l.embed.target) })),
    );

    const env = s3TestEnv();
    const base = `${env.endpoint}/${bucket}/t/`;
    const after = await snapshot(vault);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const checked = new Map<string, string>();
    for (const [file, original] of before) {
      const now = after.get(file) as Buffer;
      const noteLinks = resolved.filter((l) => l.note === file);
      if (noteLinks.length === 0) {
        expect({ file, same: now.equals(original) }).toEqual({ file, same: true });
        continue;
      }
      // Rebuild the note from the original by splicing in each link's expected rewrite; the
      // result must equal the file byte for byte.
      const text = original.toString("utf8");
      const nowText = now.toString("utf8");
      let expected = "";
      let at = 0;
      for (const l of noteLinks) {
        // The key is the file's SHA-256 (by the key template); only the extension is read back.
        const hash = sha256(before.get(l.file as string) as Buffer);
        const ext = new RegExp(`${escapeRe(base)}${hash}\\.([a-z0-9]+)`).exec(nowText)?.[1];
        expect({ link: l.embed.raw, note: file, foundUrl: ext !== undefined }).toEqual({ link: l.embed.raw, note: file, foundUrl: true });
        const url = `${base}${hash}.${ext}`;
        expected += text.slice(at, l.embed.start) + rewriteEmbed(l.embed, url);
        at = l.embed.end;
        checked.set(url, l.file as string);
      }
      expected += text.slice(at);
      expect({ file, text: now.toString("utf8") }).toEqual({ file, text: expected });
    }

    // Every linked object is publicly readable and holds the file's bytes with the right type.
    expect(checked.size).toBe(distinct.size);
    for (const [url, file] of checked) {
      const res = await anonymousGet(url);
      const bytes = before.get(file) as Buffer;
      expect({ url, status: res.status, type: res.headers["content-type"], same: res.body.equals(bytes) }).toEqual({
        url,
        status: 200,
        type: mimeOf(bytes),
        same: true,
      });
    }
  });

  it("uploads nothing on a second run and leaves the notes as the first run wrote them", async () => {
    const first = await snapshot(vault);
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian", ...AS_IS, "--json"], cliEnv(work));
    const out = JSON.parse(run.stdout);
    const missing = links.filter((l) => l.file === null);
    expect(out).toMatchObject({ uploaded: 0, reused: 0, rewritten: 0, skipped: 0, failed: missing.length });
    expect(run.code).toBe(1);
    const second = await snapshot(vault);
    for (const [file, bytes] of first) expect({ file, same: second.get(file)?.equals(bytes) }).toEqual({ file, same: true });

    const client = adminClient();
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const distinctBytes = new Set(links.filter((l) => l.file).map((l) => sha256(first.get(l.file as string) ?? Buffer.alloc(0))));
      expect(listed.KeyCount).toBe(distinctBytes.size);
    } finally {
      client.destroy();
    }
  });

  it("reuses the earlier uploads for a fresh copy of the vault, through the upload cache", async () => {
    const copy = path.join(work, "copy");
    cpSync(helpVault, copy, { recursive: true });
    for (const gone of REMOVED) rmSync(path.join(copy, gone));
    const run = await runCli(["upload", copy, ...serverFlags(bucket), "--site", "obsidian", ...AS_IS, "--json"], cliEnv(work));
    const out = JSON.parse(run.stdout);
    const resolved = links.filter((l) => l.file !== null);
    const distinct = new Set(resolved.map((l) => l.file as string));
    expect(out).toMatchObject({ uploaded: 0, reused: distinct.size, rewritten: resolved.length });
  });
});

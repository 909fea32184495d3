/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require"]}
 *
 * "Find unused images in the bucket" inside (a fake of) Obsidian, against the real S3 server
 * through the requestUrl transport: the dialog names the number and total size, nothing is
 * deleted before the person confirms, and only unlinked images under the key template's
 * folder older than the grace period are deleted.
 */
// The fake goes first: it gives jsdom the TextEncoder the SDK needs when it loads.
import { Modal, Notice, Plugin, type App } from "../../fakes/obsidian";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Plugin as ObsidianPlugin } from "obsidian";
import type { PluginSettings } from "../../../src/core/settings/settingsModel";
import { registerLifecycleCommands } from "../../../src/obsidian/lifecycleCommands";
import { RequestRecorder } from "../../support/requestRecorder";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";
import { adminClient, createTestBucket, removeTestBucket, s3TestEnv, testCredentials, testProfile } from "../../support/s3";
import { vaultIn } from "../../support/uploadAllRig";

jest.setTimeout(60_000);

let work: string;
let bucket: string;
let admin: S3Client;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-unused-"));
  bucket = await createTestBucket("unused");
  admin = adminClient();
});

afterAll(async () => {
  admin.destroy();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

beforeEach(() => Notice.reset());

const DAY = 24 * 60 * 60 * 1000;
class TestPlugin extends Plugin {}

async function put(key: string, size: number): Promise<string> {
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: new Uint8Array(size).fill(1) }));
  return `${s3TestEnv().endpoint}/${bucket}/${key}`;
}

async function exists(key: string): Promise<boolean> {
  return admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}; notices: ${JSON.stringify(Notice.messages)}`);
}

/** The plugin's command over a vault, with the test bucket as the active profile and the clock at `now`. */
function setUp(files: Record<string, string>, keyTemplate: string, now: Date): { app: App; run: () => void; transport: RequestRecorder } {
  const app = vaultIn(work, files);
  const creds = testCredentials();
  app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
  app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
  const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket, keyTemplate });
  const settings: PluginSettings = readySettings(profile);
  const plugin = new TestPlugin(app, { id: "s3-image-hosting", name: "S3 Image Hosting", version: "0", minAppVersion: "1.5.0", author: "", description: "" });
  const transport = new RequestRecorder();
  registerLifecycleCommands(plugin as unknown as ObsidianPlugin, { settings: () => settings, requestUrl: transport.requestUrl, now: () => now });
  const command = plugin.commands.find((c) => c.id.endsWith("find-unused-images"));
  if (!command?.callback) throw new Error("the command was not registered");
  const callback = command.callback;
  return { app, run: () => void callback(), transport };
}

it("shows the unused images' number and size, deletes nothing until confirmed, then only those", async () => {
  const linked = await put("u1/linked.png", 10);
  await put("u1/unused-a.png", 1000);
  await put("u1/unused-b.png", 2000);
  await put("elsewhere/old.png", 5);
  const { run, transport } = setUp({ "Post.md": `![x](${linked})\n` }, "u1/{hash:64}.{ext}", new Date(Date.now() + 8 * DAY));

  run();
  await until(() => Modal.openModals.length === 1, "the dialog");
  const modal = Modal.openModals[0];
  expect(modal.contentEl.textContent).toContain("2 images under u1/ (2.9 KB) are linked by no note and older than 7 days");
  expect([...modal.contentEl.querySelectorAll("li")].map((li) => li.textContent?.split(" (")[0])).toEqual(["u1/unused-a.png", "u1/unused-b.png"]);
  expect(transport.calls.some((c) => c.method === "POST" || c.method === "DELETE")).toBe(false);

  const button = [...modal.contentEl.querySelectorAll("button")].find((b) => b.textContent?.startsWith("Delete 2 images"));
  button?.click();
  await until(() => Notice.messages.some((m) => m.includes("deleted 2 of 2")), "the summary");
  expect([await exists("u1/unused-a.png"), await exists("u1/unused-b.png"), await exists("u1/linked.png"), await exists("elsewhere/old.png")]).toEqual([
    false,
    false,
    true,
    true,
  ]);
});

it("cancelling deletes nothing", async () => {
  await put("u2/unused.png", 10);
  const { run } = setUp({ "Empty.md": "nothing\n" }, "u2/{hash:64}.{ext}", new Date(Date.now() + 8 * DAY));
  run();
  await until(() => Modal.openModals.length === 1, "the dialog");
  [...Modal.openModals[0].contentEl.querySelectorAll("button")].find((b) => b.textContent === "Cancel")?.click();
  expect(Modal.openModals).toHaveLength(0);
  expect(await exists("u2/unused.png")).toBe(true);
});

it("keeps images younger than the grace period, and refuses a template without a fixed folder", async () => {
  await put("u3/recent.png", 10);
  const young = setUp({ "Empty.md": "nothing\n" }, "u3/{hash:64}.{ext}", new Date());
  young.run();
  await until(() => Notice.messages.some((m) => m.includes("0 linked, 1 recent")), "the notice");
  expect(Modal.openModals).toHaveLength(0);

  Notice.reset();
  const bare = setUp({ "Empty.md": "nothing\n" }, "{hash:64}.{ext}", new Date(Date.now() + 30 * DAY));
  bare.run();
  await until(() => Notice.messages.some((m) => m.includes("does not start with a fixed folder")), "the refusal");
  expect(Modal.openModals).toHaveLength(0);
  expect(bare.transport.calls).toEqual([]);
  expect(await exists("u3/recent.png")).toBe(true);
});

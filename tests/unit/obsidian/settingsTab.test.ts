/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require"]}
 */
/**
 * The settings tab rendered into a DOM and used the way a person would: typing, toggling,
 * choosing. What the plugin saves is read back from data.json.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { App as ObsidianApp, PluginManifest } from "obsidian";
import S3ImageHostingPlugin from "../../../src/main";
import { PROFILE_FIELDS } from "../../../src/core/settings/profileFields";
import { createFakeApp, Platform, type App, type Plugin as FakePlugin, type PluginSettingTab } from "../../fakes/obsidian";

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../manifest.json"), "utf8")) as PluginManifest;

let dir: string;
let app: App;
let plugin: S3ImageHostingPlugin & FakePlugin;
let tab: PluginSettingTab;

const dataPath = () => path.join(dir, ".obsidian/plugins/s3-image-hosting/data.json");

function row(name: string): HTMLElement {
  const rows = Array.from(tab.containerEl.querySelectorAll<HTMLElement>(".setting-item"));
  const found = rows.find((r) => r.querySelector(".setting-item-name")?.textContent === name);
  if (!found) throw new Error(`no setting named "${name}"; have: ${rows.map((r) => r.querySelector(".setting-item-name")?.textContent).join(", ")}`);
  return found;
}

function type(name: string, value: string): void {
  const input = row(name).querySelector("input")!;
  input.value = value;
  input.dispatchEvent(new Event("input"));
}

function choose(name: string, value: string): void {
  const select = row(name).querySelector("select")!;
  select.dispatchEvent(new Event("focus"));
  select.value = value;
  expect(select.value).toBe(value);
  select.dispatchEvent(new Event("change"));
}

function click(name: string, buttonText: string): void {
  const button = Array.from(row(name).querySelectorAll("button")).find((b) => b.textContent === buttonText);
  if (!button) throw new Error(`no button "${buttonText}" in "${name}"`);
  button.click();
}

const message = (name: string) => row(name).querySelector(".s3ih-field-message")?.textContent ?? "";

async function closeTab(): Promise<string> {
  tab.hide();
  await plugin.flushSave();
  return fs.readFileSync(dataPath(), "utf8");
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3ih-settings-"));
  app = createFakeApp(dir);
  plugin = new S3ImageHostingPlugin(app as unknown as ObsidianApp, manifest) as S3ImageHostingPlugin & FakePlugin;
  // The fake returns onload's promise, as Obsidian awaits a plugin's onload before it counts as enabled.
  await (plugin as FakePlugin).load();
  tab = plugin.settingTabs[0];
  tab.display();
});
afterEach(async () => {
  plugin.unload();
  await plugin.flushSave();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("each field shows its validation message underneath, and the message goes once the value is fixed", () => {
  expect(message("Bucket")).toBe("Bucket is required.");
  expect(message("Endpoint")).toMatch(/^Endpoint is required/);
  type("Bucket", "My_Bucket");
  expect(message("Bucket")).toContain("lowercase letters only");
  expect(row("Bucket").classList.contains("s3ih-invalid")).toBe(true);
  type("Bucket", "my-bucket");
  expect(message("Bucket")).toBe("");
  expect(row("Bucket").classList.contains("s3ih-invalid")).toBe(false);
  type("Endpoint", "https://s3.example.com/my-bucket");
  expect(message("Endpoint")).toContain("Remove the bucket name from the endpoint");
});

test("choosing the secrets saves only their names: data.json never holds a secret value", async () => {
  app.secretStorage.setSecret("r2-access-key-id", "AKIAEXAMPLEKEYID");
  app.secretStorage.setSecret("r2-secret-access-key", "very/secret+value");
  expect(message("Access key ID")).toBe("Choose the secret that holds the access key ID.");
  choose("Access key ID", "r2-access-key-id");
  choose("Secret access key", "r2-secret-access-key");
  expect(message("Access key ID")).toBe("");
  expect(message("Secret access key")).toBe("");
  const saved = await closeTab();
  expect(saved).not.toContain("AKIAEXAMPLEKEYID");
  expect(saved).not.toContain("very/secret+value");
  const profile = JSON.parse(saved).profiles[0];
  expect([profile.accessKeyIdSecret, profile.secretAccessKeySecret]).toEqual(["r2-access-key-id", "r2-secret-access-key"]);
});

test("a secret name with no secret stored on this device is pointed out", () => {
  plugin.settings.profiles[0].accessKeyIdSecret = "from-another-device";
  tab.display();
  expect(message("Access key ID")).toBe('No secret named "from-another-device" is stored on this device.');
});

test("a provider preset fills in its region, addressing and ACL, and says when the provider has no ACLs", async () => {
  type("Endpoint", "https://0123abcd.r2.cloudflarestorage.com");
  choose("Provider", "r2");
  const profile = plugin.settings.profiles[0];
  expect(profile).toMatchObject({ provider: "r2", region: "auto", acl: "none", endpoint: "https://0123abcd.r2.cloudflarestorage.com" });
  expect(row("Region").querySelector("input")!.value).toBe("auto");
  expect(row("ACL").querySelector(".setting-item-description")!.textContent).toContain("Cloudflare R2 rejects or ignores per-file ACLs");
  expect(message("Public base URL")).toContain("r2.dev");
  choose("ACL", "public-read");
  expect(message("ACL")).toBe("Cloudflare R2 rejects the ACL header; set the ACL to none.");
  expect(JSON.parse(await closeTab()).profiles[0].provider).toBe("r2");
});

test("typing a B2 endpoint sets the region it names", () => {
  choose("Provider", "b2");
  type("Endpoint", "https://s3.us-west-004.backblazeb2.com");
  expect(plugin.settings.profiles[0].region).toBe("us-west-004");
  expect(row("Region").querySelector("input")!.value).toBe("us-west-004");
});

test("general switches and limits are saved; a size that is not a positive number is refused with a message", async () => {
  row("Upload pasted images").querySelector<HTMLElement>(".checkbox-container")!.click();
  expect(plugin.settings.uploadOnPaste).toBe(false);
  type("Largest upload (MB)", "-3");
  expect(message("Largest upload (MB)")).toBe("Enter a size in MB greater than 0.");
  expect(plugin.settings.maxFileSizeMB).toBe(20);
  type("Largest upload (MB)", "50");
  expect(message("Largest upload (MB)")).toBe("");
  type("Parallel uploads", "100");
  expect(message("Parallel uploads")).toMatch(/^Enter a whole number from 1 to/);
  const saved = JSON.parse(await closeTab());
  expect(saved).toMatchObject({ uploadOnPaste: false, uploadOnDrop: true, maxFileSizeMB: 50, concurrency: 16 });
});

test("the link format is saved; its template shows only for custom, and an unknown placeholder is named underneath", async () => {
  const names = () => Array.from(tab.containerEl.querySelectorAll(".setting-item-name")).map((e) => e.textContent);
  expect(row("Link format").querySelector("select")!.value).toBe("markdown");
  expect(names()).not.toContain("Link template");
  choose("Link format", "html");
  expect(plugin.settings.linkFormat).toBe("html");
  expect(names()).not.toContain("Link template");
  choose("Link format", "custom");
  expect(row("Link template").querySelector(".setting-item-description")!.textContent).toMatch(/Uploads wait until it is fixed: .*must contain \{url\}/);
  type("Link template", '<img src="{url}" alt="{caption}">');
  expect(message("Link template")).toBe(
    "The link template has an unknown placeholder {caption}. The placeholders are {url}, {alt}, {name}, {width}, {height}.",
  );
  expect(plugin.settings.linkTemplate).not.toContain("{caption}");
  type("Link template", '<img src="{url}" alt="{alt}" width="{width}">');
  expect(message("Link template")).toBe("");
  const saved = JSON.parse(await closeTab());
  expect(saved).toMatchObject({ linkFormat: "custom", linkTemplate: '<img src="{url}" alt="{alt}" width="{width}">' });
});

test("uploading attached images shows the device's default until switched, and the switch is saved as a choice", async () => {
  const toggle = () => row("Upload attached images").querySelector<HTMLElement>(".checkbox-container")!;
  // Desktop in this fake: off by default.
  expect(toggle().classList.contains("is-enabled")).toBe(false);
  expect(plugin.settings.uploadAttachments).toBe("auto");
  toggle().click();
  expect(plugin.settings.uploadAttachments).toBe(true);
  toggle().click();
  expect(plugin.settings.uploadAttachments).toBe(false);
  expect(JSON.parse(await closeTab())).toMatchObject({ uploadAttachments: false });
});

test("on a phone the switch for attached images starts on", () => {
  Platform.isMobile = true;
  try {
    tab.display();
    expect(row("Upload attached images").querySelector(".checkbox-container")!.classList.contains("is-enabled")).toBe(true);
  } finally {
    Platform.isMobile = false;
  }
});

test("the key template says whether two images can get one key, and replacing files in the bucket is off until switched on", async () => {
  const note = () => row("Key template").querySelector(".s3ih-field-note")?.textContent ?? "";
  expect(note()).toMatch(/^Each image gets its own key/);
  type("Key template", "img/{name}.{ext}");
  expect(note()).toMatch(/^Two different images can get the same key with this template/);
  expect(message("Key template")).toBe("");
  type("Key template", "img/{year}.{ext}");
  expect(note()).toBe("");
  expect(message("Key template")).toContain("without one of them every image gets the same key");

  const toggle = row("Replace existing files").querySelector<HTMLElement>(".checkbox-container")!;
  expect(toggle.classList.contains("is-enabled")).toBe(false);
  expect(row("Replace existing files").querySelector(".setting-item-description")!.textContent).toContain("Off: such an image is not uploaded");
  toggle.click();
  expect(plugin.settings.profiles[0].overwrite).toBe(true);
  expect(JSON.parse(await closeTab()).profiles[0].overwrite).toBe(true);
});

test("profiles can be added, duplicated, made active and deleted, and at least one always remains", async () => {
  const first = plugin.settings.profiles[0].id;
  type("Name", "Blog bucket");
  click("Profile", "Add");
  expect(plugin.settings.profiles.map((p) => p.name)).toEqual(["Blog bucket", "New bucket"]);
  expect(row("Name").querySelector("input")!.value).toBe("New bucket");
  expect(plugin.settings.activeProfileId).toBe(first);
  expect(row("Active profile").querySelector(".setting-item-description")!.textContent).toBe('Uploads go to "Blog bucket".');

  click("Active profile", "Make active");
  const second = plugin.settings.profiles[1].id;
  expect(plugin.settings.activeProfileId).toBe(second);
  const options = Array.from(row("Profile").querySelectorAll("option")).map((o) => o.textContent);
  expect(options).toEqual(["Blog bucket", "New bucket (active)"]);

  click("Profile", "Duplicate");
  expect(plugin.settings.profiles.map((p) => p.name)).toEqual(["Blog bucket", "New bucket", "New bucket copy"]);
  expect(new Set(plugin.settings.profiles.map((p) => p.id)).size).toBe(3);

  // Deleting asks for a second click.
  click("Profile", "Delete");
  expect(plugin.settings.profiles).toHaveLength(3);
  click("Profile", "Click again to delete");
  expect(plugin.settings.profiles.map((p) => p.name)).toEqual(["Blog bucket", "New bucket"]);

  choose("Profile", second);
  click("Profile", "Delete");
  click("Profile", "Click again to delete");
  expect(plugin.settings.profiles.map((p) => p.id)).toEqual([first]);
  expect(plugin.settings.activeProfileId).toBe(first);
  const del = Array.from(row("Profile").querySelectorAll("button")).find((b) => b.textContent === "Delete")!;
  expect(del.disabled).toBe(true);
  expect(JSON.parse(await closeTab()).profiles.map((p: { id: string }) => p.id)).toEqual([first]);
});

test("Test connection lists each step with its outcome in words, here a server that refuses connections", async () => {
  const net = await import("node:net");
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port: p } = srv.address() as { port: number };
      srv.close(() => resolve(p));
    });
  });
  app.secretStorage.setSecret("key-id", "AKIDEXAMPLE");
  app.secretStorage.setSecret("key-secret", "secret-value-123");
  plugin.settings.profiles[0] = {
    ...plugin.settings.profiles[0],
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    bucket: "images",
    accessKeyIdSecret: "key-id",
    secretAccessKeySecret: "key-secret",
  };
  tab.display();
  click("Test connection", "Test");
  const results = () => row("Test connection").querySelector(".s3ih-diagnostics")?.textContent ?? "";
  for (let i = 0; i < 200 && !results().includes("Remove the test image"); i++) await new Promise((r) => setTimeout(r, 50));
  expect(results()).toContain("✓ Settings");
  expect(results()).toMatch(/✗ Upload a test image: Nothing accepted the connection at 127\.0\.0\.1/);
  expect(results()).not.toContain("secret-value-123");
});

describe("the profile field table drives the form", () => {
  const formFields = PROFILE_FIELDS.filter((f) => f.description !== undefined);

  test("every field the table gives a description is a row with its label, in the table's order", () => {
    const names = Array.from(tab.containerEl.querySelectorAll(".setting-item-name")).map((e) => e.textContent);
    const positions = formFields.map((f) => names.indexOf(f.label));
    expect(positions.filter((p) => p < 0)).toEqual([]);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(formFields.length).toBeGreaterThan(10);
  });

  test("what is typed into each text field is saved as that field of the profile", async () => {
    const textFields = formFields.filter((f) => f.kind === "text");
    for (const f of textFields) type(f.label, `typed-${f.key}`);
    const profile = JSON.parse(await closeTab()).profiles[0];
    for (const f of textFields) expect(profile[f.key]).toBe(`typed-${f.key}`);
  });
});

describe("folder rules", () => {
  const clickAnywhere = (text: string): void => {
    const button = Array.from(tab.containerEl.querySelectorAll("button")).find((b) => b.textContent === text);
    if (!button) throw new Error(`no button "${text}"`);
    button.click();
  };

  test("a rule is added kept local, its pattern and profile are chosen, and it is saved in order", async () => {
    clickAnywhere("Add rule");
    expect(message("Rule 1")).toMatch(/^Enter a folder path/);
    type("Rule 1", "Blog/drafts");
    expect(message("Rule 1")).toBe("");
    clickAnywhere("Add rule");
    type("Rule 2", "**/private/**");
    choose("Rule 1", "default");
    const options = Array.from(row("Rule 2").querySelectorAll("option")).map((o) => o.textContent);
    expect(options).toEqual(["My bucket", "Keep local"]);
    const saved = JSON.parse(await closeTab()) as { folderRules: unknown };
    expect(saved.folderRules).toEqual([
      { pattern: "Blog/drafts", target: "default" },
      { pattern: "**/private/**", target: "local" },
    ]);
  });

  test("a rule whose profile was deleted shows the problem, and Remove takes the rule out", async () => {
    plugin.settings.profiles.push({ ...plugin.settings.profiles[0], id: "gone", name: "Gone" });
    plugin.settings.folderRules = [{ pattern: "Blog", target: "gone" }];
    plugin.settings.profiles = plugin.settings.profiles.filter((p) => p.id !== "gone");
    tab.display();
    expect(message("Rule 1")).toMatch(/^Its profile was deleted/);
    expect(row("Rule 1").querySelector("select")?.value).toBe("gone");
    click("Rule 1", "Remove");
    expect(() => row("Rule 1")).toThrow();
    const saved = JSON.parse(await closeTab()) as { folderRules: unknown };
    expect(saved.folderRules).toEqual([]);
  });
});

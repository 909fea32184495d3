/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require"]}
 */
/**
 * The settings tab in Obsidian 1.13, which draws it from `getSettingDefinitions()` instead of
 * calling `display()`, reads and writes values through the tab, and searches the definitions.
 * Before 1.13 the same table of rows is drawn by `display()`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { App as ObsidianApp, PluginManifest, SettingDefinitionItem } from "obsidian";
import S3ImageHostingPlugin from "../../../src/main";
import { PROFILE_FIELDS } from "../../../src/core/settings/profileFields";
import { createFakeApp, searchDefinitions, setApiVersion, type App, type Plugin as FakePlugin, type PluginSettingTab } from "../../fakes/obsidian";

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../manifest.json"), "utf8")) as PluginManifest;

let dir: string;
let app: App;
let plugin: S3ImageHostingPlugin & FakePlugin;
let tab: PluginSettingTab;

const dataPath = () => path.join(dir, ".obsidian/plugins/s3-image-hosting/data.json");

async function loadPlugin(version: string): Promise<void> {
  setApiVersion(version);
  app = createFakeApp(dir);
  plugin = new S3ImageHostingPlugin(app as unknown as ObsidianApp, manifest) as S3ImageHostingPlugin & FakePlugin;
  await (plugin as FakePlugin).load();
  tab = plugin.settingTabs[0];
}

/** Names on screen, headings included, top to bottom. */
const shownNames = () => Array.from(tab.containerEl.querySelectorAll(".setting-item-name")).map((e) => e.textContent ?? "");

/** Group headings and definition names, in order. */
function definitionNames(items: SettingDefinitionItem[]): string[] {
  return items.flatMap((item) => {
    if ("type" in item && (item.type === "group" || item.type === "list"))
      return [...(item.heading ? [item.heading] : []), ...definitionNames(item.items ?? [])];
    return [(item as { name: string }).name];
  });
}

function row(name: string): HTMLElement {
  const found = Array.from(tab.containerEl.querySelectorAll<HTMLElement>(".setting-item")).find(
    (r) => r.querySelector(".setting-item-name")?.textContent === name,
  );
  if (!found) throw new Error(`no setting named "${name}"; have: ${shownNames().join(", ")}`);
  return found;
}

function type(name: string, value: string): void {
  const input = row(name).querySelector("input")!;
  input.value = value;
  input.dispatchEvent(new Event("input"));
}

async function saved(): Promise<Record<string, unknown>> {
  tab.hide();
  await plugin.flushSave();
  return JSON.parse(fs.readFileSync(dataPath(), "utf8")) as Record<string, unknown>;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3ih-definitions-"));
});
afterEach(async () => {
  plugin.unload();
  await plugin.flushSave();
  setApiVersion("1.11.4");
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("before 1.13", () => {
  beforeEach(() => loadPlugin("1.12.7"));

  test("display() draws the tab, and every row it shows has a definition of the same name, in the same order", () => {
    tab.open();
    const names = shownNames();
    expect(names).toEqual(definitionNames(tab.getSettingDefinitions()));
    for (const f of PROFILE_FIELDS.filter((field) => field.description !== undefined)) expect(names).toContain(f.label);
    expect(names).toEqual(
      expect.arrayContaining(["Upload pasted images", "Parallel uploads", "Re-host web images", "Never fetch from these hosts", "Profile", "Test connection"]),
    );
  });
});

describe("in 1.13", () => {
  beforeEach(() => loadPlugin("1.13.1"));

  test("the tab is drawn from its definitions, with the same rows display() draws", () => {
    const display = jest.spyOn(tab, "display");
    tab.open();
    expect(display).not.toHaveBeenCalled();
    const drawn = shownNames();
    expect(drawn).toEqual(definitionNames(tab.settingItems));
    tab.hide();
    tab.display();
    expect(shownNames()).toEqual(drawn);
  });

  test('searching "endpoint" finds the Endpoint row, and "hosts" the web image host lists', () => {
    const endpoint = searchDefinitions(tab.settingItems, "endpoint");
    expect(endpoint.map((h) => h.name)).toContain("Endpoint");
    for (const hit of endpoint) expect(`${hit.name} ${hit.desc}`.toLowerCase()).toContain("endpoint");
    expect(searchDefinitions(tab.settingItems, "hosts").map((h) => h.name)).toEqual(["Re-host only from these hosts", "Never fetch from these hosts"]);
    expect(searchDefinitions(tab.settingItems, "parallel").map((h) => h.name)).toEqual(["Parallel uploads"]);
    expect(searchDefinitions(tab.settingItems, "test connection").map((h) => h.name)).toEqual(["Test connection"]);
  });

  test('searching "trash" finds the one switch that moves uploaded images to the trash, off by default', async () => {
    expect(searchDefinitions(tab.settingItems, "trash").map((h) => h.name)).toEqual(["Move uploaded images to the trash"]);
    expect(tab.getControlValue("trashAfterUpload")).toBe(false);
    await tab.setControlValue("trashAfterUpload", true);
    expect(plugin.settings.trashAfterUpload).toBe(true);
  });

  test("the search follows the provider: its help text is indexed again when the provider changes", () => {
    tab.open();
    const select = row("Provider").querySelector("select")!;
    select.value = "r2";
    select.dispatchEvent(new Event("change"));
    expect(searchDefinitions(tab.settingItems, "per-file ACLs").map((h) => h.name)).toEqual(["ACL"]);
    expect(row("ACL").querySelector(".setting-item-description")!.textContent).toContain("Cloudflare R2 rejects or ignores per-file ACLs");
  });

  test("a value changed through its definition updates the settings and is saved, as the form saves it", async () => {
    tab.open();
    row("Upload dropped images").querySelector<HTMLElement>(".checkbox-container")!.click();
    type("Parallel uploads", "4");
    type("Never fetch from these hosts", "ads.example.com, *.tracker.net");
    expect(plugin.settings).toMatchObject({ uploadOnDrop: false, concurrency: 4, webImageDeny: ["ads.example.com", "*.tracker.net"] });
    expect(tab.getControlValue("webImageDeny")).toBe("ads.example.com, *.tracker.net");
    expect(await saved()).toMatchObject({ uploadOnDrop: false, concurrency: 4, webImageDeny: ["ads.example.com", "*.tracker.net"] });
  });

  test("a value its row refuses is not stored, and the row says why", async () => {
    tab.open();
    type("Parallel uploads", "100");
    expect(row("Parallel uploads").querySelector(".setting-item-error")!.textContent).toMatch(/^Enter a whole number from 1 to/);
    type("Largest upload (MB)", "");
    expect(row("Largest upload (MB)").querySelector(".setting-item-error")!.textContent).toBe("Enter a size in MB greater than 0.");
    type("Re-host only from these hosts", "not a/host");
    expect(row("Re-host only from these hosts").querySelector(".setting-item-error")!.textContent).toBe('"a/host" is not a host name (such as example.com).');
    expect(plugin.settings).toMatchObject({ concurrency: 16, maxFileSizeMB: 20, webImageAllow: [] });
    expect(() => tab.setControlValue("concurrency", 0)).toThrow(/^Enter a whole number/);
    expect(() => tab.setControlValue("uploadOnPaste", "yes")).toThrow("Expected on or off.");
    expect(() => tab.setControlValue("noSuchSetting", true)).toThrow('There is no setting "noSuchSetting".');
    tab.hide();
    await plugin.flushSave();
    expect(fs.existsSync(dataPath())).toBe(false);
  });

  test("profile fields drawn from their definitions validate and save as in the form, and switching profiles redraws", async () => {
    tab.open();
    type("Bucket", "My_Bucket");
    expect(row("Bucket").querySelector(".s3ih-field-message")!.textContent).toContain("lowercase letters only");
    type("Bucket", "photos");
    expect(row("Bucket").querySelector(".s3ih-field-message")!.textContent).toBe("");
    Array.from(row("Profile").querySelectorAll("button"))
      .find((b) => b.textContent === "Add")!
      .click();
    expect(row("Bucket").querySelector("input")!.value).toBe("");
    expect(row("Name").querySelector("input")!.value).toBe("New bucket");
    const profiles = (await saved()).profiles as Array<{ bucket: string; name: string }>;
    expect(profiles.map((p) => [p.name, p.bucket])).toEqual([
      ["My bucket", "photos"],
      ["New bucket", ""],
    ]);
  });

  test("secret values appear nowhere: not as a control value, not in the search index, not on screen", () => {
    app.secretStorage.setSecret("r2-access-key-id", "AKIAEXAMPLEKEYID");
    app.secretStorage.setSecret("r2-secret-access-key", "very/secret+value");
    plugin.settings.profiles[0].accessKeyIdSecret = "r2-access-key-id";
    plugin.settings.profiles[0].secretAccessKeySecret = "r2-secret-access-key";
    tab.update();
    tab.open();
    const values = Object.keys(plugin.settings).map((key) => tab.getControlValue(key));
    const index = JSON.stringify(tab.settingItems);
    for (const secret of ["AKIAEXAMPLEKEYID", "very/secret+value"]) {
      expect(JSON.stringify(values)).not.toContain(secret);
      expect(index).not.toContain(secret);
      expect(tab.containerEl.innerHTML).not.toContain(secret);
    }
    expect(row("Access key ID").querySelector("select")!.value).toBe("r2-access-key-id");
  });

  test("Test connection is a row that runs when clicked and lists its steps in the row", async () => {
    tab.open();
    row("Test connection").click();
    const results = () => row("Test connection").querySelector(".s3ih-diagnostics")?.textContent ?? "";
    for (let i = 0; i < 100 && !results().includes("Settings"); i++) await new Promise((r) => setTimeout(r, 20));
    expect(results()).toMatch(/✗ Settings: /);
  });
});

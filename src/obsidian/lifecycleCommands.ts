/**
 * Registers the commands that look after images already in the bucket. Each loads its code
 * (and the S3 SDK) only when first run, so Obsidian's start-up pays nothing for them.
 */
import { Notice, TFile, TFolder, type Editor, type MarkdownFileInfo, type MarkdownView, type Menu, type Plugin, type TAbstractFile } from "obsidian";
import { addActiveNoteCommand, notesUnder } from "./noteScope";
import { keysOfTarget, profileBases } from "../core/lifecycle/profileLinks";
import { ALL_FORMS, scanEmbeds } from "../core/markdown";
import type { PluginSettings } from "../core/settings/settingsModel";
import type { RequestUrlFn } from "../storage/requestUrlHandler";
import { PLUGIN_NAME } from "./pasteDrop";

/** The command's name; its code is in relinkBaseUrl.ts, loaded on first use. */
const RELINK = "Rewrite links to a new public base URL";
/** The command's name; its code is in copyToProfile.ts, loaded on first use. */
const COPY = "Copy images to another profile";

export interface LifecycleDeps {
  settings: () => PluginSettings;
  requestUrl: RequestUrlFn;
  /** The clock an image's age is measured by; the system's when left out. */
  now?: () => Date;
}

export function registerLifecycleCommands(plugin: Plugin, deps: LifecycleDeps): void {
  let running = false;
  plugin.addCommand({
    id: "find-unused-images",
    name: "Find unused images in the bucket",
    callback: () => {
      if (running) {
        new Notice("Unused images are already being looked for.");
        return;
      }
      const settings = deps.settings();
      const profile = settings.profiles.find((p) => p.id === settings.activeProfileId);
      if (!profile) {
        new Notice(`${PLUGIN_NAME}: no profile is chosen; choose one in the settings.`, 0);
        return;
      }
      running = true;
      void import("./unusedImages")
        .then((m) => m.findUnusedImages(plugin.app, { profile, requestUrl: deps.requestUrl, now: deps.now }))
        .finally(() => {
          running = false;
        });
    },
  });

  const relink = (notes: TFile[], scope: string): void => {
    const settings = deps.settings();
    const from = settings.profiles.find((p) => p.id === settings.activeProfileId)?.publicBaseUrl.trim() ?? "";
    void import("./relinkBaseUrl")
      .then((m) => m.openRelinkDialog(plugin.app, notes, scope, from))
      .catch((e: unknown) => new Notice(`${RELINK}: ${e instanceof Error ? e.message : String(e)}`, 0));
  };
  addActiveNoteCommand(plugin, "rewrite-links-base-url", `${RELINK} in this note`, (file) => relink([file], file.path));
  plugin.registerEvent(
    plugin.app.workspace.on("file-menu", (menu: Menu, folder: TAbstractFile) => {
      if (!(folder instanceof TFolder)) return;
      const root = folder.isRoot();
      menu.addItem((item) =>
        item
          .setTitle(root ? `${RELINK} in the whole vault` : `${RELINK} in this folder`)
          .setIcon("link")
          .onClick(() => {
            relink(notesUnder(plugin.app, folder, { canvases: true }) ?? [], root ? "the vault" : `the folder ${folder.path}`);
          }),
      );
    }),
  );

  let copying = false;
  const copy = (notes: TFile[], scope: string): void => {
    if (copying) {
      new Notice(`${COPY}: a copy is already under way; wait for it to finish.`);
      return;
    }
    copying = true;
    const done = (): void => {
      copying = false;
    };
    void import("./copyToProfile")
      .then((m) => m.openCopyDialog(plugin.app, notes, scope, { settings: deps.settings, requestUrl: deps.requestUrl, done }))
      .catch((e: unknown) => {
        done();
        new Notice(`${COPY}: ${e instanceof Error ? e.message : String(e)}`, 0);
      });
  };
  addActiveNoteCommand(plugin, "copy-images-to-profile", COPY, (file) => copy([file], file.path));
  plugin.registerEvent(
    plugin.app.workspace.on("file-menu", (menu: Menu, file: TAbstractFile) => {
      const notes = notesUnder(plugin.app, file, { canvases: true });
      if (notes === null) return;
      const root = file instanceof TFolder && file.isRoot();
      const title = file instanceof TFolder ? (root ? `${COPY} in the whole vault` : `${COPY} in this folder`) : COPY;
      menu.addItem((item) =>
        item
          .setTitle(title)
          .setIcon("copy")
          .onClick(() => {
            const scope = file instanceof TFolder ? (root ? "the vault" : `the folder ${file.path}`) : file.path;
            copy(notesUnder(plugin.app, file, { canvases: true }) ?? [], scope);
          }),
      );
    }),
  );

  // "Delete from bucket" on an image link, under the cursor, that names one object of a profile.
  plugin.registerEvent(
    plugin.app.workspace.on("editor-menu", (menu: Menu, editor: Editor, info: MarkdownView | MarkdownFileInfo) => {
      const note = info.file;
      if (!note) return;
      const at = editor.posToOffset(editor.getCursor());
      const embed = scanEmbeds(editor.getValue(), { forms: ALL_FORMS }).find((e) => e.isRemote && e.start <= at && at <= e.end);
      if (!embed) return;
      for (const profile of deps.settings().profiles) {
        const keys = keysOfTarget(embed.target, profileBases(profile));
        // A link that may name two objects (a `?` or `#` after the key) is not offered: which one is meant is not known.
        if (keys.length !== 1) continue;
        menu.addItem((item) =>
          item
            .setTitle("Delete from bucket")
            .setIcon("trash")
            .onClick(() => {
              void import("./deleteFromBucket")
                .then((m) => m.deleteFromBucket(plugin.app, { profile, note: note.path, embed, key: keys[0], requestUrl: deps.requestUrl }))
                .catch((e: unknown) => new Notice(`Delete from bucket: ${e instanceof Error ? e.message : String(e)}`, 0));
            }),
        );
        return;
      }
    }),
  );
}

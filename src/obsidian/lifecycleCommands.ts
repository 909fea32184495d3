/**
 * Registers the commands that look after images already in the bucket. Each loads its code
 * (and the S3 SDK) only when first run, so Obsidian's start-up pays nothing for them.
 */
import { Notice, type Plugin } from "obsidian";
import type { PluginSettings } from "../core/settings/settingsModel";
import type { RequestUrlFn } from "../storage/requestUrlHandler";
import { PLUGIN_NAME } from "./pasteDrop";

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
}

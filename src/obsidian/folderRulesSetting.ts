/**
 * The folder rules in the settings tab: an ordered list, each rule a pattern and where its
 * notes' images go (a profile, or kept local). A rule that cannot be followed says so beside
 * it; until it is fixed it uploads nothing for the notes it could be meant for.
 */
import { Setting } from "obsidian";
import { folderRuleProblems, KEEP_LOCAL, UPLOAD_FIELD } from "../core/rules/uploadTarget";
import type { PluginSettings } from "../core/settings/settingsModel";

/** What the section needs from the tab. */
export interface FolderRulesHost {
  settings: () => PluginSettings;
  /** The settings changed: save them soon. */
  changed: () => void;
  /** Draw the tab again (after a rule was added or removed). */
  redraw: () => void;
}

/** Draws the folder rules section into `containerEl`. */
export function renderFolderRules(containerEl: HTMLElement, host: FolderRulesHost): void {
  const s = host.settings();
  new Setting(containerEl).setName("Folder rules").setHeading();
  new Setting(containerEl).setDesc(
    `Where the images of notes in some folders go: to another profile, or kept in the vault. The first rule that matches a note decides; a note's own "${UPLOAD_FIELD}" property (false, local or a profile name) comes before every rule. A pattern is a folder path (Blog/drafts) or a pattern with * and ** (**/private/**, *.excalidraw.md).`,
  );
  const messages: HTMLElement[] = [];
  const showProblems = (): void => {
    const problems = folderRuleProblems(s.folderRules, s.profiles);
    messages.forEach((el, i) => {
      const text = problems
        .filter((p) => p.index === i)
        .map((p) => p.message)
        .join(" ");
      el.setText(text);
      el.toggle(text !== "");
    });
  };
  s.folderRules.forEach((rule, i) => {
    const setting = new Setting(containerEl).setName(`Rule ${i + 1}`);
    messages.push(setting.infoEl.createDiv({ cls: "s3ih-field-message s3ih-fail" }));
    setting
      .addText((t) =>
        t
          .setPlaceholder("Blog/drafts or **/private/**")
          .setValue(rule.pattern)
          .onChange((v) => {
            rule.pattern = v;
            host.changed();
            showProblems();
          }),
      )
      .addDropdown((d) => {
        for (const p of s.profiles) d.addOption(p.id, p.name);
        d.addOption(KEEP_LOCAL, "Keep local");
        if (rule.target !== KEEP_LOCAL && !s.profiles.some((p) => p.id === rule.target)) d.addOption(rule.target, "Deleted profile");
        d.setValue(rule.target).onChange((v) => {
          rule.target = v;
          host.changed();
          showProblems();
        });
      })
      .addButton((b) =>
        b.setButtonText("Remove").onClick(() => {
          s.folderRules.splice(i, 1);
          host.changed();
          host.redraw();
        }),
      );
  });
  showProblems();
  new Setting(containerEl).addButton((b) =>
    b.setButtonText("Add rule").onClick(() => {
      // Kept local until a profile is chosen: a rule half set up never sends images anywhere.
      s.folderRules.push({ pattern: "", target: KEEP_LOCAL });
      host.changed();
      host.redraw();
    }),
  );
}

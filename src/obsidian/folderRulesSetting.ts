/**
 * The folder rules in the settings tab: an ordered list, each rule a pattern and where its
 * notes' images go (a profile, or kept local). A rule that cannot be followed says so beside
 * it; until it is fixed it uploads nothing for the notes it could be meant for.
 */
import { folderRuleProblems, KEEP_LOCAL, UPLOAD_FIELD } from "../core/rules/uploadTarget";
import type { PluginSettings } from "../core/settings/settingsModel";
import type { SettingRow } from "./settingRows";

/** What the section needs from the tab. */
export interface FolderRulesHost {
  settings: () => PluginSettings;
  /** The settings changed: save them soon. */
  changed: () => void;
  /** Draw the tab again (after a rule was added or removed). */
  redraw: () => void;
}

/** The rows of the folder rules section: how rules apply, one row per rule, and adding one. */
export function folderRuleRows(host: FolderRulesHost): SettingRow[] {
  const s = host.settings();
  const rows: SettingRow[] = [
    {
      name: "How folder rules apply",
      desc: `Where the images of notes in some folders go: to another profile, or kept in the vault. The first rule that matches a note decides; a note's own "${UPLOAD_FIELD}" property (false, local or a profile name) comes before every rule. A pattern is a folder path (Blog/drafts) or a pattern with * and ** (**/private/**, *.excalidraw.md).`,
    },
  ];
  s.folderRules.forEach((rule, i) => {
    rows.push({
      name: `Rule ${i + 1}`,
      desc: "",
      render: (setting) => {
        const messageEl = setting.infoEl.createDiv({ cls: "s3ih-field-message s3ih-fail" });
        const showProblems = (): void => {
          const text = folderRuleProblems(s.folderRules, s.profiles)
            .filter((p) => p.index === i)
            .map((p) => p.message)
            .join(" ");
          messageEl.setText(text);
          messageEl.toggle(text !== "");
        };
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
        showProblems();
      },
    });
  });
  rows.push({
    name: "Add a folder rule",
    desc: "A new rule keeps images local until you choose a profile for it.",
    render: (setting) => {
      setting.addButton((b) =>
        b.setButtonText("Add rule").onClick(() => {
          // Kept local until a profile is chosen: a rule half set up never sends images anywhere.
          s.folderRules.push({ pattern: "", target: KEEP_LOCAL });
          host.changed();
          host.redraw();
        }),
      );
    },
  });
  return rows;
}

/**
 * "Copy images to another profile": the images the notes in scope link under one profile's
 * public URL are copied, key for key, into another profile's bucket, and then those links
 * move to the other profile's public URL. A dialog picks the two profiles; a confirmation
 * shows what would be copied and how many links would move, and nothing is copied or written
 * before the person confirms. The copying is the command-line tool's (storage/profileCopy.ts:
 * inside the service where both profiles share endpoint and keys, else downloaded and
 * uploaded; each copy read back and its SHA-256 compared; a different file at the destination
 * never replaced). Only the links of images the destination holds move. Loaded on first use.
 */
import { DropdownComponent, Modal, Notice, type App, type TFile } from "obsidian";
import { errorText } from "../core/errors";
import { findVaultLinks } from "../core/lifecycle/noteLinks";
import { copiedOrThere, copyCounts, movableLinks, type KeyCopy } from "../core/lifecycle/profileCopy";
import { relinkBases, relinkEach, type RelinkBases, type RelinkTally } from "../core/lifecycle/relink";
import { buildPublicUrl } from "../core/link/publicUrl";
import { ALL_FORMS } from "../core/markdown";
import type { PluginSettings } from "../core/settings/settingsModel";
import type { Profile } from "../core/types";
import { copyKeys, type CopySide } from "../storage/profileCopy";
import { RequestUrlHttpHandler, type RequestUrlFn } from "../storage/requestUrlHandler";
import { createS3Client } from "../storage/s3Client";
import { ConfirmModal } from "./confirmModal";
import { details } from "./relinkBaseUrl";
import { readCredentials } from "./secrets";
import { obsidianPorts } from "./vaultPorts";

export const COPY = "Copy images to another profile";
/** Images named in the confirmation and the summary; the rest are counted. */
const MAX_LISTED = 10;

const NO_UPLOADS = { upload: () => Promise.reject(new Error("copying between profiles uploads nothing from the vault")) };
const SCAN = { forms: ALL_FORMS };

export interface CopyDeps {
  settings: () => PluginSettings;
  requestUrl: RequestUrlFn;
  /** Called once the command is over (cancelled, refused, done or failed). */
  done?: () => void;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Opens the dialog that picks the two profiles for `notes`; `scope` names them in its words
 * ("Notes/A.md", "the folder X", "the vault"). With fewer than two profiles it says so instead.
 */
export function openCopyDialog(app: App, notes: readonly TFile[], scope: string, deps: CopyDeps): void {
  const profiles = deps.settings().profiles;
  if (profiles.length < 2) {
    new Notice(`${COPY}: this needs two profiles, one to copy from and one to copy to; add the second in the plugin settings.`, 0);
    deps.done?.();
    return;
  }
  new PickProfilesModal(app, notes, scope, deps).open();
}

/** Picks the profile to copy from (the active one at first) and the one to copy to. */
export class PickProfilesModal extends Modal {
  private from!: DropdownComponent;
  private to!: DropdownComponent;
  private messageEl!: HTMLElement;
  private goingOn = false;

  constructor(
    app: App,
    private readonly notes: readonly TFile[],
    private readonly where: string,
    private readonly deps: CopyDeps,
  ) {
    super(app);
  }

  onOpen(): void {
    this.setTitle(COPY);
    const el = this.contentEl;
    const { profiles, activeProfileId } = this.deps.settings();
    el.createEl("p", {
      text: `The images that notes in ${this.where} (${plural(this.notes.length, "note")}) link from the first profile's public URL will be copied to the second profile's bucket at the same keys, and those links will then point at the second profile's public URL. Nothing is deleted from either bucket.`,
    });
    const first = profiles.find((p) => p.id === activeProfileId) ?? profiles[0];
    el.createEl("label", { text: "Copy from" });
    this.from = new DropdownComponent(el);
    el.createEl("label", { text: "Copy to" });
    this.to = new DropdownComponent(el);
    for (const p of profiles) {
      this.from.addOption(p.id, p.name);
      this.to.addOption(p.id, p.name);
    }
    this.from.setValue(first.id);
    this.to.setValue((profiles.find((p) => p.id !== first.id) as Profile).id);
    this.messageEl = el.createEl("p");
    const clear = (): void => {
      this.messageEl.textContent = "";
    };
    this.from.onChange(clear);
    this.to.onChange(clear);
    const buttons = el.createDiv();
    buttons.createEl("button", { text: "Cancel" }).addEventListener("click", () => this.close());
    buttons.createEl("button", { text: "Preview", cls: "mod-cta" }).addEventListener("click", () => this.next());
  }

  onClose(): void {
    this.contentEl.empty();
    if (!this.goingOn) this.deps.done?.();
  }

  private next(): void {
    const profiles = this.deps.settings().profiles;
    const from = profiles.find((p) => p.id === this.from.getValue());
    const to = profiles.find((p) => p.id === this.to.getValue());
    if (!from || !to) return;
    if (from.id === to.id) {
      this.messageEl.textContent = "Choose two different profiles: images are copied from one bucket to another.";
      return;
    }
    this.goingOn = true;
    this.close();
    void preview(this.app, this.notes, this.where, from, to, this.deps);
  }
}

/** Both sides of the copy, each with a client over Obsidian's requestUrl; a problem with either is said in words. */
function sides(app: App, from: Profile, to: Profile, requestUrl: RequestUrlFn): { from: CopySide; to: CopySide; close: () => void } | string {
  const problems: string[] = [];
  const side = (p: Profile): CopySide | undefined => {
    const creds = readCredentials(app.secretStorage, p);
    if (!creds.ok) {
      problems.push(`The profile "${p.name}": ${creds.problems.join(" ")}`);
      return undefined;
    }
    return { profile: p, credentials: creds.credentials, client: createS3Client(p, creds.credentials, new RequestUrlHttpHandler(requestUrl)) };
  };
  const a = side(from);
  const b = side(to);
  const close = (): void => {
    a?.client.destroy();
    b?.client.destroy();
  };
  if (!a || !b) {
    close();
    return problems.join(" ");
  }
  return { from: a, to: b, close };
}

/** What a run found: the keys the notes link under the source's URL, and notes that could not be read. */
interface Found {
  keys: string[];
  unreadable: { note: string; reason: string }[];
}

async function linkedKeys(app: App, notes: readonly TFile[], bases: RelinkBases): Promise<Found> {
  const byPath = new Map(notes.map((f) => [f.path, f]));
  const links = await findVaultLinks(
    {
      notes: [...byPath.keys()],
      read: (p) => {
        const file = byPath.get(p);
        return file ? app.vault.cachedRead(file) : Promise.reject(new Error(`"${p}" is no longer in the vault`));
      },
      pause: () => new Promise((resolve) => window.setTimeout(resolve, 0)),
    },
    [bases.from],
    SCAN,
  );
  return { keys: [...links.notesByKey.keys()], unreadable: links.unreadable };
}

function howCopied(copies: readonly KeyCopy[]): string {
  const server = copies.some((c) => c.via === "server");
  const download = copies.some((c) => c.via === "download");
  if (server && download) return "inside the service where it allows, else downloaded and uploaded";
  return server ? "inside the service" : "downloaded and uploaded";
}

/** Copies nothing: looks at both buckets and the notes, then asks. */
async function preview(app: App, notes: readonly TFile[], scope: string, from: Profile, to: Profile, deps: CopyDeps): Promise<void> {
  let bases: RelinkBases;
  try {
    bases = relinkBases(buildPublicUrl(from, ""), buildPublicUrl(to, ""));
  } catch (e) {
    new Notice(`${COPY}: ${errorText(e)}`, 0);
    deps.done?.();
    return;
  }
  const both = sides(app, from, to, deps.requestUrl);
  if (typeof both === "string") {
    new Notice(`${COPY}: ${both}`, 0);
    deps.done?.();
    return;
  }
  let asked = false;
  const progress = new Notice("Looking at the notes and both buckets…", 0);
  try {
    const found = await linkedKeys(app, notes, bases);
    if (found.keys.length === 0) {
      progress.hide();
      const unread =
        found.unreadable.length > 0 ? ` ${plural(found.unreadable.length, "note")} could not be read: ${found.unreadable.map((u) => u.note).join(", ")}.` : "";
      new Notice(`${COPY}: no image link in ${scope} starts with ${bases.from.host}${bases.from.path}; nothing was copied.${unread}`, 0);
      return;
    }
    const plan = await copyKeys(found.keys, both.from, both.to, { dryRun: true, face: "plugin" });
    const readable = notes.map((n) => n.path).filter((p) => !found.unreadable.some((u) => u.note === p));
    const tally = await relinkEach(readable, obsidianPorts(app, NO_UPLOADS), bases, { write: false, scan: SCAN, only: movableLinks(plan) });
    progress.hide();
    const n = copyCounts(plan);
    const kept = plan.filter((c) => !copiedOrThere(c));
    const keptLines = kept.map((c) => `${c.key}: ${c.outcome === "missing" ? "not in the source bucket" : c.outcome} — ${c.reason ?? ""}`);
    const listed = keptLines.slice(0, MAX_LISTED);
    if (keptLines.length > MAX_LISTED) listed.push(`…and ${keptLines.length - MAX_LISTED} more.`);
    if (n.planned === 0 && tally.links === 0) {
      new Notice(
        [
          `${COPY} (${scope}): nothing to copy from "${from.name}" to "${to.name}", and no link to move.`,
          ...(kept.length > 0 ? ["These keep their links:", ...listed.map((s) => `• ${s}`)] : []),
        ].join("\n"),
        0,
      );
      return;
    }
    const paragraphs: (string | string[])[] = [
      `${plural(n.planned, "image")} will be copied from the bucket "${from.bucket}" ("${from.name}") to "${to.bucket}" ("${to.name}")${n.planned > 0 ? `, ${howCopied(plan)}` : ""}; ${n.present} ${n.present === 1 ? "is" : "are"} already there with the same bytes.`,
      `Then ${plural(tally.links, "link")} in ${plural(tally.notes, "note")} will move from ${bases.from.host}${bases.from.path} to ${bases.to}. Only the start of each address changes.`,
    ];
    if (kept.length > 0)
      paragraphs.push(`${plural(kept.length, "image")} will not be copied, and ${kept.length === 1 ? "its" : "their"} links stay as they are:`, listed);
    if (found.unreadable.length > 0)
      paragraphs.push(`${plural(found.unreadable.length, "note")} could not be read and will not change: ${found.unreadable.map((u) => u.note).join(", ")}.`);
    asked = true;
    new ConfirmModal(
      app,
      COPY,
      paragraphs,
      [
        {
          text: `Copy ${plural(n.planned, "image")} and move ${plural(tally.links, "link")}`,
          run: () => void copyAndRelink(app, readable, scope, found.keys, { from: from.id, to: to.id }, bases, deps).finally(() => deps.done?.()),
        },
      ],
      () => deps.done?.(),
    ).open();
  } catch (e) {
    progress.hide();
    new Notice(`${COPY}: ${errorText(e)} Nothing was copied.`, 0);
  } finally {
    both.close();
    if (!asked) deps.done?.();
  }
}

/** Copies the keys, then moves the links of those the destination holds; ends with a summary notice. */
async function copyAndRelink(
  app: App,
  notes: string[],
  scope: string,
  keys: string[],
  ids: { from: string; to: string },
  bases: RelinkBases,
  deps: CopyDeps,
): Promise<void> {
  const progress = new Notice(`Copying ${plural(keys.length, "image")}…`, 0);
  // The profiles are read again: the settings may have changed while the dialog was open.
  const fromTo = currentProfiles(deps.settings(), ids.from, ids.to, bases);
  const both = fromTo
    ? sides(app, fromTo.from, fromTo.to, deps.requestUrl)
    : "a profile or its public URL changed while the dialog was open; run the command again.";
  if (typeof both === "string") {
    progress.hide();
    new Notice(`${COPY}: ${both} Nothing was copied.`, 0);
    return;
  }
  let copies: KeyCopy[];
  let tally: RelinkTally;
  try {
    copies = await copyKeys(keys, both.from, both.to, { dryRun: false, face: "plugin" });
    progress.setMessage("Moving the links…");
    tally = await relinkEach(notes, obsidianPorts(app, NO_UPLOADS), bases, { write: true, scan: SCAN, only: movableLinks(copies) });
  } catch (e) {
    progress.hide();
    new Notice(`${COPY}: ${errorText(e)}`, 0);
    return;
  } finally {
    both.close();
  }
  progress.hide();
  new Notice(
    copySummary(copies, tally, scope, both.from.profile, both.to.profile),
    copies.every(copiedOrThere) && tally.left.length + tally.failed.length === 0 ? 8000 : 0,
  );
}

/**
 * The two profiles as the settings hold them now, or undefined when either is gone or its
 * public URL changed since the preview (the links would move elsewhere than shown).
 */
function currentProfiles(settings: PluginSettings, fromId: string, toId: string, previewed: RelinkBases): { from: Profile; to: Profile } | undefined {
  const from = settings.profiles.find((p) => p.id === fromId);
  const to = settings.profiles.find((p) => p.id === toId);
  if (!from || !to) return undefined;
  try {
    const now = relinkBases(buildPublicUrl(from, ""), buildPublicUrl(to, ""));
    return now.from.host === previewed.from.host && now.from.path === previewed.from.path && now.to === previewed.to ? { from, to } : undefined;
  } catch {
    return undefined;
  }
}

/** The end-of-run notice: counts, then the images that kept their links and the links left. */
export function copySummary(copies: readonly KeyCopy[], t: RelinkTally, scope: string, from: Profile, to: Profile): string {
  const n = copyCounts(copies);
  const lines = [
    `${COPY} (${scope}): copied ${plural(n.copied, "image")} from "${from.name}" to "${to.name}" (${n.present} already there); moved ${plural(t.links, "link")} in ${plural(t.notes, "note")}.`,
  ];
  const kept = copies.filter((c) => !copiedOrThere(c));
  if (kept.length > 0) {
    lines.push("Not copied, links kept:", ...kept.slice(0, MAX_LISTED).map((c) => `• ${c.key} — ${c.reason ?? c.outcome}`));
    if (kept.length > MAX_LISTED) lines.push(`…and ${kept.length - MAX_LISTED} more.`);
  }
  lines.push(...details(t));
  return lines.join("\n");
}

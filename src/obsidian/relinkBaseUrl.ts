/**
 * "Rewrite links to a new public base URL": a dialog asks which base URL links move from
 * (the active profile's public base URL at first) and to, shows how many links in how many
 * notes would move, and rewrites only when the person confirms. Only the base of each URL
 * changes (core/lifecycle/relink.ts); each note is rewritten in one atomic step, in its open
 * editor when it has one. Loaded on first use.
 */
import { Modal, Notice, TextComponent, type App, type TFile } from "obsidian";
import { errorText } from "../core/errors";
import { ALL_FORMS } from "../core/markdown";
import { relinkBases, relinkEach, type RelinkBases, type RelinkTally } from "../core/lifecycle/relink";
import { bulletList } from "../core/migrate/summary";
import { obsidianPorts } from "./vaultPorts";

const RELINK = "Rewrite links to a new public base URL";

const NO_UPLOADS = { upload: () => Promise.reject(new Error("rewriting links uploads nothing")) };

type Tally = RelinkTally;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Plans (or, with `write`, makes) the relink of every note; a note that fails is counted and the rest go on. */
function relinkNotes(app: App, notes: readonly TFile[], bases: RelinkBases, write: boolean): Promise<Tally> {
  return relinkEach(
    notes.map((n) => n.path),
    obsidianPorts(app, NO_UPLOADS),
    bases,
    { write, scan: { forms: ALL_FORMS } },
  );
}

/** The lines of a summary that name links left and notes that failed, the first few of each. */
export function details(t: Tally): string[] {
  return [
    ...bulletList(
      "Left as they were:",
      t.left.map((l) => `${l.note}: ${l.link} — ${l.reason}`),
    ),
    ...bulletList(
      "Could not be changed:",
      t.failed.map((f) => `${f.note} — ${f.reason}`),
    ),
  ];
}

/** Opens the dialog for `notes`; `scope` names them in its words ("Notes/A.md", "the folder X", "the vault"). */
export function openRelinkDialog(app: App, notes: readonly TFile[], scope: string, defaultFrom: string): void {
  new RelinkModal(app, notes, scope, defaultFrom).open();
}

export class RelinkModal extends Modal {
  private from!: TextComponent;
  private to!: TextComponent;
  private previewEl!: HTMLElement;
  private confirm!: HTMLButtonElement;
  /** The bases the preview on show was made for; a change to either field clears it. */
  private previewed: RelinkBases | null = null;
  private generation = 0;

  constructor(
    app: App,
    private readonly notes: readonly TFile[],
    private readonly where: string,
    private readonly defaultFrom: string,
  ) {
    super(app);
  }

  onOpen(): void {
    this.setTitle(RELINK);
    const el = this.contentEl;
    el.createEl("p", {
      text: `Image links in ${this.where} (${plural(this.notes.length, "note")}) whose address starts with the first base URL will start with the second. Only that start of each address changes; nothing in the bucket is touched.`,
    });
    el.createEl("label", { text: "From (links now start with)" });
    this.from = new TextComponent(el).setValue(this.defaultFrom).setPlaceholder("https://old.example.com/images");
    el.createEl("label", { text: "To (links will start with)" });
    this.to = new TextComponent(el).setPlaceholder("https://cdn.example.com/images");
    this.from.onChange(() => this.stale());
    this.to.onChange(() => this.stale());
    this.previewEl = el.createDiv();
    const buttons = el.createDiv();
    buttons.createEl("button", { text: "Cancel" }).addEventListener("click", () => this.close());
    buttons.createEl("button", { text: "Preview" }).addEventListener("click", () => void this.preview());
    this.confirm = buttons.createEl("button", { text: "Rewrite links", cls: "mod-warning" });
    this.confirm.disabled = true;
    this.confirm.addEventListener("click", () => {
      const bases = this.previewed;
      if (!bases) return;
      this.close();
      void rewrite(this.app, this.notes, this.where, bases);
    });
  }

  onClose(): void {
    this.generation++;
    this.contentEl.empty();
  }

  private stale(): void {
    this.generation++;
    this.previewed = null;
    this.confirm.disabled = true;
    this.confirm.textContent = "Rewrite links";
    this.previewEl.empty();
  }

  private show(lines: string[]): void {
    this.previewEl.empty();
    for (const text of lines) this.previewEl.createEl("p", { text });
  }

  private async preview(): Promise<void> {
    this.stale();
    const generation = this.generation;
    let bases: RelinkBases;
    try {
      bases = relinkBases(this.from.getValue(), this.to.getValue());
    } catch (e) {
      this.show([errorText(e)]);
      return;
    }
    this.show(["Reading the notes…"]);
    const t = await relinkNotes(this.app, this.notes, bases, false);
    if (generation !== this.generation) return;
    if (t.links === 0) {
      this.show([`No image link in ${this.where} starts with ${bases.from.host}${bases.from.path}.`, ...details(t)]);
      return;
    }
    this.show([`${plural(t.links, "link")} in ${plural(t.notes, "note")} will move to ${bases.to}.`, ...details(t)]);
    this.previewed = bases;
    this.confirm.disabled = false;
    this.confirm.textContent = `Rewrite ${plural(t.links, "link")} in ${plural(t.notes, "note")}`;
  }
}

async function rewrite(app: App, notes: readonly TFile[], scope: string, bases: RelinkBases): Promise<void> {
  const progress = new Notice("Rewriting links…", 0);
  const t = await relinkNotes(app, notes, bases, true);
  progress.hide();
  const lines = [`${RELINK} (${scope}): moved ${plural(t.links, "link")} in ${plural(t.notes, "note")} to ${bases.to}.`, ...details(t)];
  new Notice(lines.join("\n"), t.left.length + t.failed.length > 0 ? 0 : 8000);
}

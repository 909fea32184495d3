/**
 * A dialog that says what a step will do and runs it only when the person confirms: the
 * paragraphs (a list of strings is shown as a bulleted list), then "Cancel" and the confirming button (or, with `choices`, one button for
 * each way to go on). Closing it any other way counts as "Cancel".
 */
import { Modal, type App } from "obsidian";

export interface ConfirmChoice {
  /** The button's words, saying what it will do. */
  text: string;
  /** Red when the step cannot be undone. */
  warning?: boolean;
  run: () => void;
}

export class ConfirmModal extends Modal {
  private settled = false;

  constructor(
    app: App,
    private readonly title: string,
    private readonly paragraphs: readonly (string | readonly string[])[],
    private readonly choices: ConfirmChoice[],
    private readonly onCancel: () => void = () => undefined,
  ) {
    super(app);
  }

  onOpen(): void {
    this.setTitle(this.title);
    const el = this.contentEl;
    for (const block of this.paragraphs) {
      if (typeof block === "string") el.createEl("p", { text: block });
      else {
        const list = el.createEl("ul");
        for (const text of block) list.createEl("li", { text });
      }
    }
    const buttons = el.createDiv();
    buttons.createEl("button", { text: "Cancel" }).addEventListener("click", () => this.close());
    for (const choice of this.choices) {
      buttons.createEl("button", { text: choice.text, cls: choice.warning ? "mod-warning" : "mod-cta" }).addEventListener("click", () => {
        this.settled = true;
        this.close();
        choice.run();
      });
    }
  }

  onClose(): void {
    this.contentEl.empty();
    if (!this.settled) this.onCancel();
  }
}

/**
 * The upload of an image added to a canvas (see `canvasArrivals.ts`), loaded the first time
 * one arrives: uploads the file with the profile the canvas's folder rules choose, waits until
 * the canvas has been quiet for longer than the view's save delay, and then, in one atomic
 * rewrite of the file as it is then, turns that node into a text card holding the image's link
 * (`writeCanvasLinks`: the node keeps its id, position, size and colour; every other byte
 * stays). The local image is never trashed here: an open canvas view may write its own copy,
 * which still shows the file node, back over the card.
 *
 * Whether the canvas view takes in a change made to its file on disk is not documented; the
 * view keeps the canvas in memory and saves it two seconds after each change of its own
 * (`TextFileView.data`, `requestSave` in obsidian.d.ts). So the card is checked for a while
 * afterwards, and if the view wrote the file node back, a notice says that the image is
 * uploaded and that "Upload all local images" on the canvas will link it.
 */
import { CanvasShifts, writeCanvasLinks } from "../core/canvas/canvasRewrite";
import { applyTextChanges } from "../core/apply/textChanges";
import { readCanvas } from "../core/canvas/canvasDocument";
import { linkStyleOf } from "../core/settings/settingsModel";
import { CANVAS_SAVE_DELAY_MS, type CanvasArrival, type CanvasArrivalDeps } from "./canvasArrivals";
import { uploadArrivedFile } from "./arrivalUpload";
import { describe } from "./pasteDrop";
import { vaultNoteTarget } from "./uploadRules";

/** How long the card is watched after the rewrite, unless replaced: longer than a save the view had scheduled. */
const VERIFY_MS = 10_000;
/** A canvas that keeps changing for this long is left for "Upload all local images". */
const MAX_WAIT_MS = 120_000;

/** What the upload needs beyond the watcher's own dependencies. */
export interface CanvasUploadDeps extends CanvasArrivalDeps {
  notify: (message: string) => void;
  /** True when the missing bucket set-up has not been mentioned yet this session. */
  firstUnconfigured: () => boolean;
  /** When the canvas last changed on disk (ms since the epoch). */
  lastChange: () => number;
  /** Calls `listener` at each change of the canvas on disk; returns what stops it. */
  onChange: (listener: () => void) => () => void;
}

const sleep = (ms: number) => new Promise<void>((r) => window.setTimeout(r, ms));

/**
 * Uploads `arrival.file` and makes canvas node `node` (a file node of it) a text card with
 * its link. Never rejects: every outcome the user must know of is a notice.
 */
export async function uploadCanvasArrival(deps: CanvasUploadDeps, arrival: CanvasArrival, node: string): Promise<void> {
  const { app } = deps;
  const { file, canvas } = arrival;
  const settings = deps.settings();
  const done = await uploadArrivedFile(deps, file, canvas.path, await vaultNoteTarget(app, settings, canvas), settings, {
    purpose: "upload images added to a canvas",
    stays: "the canvas still shows it",
  });
  if (!done) return;
  const { url, config } = done;
  const uploaded = `${file.name} was uploaded to ${url}, but`;
  const rerun = `Run "Upload all local images" on ${canvas.basename} to link it.`;

  // The view saves its copy of the canvas a while after each change made in it: write only once
  // the file has gone without a change for longer than that.
  const quietMs = deps.quietMs ?? CANVAS_SAVE_DELAY_MS + 1_000;
  const giveUp = Date.now() + MAX_WAIT_MS;
  for (let wait = deps.lastChange() + quietMs - Date.now(); wait > 0; wait = deps.lastChange() + quietMs - Date.now()) {
    if (Date.now() > giveUp) {
      deps.notify(`${uploaded} the canvas ${canvas.basename} kept changing, so its card was left showing the local image. ${rerun}`);
      return;
    }
    await sleep(wait);
  }

  let outcome: string;
  try {
    [outcome] = await writeCanvasLinks(
      canvas.path,
      [{ image: { node, kind: "file", path: file.path }, url }],
      new CanvasShifts(),
      async (edit) => {
        await app.vault.process(canvas, (text) => applyTextChanges(text, edit(text)));
      },
      undefined,
      linkStyleOf(settings),
    );
  } catch (e) {
    deps.notify(`${uploaded} the canvas ${canvas.basename} could not be updated: ${describe(e, config.credentials)}`);
    return;
  }
  if (outcome !== "rewritten") {
    deps.notify(
      `${uploaded} its card on ${canvas.basename} was changed or removed meanwhile, so the canvas was left as it is and the image stays in your vault.`,
    );
    return;
  }
  if (!(await cardStays(deps, arrival, node))) {
    deps.notify(`${uploaded} the open canvas ${canvas.basename} saved its own copy over the new link, so it still shows the local image. ${rerun}`);
  }
}

/**
 * Watches the canvas for `verifyMs`: false as soon as node `node` is a file node of the image
 * again, which only the view writing its older copy back makes it. A card the user edits or
 * removes meanwhile is theirs.
 */
async function cardStays(deps: CanvasUploadDeps, arrival: CanvasArrival, node: string): Promise<boolean> {
  const reverted = async (): Promise<boolean> => {
    try {
      const n = readCanvas(await deps.app.vault.read(arrival.canvas), arrival.canvas.path).nodes.find((x) => x.id === node);
      return n?.file === arrival.file.path;
    } catch {
      return false;
    }
  };
  let lost = false;
  const stop = deps.onChange(() => {
    void reverted().then((r) => (lost ||= r));
  });
  try {
    await sleep(deps.verifyMs ?? VERIFY_MS);
    return !lost && !(await reverted());
  } finally {
    stop();
  }
}

/**
 * Clipboard and drop events as the editor hands them to `editor-paste` / `editor-drop`
 * handlers, for tests that run without a browser: a `DataTransfer` with `files`, `items`,
 * `types` and `getData`, and an event whose `preventDefault()` sets `defaultPrevented`.
 * Like a browser's, the data transfer is emptied once the event has been dispatched
 * (`endDispatch()`), so a handler that reads it later finds nothing.
 */

/** A file as the platform reports it: bytes, a name and a MIME type (possibly empty). */
export function fileOf(bytes: Uint8Array | string, name: string, type: string): File {
  return new File([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], name, { type });
}

interface TransferInit {
  files?: File[];
  text?: string;
  html?: string;
}

export interface FakeDataTransfer extends DataTransfer {
  /** Ends the event: like a browser, the transfer no longer exposes its data. */
  endDispatch(): void;
}

function dataTransfer({ files = [], text, html }: TransferInit): FakeDataTransfer {
  let live = true;
  const strings: Record<string, string> = {};
  if (text !== undefined) strings["text/plain"] = text;
  if (html !== undefined) strings["text/html"] = html;
  const fileList = () => {
    const list = live ? [...files] : [];
    return Object.assign(list, { item: (i: number) => list[i] ?? null }) as unknown as FileList;
  };
  const items = () => {
    if (!live) return [] as unknown as DataTransferItemList;
    const list = [
      ...Object.entries(strings).map(([type, value]) => ({
        kind: "string",
        type,
        getAsFile: () => null,
        getAsString: (cb: (s: string) => void) => cb(value),
      })),
      ...files.map((f) => ({ kind: "file", type: f.type, getAsFile: () => f, getAsString: () => undefined })),
    ];
    return list as unknown as DataTransferItemList;
  };
  return {
    get files() {
      return fileList();
    },
    get items() {
      return items();
    },
    get types() {
      if (!live) return [];
      return [...Object.keys(strings), ...(files.length > 0 ? ["Files"] : [])];
    },
    getData: (type: string) => (live ? (strings[type] ?? "") : ""),
    setData: () => undefined,
    clearData: () => undefined,
    setDragImage: () => undefined,
    dropEffect: "copy",
    effectAllowed: "all",
    endDispatch: () => {
      live = false;
    },
  } as unknown as FakeDataTransfer;
}

function baseEvent(type: string) {
  let prevented = false;
  return {
    type,
    get defaultPrevented() {
      return prevented;
    },
    preventDefault() {
      prevented = true;
    },
    stopPropagation: () => undefined,
  };
}

/** A paste of `files` and/or text. */
export function pasteEvent(init: TransferInit): ClipboardEvent & { clipboardData: FakeDataTransfer } {
  return Object.assign(baseEvent("paste"), { clipboardData: dataTransfer(init) }) as unknown as ClipboardEvent & {
    clipboardData: FakeDataTransfer;
  };
}

/** A drop of `files` and/or text; `modifiers` are the keys held (a DragEvent is a MouseEvent: all four are always present). */
export function dropEvent(
  init: TransferInit,
  modifiers: Partial<Pick<DragEvent, "shiftKey" | "altKey" | "ctrlKey" | "metaKey">> = {},
): DragEvent & { dataTransfer: FakeDataTransfer } {
  const keys = { shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...modifiers };
  return Object.assign(baseEvent("drop"), keys, { dataTransfer: dataTransfer(init) }) as unknown as DragEvent & {
    dataTransfer: FakeDataTransfer;
  };
}

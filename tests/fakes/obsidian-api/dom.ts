import { webcrypto } from "node:crypto";
import { TextDecoder, TextEncoder } from "node:util";
import { Blob as NodeBlob } from "node:buffer";

/**
 * Obsidian's helpers on DOM nodes (`createEl`, `createDiv`, `empty`, `setText`, `addClass`…),
 * installed on the DOM's prototypes when a DOM exists (jsdom test environment). In the plain
 * Node environment there is no DOM and nothing is installed.
 */

type Info = DomElementInfo | string | undefined;

function build<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  o: Info,
  callback?: (el: HTMLElementTagNameMap[K]) => void,
  parent?: Node,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  const info: DomElementInfo = typeof o === "string" ? { cls: o } : (o ?? {});
  if (info.cls) el.classList.add(...(Array.isArray(info.cls) ? info.cls : info.cls.split(" ")).filter(Boolean));
  if (info.text !== undefined) {
    if (typeof info.text === "string") el.textContent = info.text;
    else el.appendChild(info.text);
  }
  if (info.attr) {
    for (const [k, v] of Object.entries(info.attr)) {
      if (v === null || v === false) continue;
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  if (info.title !== undefined) el.title = info.title;
  if (info.value !== undefined && "value" in el) (el as HTMLInputElement).value = info.value;
  if (info.type !== undefined) el.setAttribute("type", info.type);
  if (info.placeholder !== undefined) el.setAttribute("placeholder", info.placeholder);
  if (info.href !== undefined) el.setAttribute("href", info.href);
  const target = info.parent ?? parent;
  if (target) {
    if (info.prepend) target.insertBefore(el, target.firstChild);
    else target.appendChild(el);
  }
  callback?.(el);
  return el;
}

let installed = false;

/** Installs the helpers once; safe to call in any environment. */
export function installDomHelpers(): void {
  if (installed || typeof document === "undefined" || typeof Node === "undefined") return;
  installed = true;
  const nodeProto = Node.prototype as Node & Record<string, unknown>;
  nodeProto.createEl = function <K extends keyof HTMLElementTagNameMap>(this: Node, tag: K, o?: Info, cb?: (el: HTMLElementTagNameMap[K]) => void) {
    return build(tag, o, cb, this);
  };
  nodeProto.createDiv = function (this: Node, o?: Info, cb?: (el: HTMLDivElement) => void) {
    return build("div", o, cb, this);
  };
  nodeProto.createSpan = function (this: Node, o?: Info, cb?: (el: HTMLSpanElement) => void) {
    return build("span", o, cb, this);
  };
  nodeProto.empty = function (this: Node) {
    while (this.firstChild) this.removeChild(this.firstChild);
  };
  nodeProto.detach = function (this: Node) {
    this.parentNode?.removeChild(this);
  };
  nodeProto.appendText = function (this: Node, val: string) {
    this.appendChild(document.createTextNode(val));
  };
  const elProto = Element.prototype as Element & Record<string, unknown>;
  elProto.setText = function (this: Element, val: string | DocumentFragment) {
    this.textContent = "";
    if (typeof val === "string") this.textContent = val;
    else this.appendChild(val);
  };
  elProto.getText = function (this: Element) {
    return this.textContent ?? "";
  };
  elProto.addClass = function (this: Element, ...cls: string[]) {
    this.classList.add(...cls);
  };
  elProto.removeClass = function (this: Element, ...cls: string[]) {
    this.classList.remove(...cls);
  };
  elProto.hasClass = function (this: Element, cls: string) {
    return this.classList.contains(cls);
  };
  elProto.toggleClass = function (this: Element, classes: string | string[], value: boolean) {
    for (const c of Array.isArray(classes) ? classes : [classes]) this.classList.toggle(c, value);
  };
  elProto.setAttr = function (this: Element, name: string, value: string | number | boolean | null) {
    if (value === null || value === false) this.removeAttribute(name);
    else this.setAttribute(name, value === true ? "" : String(value));
  };
  elProto.getAttr = function (this: Element, name: string) {
    return this.getAttribute(name);
  };
  const htmlProto = HTMLElement.prototype as HTMLElement & Record<string, unknown>;
  htmlProto.show = function (this: HTMLElement) {
    this.style.display = "";
  };
  htmlProto.hide = function (this: HTMLElement) {
    this.style.display = "none";
  };
  htmlProto.toggle = function (this: HTMLElement, show: boolean) {
    this.style.display = show ? "" : "none";
  };
  htmlProto.isShown = function (this: HTMLElement) {
    return this.style.display !== "none";
  };
  const g = globalThis as unknown as Record<string, unknown>;
  g.createEl = <K extends keyof HTMLElementTagNameMap>(tag: K, o?: Info, cb?: (el: HTMLElementTagNameMap[K]) => void) => build(tag, o, cb);
  g.createDiv = (o?: Info, cb?: (el: HTMLDivElement) => void) => build("div", o, cb);
  g.createSpan = (o?: Info, cb?: (el: HTMLSpanElement) => void) => build("span", o, cb);
  g.createFragment = (cb?: (el: DocumentFragment) => void) => {
    const frag = document.createDocumentFragment();
    cb?.(frag);
    return frag;
  };
  g.activeDocument ??= document;
  g.activeWindow ??= window;
  // Obsidian runs in Chromium, which has these; jsdom does not.
  g.TextEncoder ??= TextEncoder;
  g.TextDecoder ??= TextDecoder;
  const cryptoObj = g.crypto as { subtle?: unknown } | undefined;
  if (!cryptoObj?.subtle) Object.defineProperty(globalThis, "crypto", { value: webcrypto, configurable: true });
  // Chromium's Blob reads its bytes with arrayBuffer(); jsdom's cannot.
  if (typeof (g.Blob as { prototype?: { arrayBuffer?: unknown } } | undefined)?.prototype?.arrayBuffer !== "function") g.Blob = NodeBlob;
}

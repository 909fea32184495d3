import { escapeControls, escapeLines, TerminalText } from "../../../src/cli/terminalText";

describe("escapeControls", () => {
  it("shows ESC, BEL, CR, LF, tab, DEL and C1 controls as visible escapes", () => {
    expect(escapeControls("a\x1b]0;title\x07b\rc\nd\te\x7ff\x9bg\x00")).toBe("a\\x1b]0;title\\x07b\\rc\\nd\\te\\x7ff\\u009bg\\x00");
  });

  it("shows every character that turns the direction of text around", () => {
    const bidi = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"];
    for (const c of bidi) expect(escapeControls(`x${c}y`)).toBe(`x\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}y`);
    expect(escapeControls("invoice\u202egnp.exe")).toBe("invoice\\u202egnp.exe");
  });

  it("leaves letters of every script, emoji, spaces and backslashes as they are", () => {
    const text = '截图（1）2026 スクリーンショット 🎉 party — naïve C:\\path [x](y) "q"';
    expect(escapeControls(text)).toBe(text);
  });

  it("turns text into a single line, whatever it held", () => {
    expect(escapeControls("one\ntwo\r\nthree\u2028four")).not.toMatch(/[\n\r\u2028]/);
  });
});

describe("escapeLines", () => {
  it("keeps line breaks and escapes everything else on each line", () => {
    expect(escapeLines("Failed:\n  N\x1b[2J.md\n")).toBe("Failed:\n  N\\x1b[2J.md\n");
  });

  it("keeps JSON valid and equal in value, since JSON has no raw controls and \\uNNNN is a JSON escape", () => {
    const value = { note: "a\u202e\u0085\u2028b.md", message: "x\x1b\x07y" };
    const json = JSON.stringify(value);
    const shown = escapeLines(json);
    expect(shown).not.toMatch(/[\u0000-\u001f\u0080-\u009f\u2028\u202e]/);
    expect(JSON.parse(shown)).toEqual(value);
  });
});

describe("TerminalText", () => {
  it("escapes what is written and passes the tool's own cursor sequences through control()", () => {
    let got = "";
    const term = new TerminalText({ write: (s: string) => (got += s), isTTY: true });
    term.control("\r\x1b[K");
    term.write("Uploading 1 of 2: a\x1b]0;x\x07.png\n");
    expect(got).toBe("\r\x1b[KUploading 1 of 2: a\\x1b]0;x\\x07.png\n");
    expect(term.isTTY).toBe(true);
    expect(new TerminalText({ write: () => undefined }).isTTY).toBe(false);
  });
});

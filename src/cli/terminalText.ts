/**
 * Text for a person's terminal. File names, link text and server messages may hold control
 * characters: ESC starts sequences that retitle the window, clear the screen or move the
 * cursor; BEL rings; CR overwrites a line; a bidi override (U+202E) shows the rest of a line
 * reversed, so `gnp.exe` reads as `exe.png`. None of that may reach a terminal as it is, so
 * every line the tool writes for a person passes through `TerminalText`, which shows such
 * characters as visible escapes instead.
 */

/**
 * C0 controls and DEL, C1 controls (which some terminals act on as ESC sequences), the
 * line and paragraph separators, and the characters that change the direction of text.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function visible(c: string): string {
  const code = c.charCodeAt(0);
  const short = SHORT[c];
  if (short !== undefined) return short;
  // \xNN below U+0080, \uNNNN above: both read the same in JSON, JavaScript and most shells'
  // $'…', and \uNNNN is also a valid escape inside a JSON string.
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `text` with every control, separator and direction-changing character shown as a visible
 * escape (`\x1b`, `\x07`, `\r`, `\n`, `\u202e`), for a value that must stay on one line.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, visible);
}

/** Like `escapeControls`, but keeps line breaks: for text of several lines. */
export function escapeLines(text: string): string {
  return text.split("\n").map(escapeControls).join("\n");
}

/** A stream as the tool gets it (process.stdout or stderr, or a test's capture). */
export interface TextStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

/**
 * The one way the tool writes to a stream meant for people: `write` shows control characters
 * as escapes and keeps line breaks; `control` sends the tool's own cursor sequences (the
 * progress line), which are the only ones that may reach the terminal.
 */
export class TerminalText {
  readonly isTTY: boolean;

  constructor(private readonly stream: TextStream) {
    this.isTTY = stream.isTTY === true;
  }

  write(text: string): void {
    this.stream.write(escapeLines(text));
  }

  control(sequence: string): void {
    this.stream.write(sequence);
  }
}

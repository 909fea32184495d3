/**
 * The `image-upload` field of a note, as the command-line tool follows it: `false` or `local`
 * keeps the note's images where they are; a profile name is the plugin's business, since the
 * tool uploads with its one configuration, unless the name is that configuration's own.
 */
import { frontMatterScalar } from "../core/markdown";
import type { NoteRuling } from "../core/migrate/engine";
import { textFieldRequest, UPLOAD_FIELD } from "../core/rules/uploadTarget";

/** The engine's `noteRule` for the tool; `configName` is the `name` the config file gives, if any. */
export function cliNoteRule(configName: string | undefined): (notePath: string, text: string) => NoteRuling | undefined {
  const own = configName?.trim().toLowerCase();
  return (notePath, text) => {
    const request = textFieldRequest(frontMatterScalar(text, UPLOAD_FIELD));
    if (request.kind === "none") return undefined;
    if (request.kind === "local") return { kind: "local" };
    if (request.kind === "invalid") {
      return { kind: "skip", message: `${notePath}: its ${UPLOAD_FIELD} field is not one value; write ${UPLOAD_FIELD}: false, local, true or a profile name.` };
    }
    if (own !== undefined && request.name.toLowerCase() === own) return undefined;
    const config = configName === undefined ? "its configuration (give it a name in the config file to match)" : `its configuration "${configName}"`;
    return {
      kind: "skip",
      message: `${notePath}: asks for the profile "${request.name}" (${UPLOAD_FIELD}); the command-line tool uploads only with ${config}, so the note was left as it was.`,
    };
  };
}

/**
 * Where a note's images go: the `image-upload` field of its front matter, then the first
 * folder rule whose pattern matches its path, then the active profile. A note may keep its
 * images in the vault, or send them to another profile; a rule or field that cannot be
 * followed (an unknown profile name, a rule whose profile was deleted, a rule without a
 * pattern) uploads nothing and says why, rather than falling back to the active profile.
 */
import type { Profile } from "../types";
import { matchesPath, normalizePattern } from "./pathPattern";

/** The front matter field a note sets its target with. */
export const UPLOAD_FIELD = "image-upload";

/** A folder rule's target that keeps the images in the vault. */
export const KEEP_LOCAL = "local";

/** One folder rule: notes matching `pattern` (see `pathPattern.ts`) upload to the profile with id `target`, or stay local. */
export interface FolderRule {
  pattern: string;
  /** A profile id, or `KEEP_LOCAL`. */
  target: string;
}

/** What decided a note's target, in the words a report uses. */
export type TargetSource = { by: "front-matter" } | { by: "folder-rule"; pattern: string } | { by: "active" };

export type UploadTarget =
  | { kind: "upload"; profile: Profile; source: TargetSource }
  | { kind: "local"; source: TargetSource }
  /** Nothing is uploaded for the note; `message` says why and what to fix. */
  | { kind: "problem"; message: string };

/** What a note's `image-upload` field asks for. */
export type FieldRequest = { kind: "none" } | { kind: "local" } | { kind: "profile"; name: string } | { kind: "invalid" };

/**
 * Reads the field's value as Obsidian's metadata cache holds it: `false`, `true`, text, a
 * number, `null` for a field without a value. `false` and `local` (any letter case) keep
 * images local; `true`, no value or no field change nothing; other text names a profile; a
 * list or a map cannot be followed.
 */
export function fieldRequest(value: unknown): FieldRequest {
  if (value === undefined || value === true) return { kind: "none" };
  if (value === false) return { kind: "local" };
  if (typeof value === "number" && Number.isFinite(value)) return { kind: "profile", name: String(value) };
  if (value === null) return { kind: "none" };
  if (typeof value !== "string") return { kind: "invalid" };
  const text = value.trim();
  const word = text.toLowerCase();
  if (text === "" || word === "true") return { kind: "none" };
  if (word === "false" || word === KEEP_LOCAL) return { kind: "local" };
  return { kind: "profile", name: text };
}

/** The field as `frontMatterScalar` read it from a note's text (`null`: there, but not one value). */
export function textFieldRequest(scalar: string | null | undefined): FieldRequest {
  return scalar === null ? { kind: "invalid" } : fieldRequest(scalar);
}

/** The profile `name` names: compared trimmed and without regard to letter case. */
export function profileByName(profiles: readonly Profile[], name: string): Profile | undefined {
  const wanted = name.trim().toLowerCase();
  return profiles.find((p) => p.name.trim().toLowerCase() === wanted);
}

/** `"Main", "Blog"`: the profiles a message offers. */
export function profileNames(profiles: readonly Profile[]): string {
  return profiles.map((p) => `"${p.name}"`).join(", ");
}

/**
 * The target of the note at `notePath`, whose `image-upload` field asks for `request`;
 * `active` is the profile uploads go to when nothing else decides.
 */
export function uploadTargetFor(
  notePath: string,
  request: FieldRequest,
  settings: { profiles: readonly Profile[]; folderRules: readonly FolderRule[] },
  active: Profile,
): UploadTarget {
  if (request.kind === "invalid") {
    return {
      kind: "problem",
      message: `"${notePath}" has an ${UPLOAD_FIELD} field that is not one value; write ${UPLOAD_FIELD}: false, local, true or the name of a profile.`,
    };
  }
  if (request.kind === "local") return { kind: "local", source: { by: "front-matter" } };
  if (request.kind === "profile") {
    const profile = profileByName(settings.profiles, request.name);
    if (profile) return { kind: "upload", profile, source: { by: "front-matter" } };
    return {
      kind: "problem",
      message: `"${notePath}" asks for the profile "${request.name}" (${UPLOAD_FIELD}), but there is none of that name; the profiles are ${profileNames(settings.profiles)}.`,
    };
  }
  for (const rule of settings.folderRules) {
    const pattern = normalizePattern(rule.pattern);
    if (pattern === "") {
      // A rule half written may have been meant for this note: nothing is uploaded until it is finished.
      return { kind: "problem", message: `A folder rule has no pattern, so it is not known which notes it is for; finish or remove it in the settings.` };
    }
    if (!matchesPath(pattern, notePath)) continue;
    const source: TargetSource = { by: "folder-rule", pattern };
    if (rule.target === KEEP_LOCAL) return { kind: "local", source };
    const profile = settings.profiles.find((p) => p.id === rule.target);
    if (profile) return { kind: "upload", profile, source };
    return { kind: "problem", message: `The folder rule "${pattern}" sends "${notePath}" to a profile that was deleted; choose another in the settings.` };
  }
  return { kind: "upload", profile: active, source: { by: "active" } };
}

/** A problem of one folder rule, for the settings tab. */
export interface RuleProblem {
  index: number;
  message: string;
}

/** What is wrong with each rule: no pattern, or a profile that no longer exists. */
export function folderRuleProblems(rules: readonly FolderRule[], profiles: readonly Profile[]): RuleProblem[] {
  const out: RuleProblem[] = [];
  rules.forEach((rule, index) => {
    if (normalizePattern(rule.pattern) === "")
      out.push({
        index,
        message: "Enter a folder path (Blog/drafts) or a pattern (**/private/**). Until then no image is uploaded for a note this rule could be meant for.",
      });
    if (rule.target !== KEEP_LOCAL && !profiles.some((p) => p.id === rule.target)) {
      out.push({ index, message: "Its profile was deleted: choose another, or Keep local. Until then the notes it matches upload nothing." });
    }
  });
  return out;
}

/**
 * The markdown scanner: finds the images a note embeds (markdown, reference, wiki and HTML
 * forms, and the forms blogs add: srcset, front matter, Hexo and Hugo tags, Liquid paths)
 * the way Obsidian, CommonMark and the blog engines read them, skipping code, comments and
 * math. The rest of the code uses it only through this module; the files beside it are its inside.
 */
export type { Embed, EmbedKind, EmbedSize } from "./embed";
export { isImagePath, isLocalImageEmbed, scanEmbeds } from "./embedScanner";
export type { FrontMatterSyntax } from "./frontMatter";
export { frontMatterScalar } from "./frontMatter";
export { parseOpenTag, percentDecode, unescapeMarkdown } from "./markdownSyntax";
export { ALL_FORMS, DEFAULT_FRONT_MATTER_KEYS, OBSIDIAN_FORMS, type EmbedForm, type ScanOptions } from "./scanOptions";

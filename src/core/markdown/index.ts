/**
 * The markdown scanner: finds the images a note embeds (markdown, reference, wiki and HTML
 * forms) the way Obsidian and CommonMark read them, skipping code, comments and math. The
 * rest of the code uses it only through this module; the files beside it are its inside.
 */
export { isImagePath, isLocalImageEmbed, scanEmbeds, type Embed, type EmbedKind, type EmbedSize } from "./embedScanner";
export { parseOpenTag, percentDecode } from "./markdownSyntax";

// Placeholder, grown into a faithful fake of the Obsidian API used by the plugin.
export class Plugin {}

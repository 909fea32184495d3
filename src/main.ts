import { Plugin } from "obsidian";

export default class S3ImageHostingPlugin extends Plugin {
  async onload(): Promise<void> {}
}

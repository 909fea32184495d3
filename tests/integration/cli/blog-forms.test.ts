/**
 * The command-line pipeline over a blog folder on disk, against the real S3 server: the
 * tool's file ports, the real uploader and the migration engine scanning every blog form.
 * Each image in the bucket is the local file's bytes, and the note differs from before only
 * in the link spans.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createFsPorts } from "../../../src/cli/fsPorts";
import { migrateNotes } from "../../../src/core/migrate/engine";
import { ALL_FORMS } from "../../../src/core/markdown";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { createUploader } from "../../../src/storage/uploader";
import { makeVault } from "../../support/cli";
import { storedObject, testCredentials, testProfile, uniquePng, useTestBucket } from "../../support/s3";

let bucket = "";
useTestBucket("blog-forms", (b) => (bucket = b));

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-blog-forms-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const NOTE = [
  "---",
  "title: A post",
  "cover: 'images/封面.png'",
  "---",
  "",
  "Intro.",
  "",
  '{% asset_img wide shot.png 600 "A title" %}',
  "",
  '{{< figure src="images/figure.png" title="Fig" >}}',
  "",
  "![Figure 1: first line",
  "second line]({{ site.baseurl }}/images/liquid.png)",
  "",
  "```",
  "{% asset_img shot.png %}",
  "```",
  "",
].join("\r\n");

it("uploads front matter, asset_img, figure and Liquid images and changes only their link spans", async () => {
  const files = { cover: uniquePng(), shot: uniquePng(), figure: uniquePng(), liquid: uniquePng() };
  const vault = makeVault(work, {
    "posts/p.md": NOTE,
    "posts/images/封面.png": files.cover,
    "posts/p/shot.png": files.shot,
    "posts/images/figure.png": files.figure,
    "images/liquid.png": files.liquid,
  });
  const uploader = createUploader({ profile: testProfile({ bucket }), credentials: testCredentials(), index: new MemoryUploadIndex(), face: "cli" });
  const vaultFiles = ["posts/p.md", "posts/images/封面.png", "posts/p/shot.png", "posts/images/figure.png", "images/liquid.png"];
  const ports = createFsPorts(vault, vaultFiles, uploader);
  // Site rules stand in for the site resolver: a Hexo asset lives in the post's asset
  // folder, a Liquid path is site-absolute. Everything else resolves as the tool does.
  const resolve = ports.resolve.bind(ports);
  ports.resolve = (link, note, embed) => {
    if (embed?.kind === "hexo-asset") return resolve(`./${path.posix.basename(note, ".md")}/${link}`, note, embed);
    if (embed?.liquid) return resolve(`/${link.replace(/^\/+/, "")}`, note, embed);
    return resolve(link, note, embed);
  };
  try {
    const report = await migrateNotes(["posts/p.md"], ports, { concurrency: 2, scan: { forms: ALL_FORMS } });
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ uploaded: 4, rewritten: 4, failed: 0 });

    const byPath = new Map(report.files.map((f) => [f.path, f.url as string]));
    const after = readFileSync(path.join(vault, "posts/p.md"), "utf8");
    const url = (p: string): string => byPath.get(p) as string;
    const expected = NOTE.replace("'images/封面.png'", `'${url("posts/images/封面.png")}'`)
      .replace("{% asset_img wide shot.png 600", `{% img wide ${url("posts/p/shot.png")} 600`)
      .replace('src="images/figure.png"', `src="${url("posts/images/figure.png")}"`)
      .replace("({{ site.baseurl }}/images/liquid.png)", `(${url("images/liquid.png")})`);
    expect(after).toBe(expected);

    const keyOf = (u: string): string => decodeURIComponent(new URL(u).pathname.replace(new RegExp(`^/${bucket}/`), ""));
    for (const [p, bytes] of [
      ["posts/images/封面.png", files.cover],
      ["posts/p/shot.png", files.shot],
      ["posts/images/figure.png", files.figure],
      ["images/liquid.png", files.liquid],
    ] as const) {
      const stored = await storedObject(bucket, keyOf(url(p)));
      expect(Buffer.compare(stored.bytes, Buffer.from(bytes))).toBe(0);
    }
  } finally {
    uploader.destroy();
  }
});

import { parseArgs, UsageError } from "../../../src/cli/args";
import { helpText } from "../../../src/cli/help";

const usageError = (argv: string[]): UsageError => {
  try {
    parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`parseArgs accepted ${JSON.stringify(argv)}`);
};

describe("parseArgs", () => {
  it("reads the upload command, its paths and every option in both --flag value and --flag=value forms", () => {
    const a = parseArgs([
      "upload",
      "notes",
      "Blog/Post.md",
      "--vault",
      "/v",
      "--config=cfg.json",
      "--endpoint",
      "http://127.0.0.1:7480",
      "--region=us-east-1",
      "--bucket",
      "b",
      "--path-style",
      "--public-url",
      "https://cdn.example.com",
      "--key-template",
      "img/{hash:16}.{ext}",
      "--acl",
      "public-read",
      "--concurrency",
      "4",
      "--dry-run",
      "--json",
      "--cache",
      "c.json",
      "--provider",
      "minio",
      "--site=hugo",
      "--static-dir",
      "static",
      "--static-dir=themes/t/static",
      "--front-matter-key",
      "hero.image",
      "--front-matter-key=og",
      "--out",
      "build",
    ]);
    expect(a).toEqual({
      command: "upload",
      paths: ["notes", "Blog/Post.md"],
      vault: "/v",
      site: "hugo",
      staticDirs: ["static", "themes/t/static"],
      frontMatterKeys: ["hero.image", "og"],
      out: "build",
      publicUrls: ["https://cdn.example.com"],
      remote: false,
      remoteAllow: [],
      remoteDeny: [],
      allRemote: false,
      config: "cfg.json",
      profile: {
        endpoint: "http://127.0.0.1:7480",
        region: "us-east-1",
        bucket: "b",
        forcePathStyle: true,
        publicBaseUrl: "https://cdn.example.com",
        keyTemplate: "img/{hash:16}.{ext}",
        acl: "public-read",
        provider: "minio",
      },
      concurrency: 4,
      dryRun: true,
      json: true,
      force: false,
      deleteOrphans: false,
      cache: "c.json",
    });
  });

  it("reads the download command with every --public-url in order, --all-remote and --attachments, and upload's web image options", () => {
    const d = parseArgs(["download", "n", "--public-url", "https://a.example/x", "--public-url=https://b.example", "--all-remote", "--attachments", "att"]);
    expect(d).toMatchObject({
      command: "download",
      paths: ["n"],
      publicUrls: ["https://a.example/x", "https://b.example"],
      allRemote: true,
      attachments: "att",
    });
    const u = parseArgs(["upload", "n", "--remote", "--remote-allow", "img.example", "--remote-deny=*.ads.example", "--remote-deny", "t.example"]);
    expect(u).toMatchObject({ remote: true, remoteAllow: ["img.example"], remoteDeny: ["*.ads.example", "t.example"] });
  });

  it("reads --site auto as telling the site from its root, and refuses a kind it does not know", () => {
    expect(parseArgs(["upload", "x", "--site", "auto"]).site).toBeUndefined();
    expect(parseArgs(["upload", "x"]).staticDirs).toEqual([]);
    expect(() => parseArgs(["upload", "x", "--site", "gatsby"])).toThrow("--site must be one of auto, hexo, hugo, jekyll, next, astro, obsidian, plain.");
    expect(() => parseArgs(["upload", "x", "--static-dir="])).toThrow("--static-dir needs a folder.");
  });

  it("refuses a --front-matter-key that is not a field name, saying what one is", () => {
    for (const bad of ["", "cover image", ".cover", "cover.", "a..b", "cover:x"]) {
      expect(() => parseArgs(["upload", "x", `--front-matter-key=${bad}`])).toThrow(
        "--front-matter-key must be a front matter field name (letters, digits, _ and -), with a dot between nested names: cover, hero.image.",
      );
    }
  });

  it("takes options before the paths and paths after -- even when they start with a dash", () => {
    const a = parseArgs(["upload", "--json", "--", "-odd name.md", "--dry-run"]);
    expect(a.paths).toEqual(["-odd name.md", "--dry-run"]);
    expect(a.json).toBe(true);
    expect(a.dryRun).toBe(false);
  });

  it("--no-path-style turns path-style addressing off", () => {
    expect(parseArgs(["upload", "x", "--no-path-style"]).profile.forcePathStyle).toBe(false);
    expect(parseArgs(["upload", "x"]).profile.forcePathStyle).toBeUndefined();
  });

  it("--overwrite allows replacing files in the bucket and --no-overwrite forbids it; neither leaves it to the config file", () => {
    expect(parseArgs(["upload", "x", "--overwrite"]).profile.overwrite).toBe(true);
    expect(parseArgs(["upload", "x", "--no-overwrite"]).profile.overwrite).toBe(false);
    expect(parseArgs(["upload", "x"]).profile.overwrite).toBeUndefined();
    expect(usageError(["upload", "x", "--overwrite=yes"]).message).toContain("--overwrite takes no value");
  });

  it("the upload help says which key templates can give two images one key, and how --overwrite changes what happens then", () => {
    const help = helpText("upload").replace(/\s+/g, " ");
    expect(help).toMatch(/--key-template T +object key template \(default img\/\{hash:32\}\.\{ext\}\)/);
    expect(help).toContain("({hash:16} or longer) or the whole {md5}, each image gets its own");
    expect(help).toContain("otherwise ({name}, {note}, dates, a shorter hash) two images");
    expect(help).toMatch(/--overwrite +replace a different file already at an image's key/);
  });

  it("answers --help and help with the help command, whatever else is given", () => {
    expect(parseArgs(["--help"]).command).toBe("help");
    expect(parseArgs(["upload", "-h"]).command).toBe("help");
    expect(parseArgs(["help"]).command).toBe("help");
    expect(parseArgs(["upload", "--bucket", "b", "--help"]).command).toBe("help");
  });

  it("reads the doctor command with the bucket options and refuses paths after it", () => {
    const args = parseArgs(["doctor", "--endpoint", "https://s3.example.com", "--bucket", "b", "--path-style"]);
    expect(args).toMatchObject({ command: "doctor", profile: { endpoint: "https://s3.example.com", bucket: "b", forcePathStyle: true }, paths: [] });
    expect(usageError(["doctor", "notes/"]).message).toContain("doctor takes no paths");
  });

  it.each([
    [["upload", "x", "--secret-access-key", "abc"], "--secret-access-key"],
    [["upload", "x", "--access-key-id=AKIA"], "--access-key-id"],
    [["upload", "x", "--aws-secret-access-key", "abc"], "--aws-secret-access-key"],
  ])("refuses credentials on the command line and says to use the environment (%j)", (argv, flag) => {
    const e = usageError(argv);
    expect(e.message).toContain(flag);
    expect(e.message).toContain("S3_SECRET_ACCESS_KEY");
    // The secret given must not be echoed back.
    expect(e.message).not.toContain("abc");
    expect(e.message).not.toContain("AKIA");
  });

  it.each([
    [[], "No command"],
    [["upload"], "at least one note or folder"],
    [["fetch", "x"], 'Unknown command "fetch"'],
    [["download"], "at least one note or folder to download"],
    [["upload", "x", "--remote-allow", "example.com"], "add --remote"],
    [["upload", "x", "--remote", "--remote-deny", "https://example.com/"], "--remote-deny must be a host name"],
    [["upload", "x", "--frobnicate"], "Unknown option --frobnicate"],
    [["upload", "x", "--bucket"], "--bucket needs a value"],
    [["upload", "x", "--acl", "public"], "--acl must be one of none, public-read, private"],
    [["upload", "x", "--provider", "dropbox"], "--provider must be one of"],
    [["upload", "x", "--concurrency", "0"], "--concurrency must be a whole number"],
    [["upload", "x", "--concurrency", "2.5"], "--concurrency must be a whole number"],
    [["upload", "x", "--concurrency", "abc"], "--concurrency must be a whole number"],
    [["upload", "x", "--json=yes"], "--json takes no value"],
  ])("rejects bad usage %j with a message", (argv, message) => {
    expect(usageError(argv).message).toContain(message);
  });
});

describe("parseArgs for delete, orphans and relink", () => {
  it("reads each command's own flags", () => {
    expect(parseArgs(["delete", "https://cdn.example.com/a.png", "--vault", "v", "--force"])).toMatchObject({
      command: "delete",
      paths: ["https://cdn.example.com/a.png"],
      vault: "v",
      force: true,
    });
    expect(parseArgs(["orphans", "--vault", "v", "--prefix", "", "--min-age", "2.5", "--delete"])).toMatchObject({
      command: "orphans",
      prefix: "",
      minAgeDays: 2.5,
      deleteOrphans: true,
    });
    expect(parseArgs(["relink", "notes", "--from", "https://a.example.com", "--to", "https://b.example.com"])).toMatchObject({
      command: "relink",
      from: "https://a.example.com",
      to: "https://b.example.com",
    });
  });

  it("refuses a command's own flag on another command rather than ignoring it", () => {
    expect(() => parseArgs(["upload", "notes", "--force"])).toThrow("--force is an option of delete, not of upload.");
    expect(() => parseArgs(["delete", "https://a.example.com/x.png", "--delete"])).toThrow("--delete is an option of orphans, not of delete.");
  });

  it("refuses what each command cannot run without", () => {
    expect(() => parseArgs(["delete"])).toThrow("Give at least one image URL");
    expect(() => parseArgs(["orphans", "--delete"])).toThrow("--delete needs --vault");
    expect(() => parseArgs(["orphans", "notes"])).toThrow("orphans takes no paths");
    expect(() => parseArgs(["relink", "notes", "--from", "https://a.example.com"])).toThrow("relink needs --from URL and --to URL");
    expect(() => parseArgs(["orphans", "--vault", "v", "--min-age", "-1"])).toThrow("--min-age must be a number of days");
  });
});

import { orphanPrefix, selectOrphans, sizeText } from "../../../../src/core/lifecycle/orphans";
import { isUploadError } from "../../../../src/core/errors";

const day = 24 * 60 * 60 * 1000;
const now = new Date("2026-06-01T00:00:00Z");
const ago = (days: number): Date => new Date(now.getTime() - days * day);

describe("orphanPrefix", () => {
  it("is the key template's fixed folder", () => {
    expect(orphanPrefix("img/{year}/{hash:16}.{ext}", undefined)).toBe("img/");
  });

  it("refuses a template that starts with a token unless a folder is named, even an empty one", () => {
    let thrown: unknown;
    try {
      orphanPrefix("{hash}.{ext}", undefined, "--prefix");
    } catch (e) {
      thrown = e;
    }
    expect(isUploadError(thrown) && thrown.code === "InvalidSettings" && thrown.hint.includes("--prefix")).toBe(true);
    expect(orphanPrefix("{hash}.{ext}", "")).toBe("");
    expect(orphanPrefix("{hash}.{ext}", "old/")).toBe("old/");
  });
});

describe("selectOrphans", () => {
  const objects = [
    { key: "img/linked.png", size: 10, lastModified: ago(30) },
    { key: "img/old.png", size: 20, lastModified: ago(8) },
    { key: "img/young.png", size: 30, lastModified: ago(6) },
    { key: "img/unknown.png", size: 40, lastModified: undefined },
    { key: "other/old.png", size: 50, lastModified: ago(100) },
  ];

  it("picks unlinked objects under the folder older than the grace period, and counts the others", () => {
    const got = selectOrphans(objects, (k) => k === "img/linked.png", { prefix: "img/", now, minAgeDays: 7 });
    expect(got).toEqual({ orphans: [objects[1]], linked: 1, tooYoung: 2 });
  });

  it("takes the age from the clock it is given", () => {
    const got = selectOrphans(objects, () => false, { prefix: "img/", now: new Date(now.getTime() + 2 * day), minAgeDays: 7 });
    expect(got.orphans.map((o) => o.key)).toEqual(["img/linked.png", "img/old.png", "img/young.png"]);
  });

  it("never picks an object outside the folder", () => {
    const got = selectOrphans(objects, () => false, { prefix: "img/", now, minAgeDays: 0 });
    expect(got.orphans.some((o) => o.key.startsWith("other/"))).toBe(false);
  });
});

describe("sizeText", () => {
  it("says sizes in bytes, KB and MB", () => {
    expect([sizeText(1), sizeText(512), sizeText(2048), sizeText(5 * 1024 * 1024)]).toEqual(["1 byte", "512 bytes", "2.0 KB", "5.0 MB"]);
  });
});

import { MemoryUploadIndex, cleanUploadIndexData } from "../../../../src/core/settings/uploadIndex";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const SCOPE = "https://s3.example.com|photos";

describe("MemoryUploadIndex", () => {
  test("remembers where an upload went, per bucket", () => {
    const index = new MemoryUploadIndex();
    index.set(SCOPE, SHA_A, { key: "img/a.png", at: 1 });
    expect(index.get(SCOPE, SHA_A)).toEqual({ key: "img/a.png", at: 1 });
    expect(index.get("https://s3.example.com|other", SHA_A)).toBeUndefined();
    expect(index.get(SCOPE, SHA_B)).toBeUndefined();
  });

  test("treats upper- and lower-case hex digests as the same content", () => {
    const index = new MemoryUploadIndex();
    index.set(SCOPE, SHA_A.toUpperCase(), { key: "k", at: 1 });
    expect(index.get(SCOPE, SHA_A)?.key).toBe("k");
  });

  test("a later upload of the same bytes replaces the record", () => {
    const index = new MemoryUploadIndex();
    index.set(SCOPE, SHA_A, { key: "old", at: 1 });
    index.set(SCOPE, SHA_A, { key: "new", at: 2 });
    expect(index.get(SCOPE, SHA_A)).toEqual({ key: "new", at: 2 });
    expect(index.size).toBe(1);
  });

  test("calls onChange after each change so the owner can save", () => {
    const onChange = jest.fn();
    const index = new MemoryUploadIndex(undefined, { onChange });
    index.set(SCOPE, SHA_A, { key: "k", at: 1 });
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(index.delete(SCOPE, SHA_B)).toBe(false);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(index.delete(SCOPE, SHA_A)).toBe(true);
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  test("forgetting the last upload of a bucket removes the bucket's entry", () => {
    const index = new MemoryUploadIndex();
    index.set(SCOPE, SHA_A, { key: "k", at: 1 });
    index.delete(SCOPE, SHA_A);
    expect(index.toJSON()).toEqual({});
  });

  test("survives a JSON round trip through data.json", () => {
    const index = new MemoryUploadIndex();
    index.set(SCOPE, SHA_A, { key: "img/a.png", at: 1767323045006 });
    index.set("http://minio.lan:9000|b", SHA_B, { key: "b.png", at: 2 });
    const reloaded = new MemoryUploadIndex(JSON.parse(JSON.stringify(index)) as never);
    expect(reloaded.get(SCOPE, SHA_A)).toEqual({ key: "img/a.png", at: 1767323045006 });
    expect(reloaded.get("http://minio.lan:9000|b", SHA_B)).toEqual({ key: "b.png", at: 2 });
  });

  test("toJSON is the live data, so settings that hold it stay current", () => {
    const index = new MemoryUploadIndex();
    const held = index.toJSON();
    index.set(SCOPE, SHA_A, { key: "k", at: 1 });
    expect(held[SCOPE][SHA_A]).toEqual({ key: "k", at: 1 });
  });

  test("does not change the object it was constructed from", () => {
    const data = { [SCOPE]: { [SHA_A]: { key: "k", at: 1 } } };
    const index = new MemoryUploadIndex(data);
    index.set(SCOPE, SHA_B, { key: "k2", at: 2 });
    expect(Object.keys(data[SCOPE])).toEqual([SHA_A]);
  });

  test("a record handed out cannot be changed behind the index's back", () => {
    const index = new MemoryUploadIndex();
    index.set(SCOPE, SHA_A, { key: "k", at: 1 });
    const record = index.get(SCOPE, SHA_A);
    if (record) record.key = "tampered";
    expect(index.get(SCOPE, SHA_A)?.key).toBe("k");
  });

  test("does not find Object.prototype's members for scopes or digests named after them", () => {
    const index = new MemoryUploadIndex();
    expect(index.get("constructor", SHA_A)).toBeUndefined();
    expect(index.get("__proto__", "toString")).toBeUndefined();
    index.set("toString", SHA_A, { key: "k", at: 1 });
    expect(index.get("toString", SHA_A)?.key).toBe("k");
  });
});

describe("cleanUploadIndexData", () => {
  test("keeps well-formed records and drops everything else", () => {
    const raw = {
      [SCOPE]: {
        [SHA_A]: { key: "ok", at: 1, extra: true },
        [SHA_B]: { key: "", at: 1 },
        short: { key: "k", at: 1 },
        ["c".repeat(64)]: { key: "k", at: "yesterday" },
        ["d".repeat(64)]: null,
      },
      "bad-scope": [1, 2, 3],
      "empty-scope": {},
    };
    expect(cleanUploadIndexData(raw)).toEqual({ [SCOPE]: { [SHA_A]: { key: "ok", at: 1 } } });
  });

  test("gives an empty index for anything that is not an object", () => {
    for (const raw of [null, undefined, 3, "x", []]) expect(cleanUploadIndexData(raw)).toEqual({});
  });
});

describe("records of processed originals", () => {
  test("keep the uploaded bytes' hash, through data.json", () => {
    const index = new MemoryUploadIndex();
    index.set(SCOPE, SHA_A, { key: "img/b.jpg", at: 3, sha256: SHA_B.toUpperCase() });
    const again = new MemoryUploadIndex(JSON.parse(JSON.stringify(index.toJSON())));
    expect(again.get(SCOPE, SHA_A)).toEqual({ key: "img/b.jpg", at: 3, sha256: SHA_B });
  });

  test("keep the uploaded bytes' size and MD5 through data.json, both or neither, and only beside their SHA-256", () => {
    const index = new MemoryUploadIndex();
    const md5 = "ab".repeat(16);
    index.set(SCOPE, SHA_A, { key: "img/b.jpg", at: 3, sha256: SHA_B, size: 42, md5: md5.toUpperCase() });
    const again = new MemoryUploadIndex(JSON.parse(JSON.stringify(index.toJSON())));
    expect(again.get(SCOPE, SHA_A)).toEqual({ key: "img/b.jpg", at: 3, sha256: SHA_B, size: 42, md5 });
    const data = {
      [SCOPE]: {
        ["1".repeat(64)]: { key: "1.jpg", at: 1, sha256: SHA_B, size: -1, md5 },
        ["2".repeat(64)]: { key: "2.jpg", at: 2, sha256: SHA_B, size: 42, md5: "not an md5" },
        ["3".repeat(64)]: { key: "3.jpg", at: 3, sha256: SHA_B, size: "42", md5 },
        ["4".repeat(64)]: { key: "4.jpg", at: 4, size: 42, md5 },
      },
    };
    expect(cleanUploadIndexData(data)).toEqual({
      [SCOPE]: {
        ["1".repeat(64)]: { key: "1.jpg", at: 1, sha256: SHA_B },
        ["2".repeat(64)]: { key: "2.jpg", at: 2, sha256: SHA_B },
        ["3".repeat(64)]: { key: "3.jpg", at: 3, sha256: SHA_B },
        ["4".repeat(64)]: { key: "4.jpg", at: 4 },
      },
    });
  });

  test("a record claiming malformed uploaded bytes is dropped, older records are read as before", () => {
    const data = {
      [SCOPE]: {
        [SHA_A]: { key: "a.jpg", at: 1, sha256: "not a hash" },
        [SHA_B]: { key: "b.jpg", at: 2 },
      },
    };
    expect(cleanUploadIndexData(data)).toEqual({ [SCOPE]: { [SHA_B]: { key: "b.jpg", at: 2 } } });
  });
});

describe("the vault path an image was uploaded from", () => {
  test("is kept through data.json; one that is not text is left out, the record kept", () => {
    const index = new MemoryUploadIndex();
    index.set(SCOPE, SHA_A, { key: "img/a.png", at: 3, path: "Attachments/Photo 1.png" });
    const again = new MemoryUploadIndex(JSON.parse(JSON.stringify(index.toJSON())));
    expect(again.get(SCOPE, SHA_A)).toEqual({ key: "img/a.png", at: 3, path: "Attachments/Photo 1.png" });
    expect(cleanUploadIndexData({ [SCOPE]: { [SHA_B]: { key: "b.jpg", at: 2, path: 7 } } })).toEqual({ [SCOPE]: { [SHA_B]: { key: "b.jpg", at: 2 } } });
  });
});

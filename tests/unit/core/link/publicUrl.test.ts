import fc from "fast-check";
import { isUploadError } from "../../../../src/core/errors";
import { bucketScope, buildPublicUrl, encodeKeyForUrl } from "../../../../src/core/link/publicUrl";

const profile = (over: Partial<{ publicBaseUrl: string; endpoint: string; bucket: string; forcePathStyle: boolean }> = {}) => ({
  publicBaseUrl: "",
  endpoint: "https://s3.us-west-004.backblazeb2.com",
  bucket: "photos",
  forcePathStyle: false,
  ...over,
});

describe("encodeKeyForUrl", () => {
  test("encodes each segment and keeps the slashes", () => {
    expect(encodeKeyForUrl("img/2026/a b#c?d%e.png")).toBe("img/2026/a%20b%23c%3Fd%25e.png");
  });

  test("encodes non-ASCII names as UTF-8", () => {
    expect(encodeKeyForUrl("图/😀.png")).toBe("%E5%9B%BE/%F0%9F%98%80.png");
  });

  test("encodes parentheses and the other characters encodeURIComponent leaves alone", () => {
    expect(encodeKeyForUrl("photo (1)!*'.png")).toBe("photo%20%281%29%21%2A%27.png");
  });

  test("leaves the unreserved characters as they are", () => {
    expect(encodeKeyForUrl("A-z_0.9~/x")).toBe("A-z_0.9~/x");
  });
});

describe("buildPublicUrl", () => {
  test("follows every change of the profile from one link to the next", () => {
    const key = "img/a.png";
    const variants = [
      [profile(), "https://photos.s3.us-west-004.backblazeb2.com/img/a.png"],
      [profile({ forcePathStyle: true }), "https://s3.us-west-004.backblazeb2.com/photos/img/a.png"],
      [profile({ forcePathStyle: true, bucket: "other" }), "https://s3.us-west-004.backblazeb2.com/other/img/a.png"],
      [profile({ forcePathStyle: true, bucket: "other", endpoint: "http://127.0.0.1:9000/s3" }), "http://127.0.0.1:9000/s3/other/img/a.png"],
      [profile({ publicBaseUrl: "https://cdn.example.com/blog/" }), "https://cdn.example.com/blog/img/a.png"],
      [profile(), "https://photos.s3.us-west-004.backblazeb2.com/img/a.png"],
    ] as const;
    for (const [p, url] of [...variants, ...variants]) expect(buildPublicUrl(p, key)).toBe(url);
  });

  test("joins a public base URL and the key, trimming trailing slashes", () => {
    expect(buildPublicUrl(profile({ publicBaseUrl: "https://img.example.com//" }), "img/a.png")).toBe("https://img.example.com/img/a.png");
  });

  test("keeps a path in the public base URL", () => {
    expect(buildPublicUrl(profile({ publicBaseUrl: "https://cdn.example.com/blog" }), "a b.png")).toBe("https://cdn.example.com/blog/a%20b.png");
  });

  test("without a public base URL, uses the bucket as subdomain in virtual-hosted style", () => {
    expect(buildPublicUrl(profile(), "img/x.png")).toBe("https://photos.s3.us-west-004.backblazeb2.com/img/x.png");
  });

  test("without a public base URL, puts the bucket in the path in path style, keeping the port", () => {
    const minio = profile({ endpoint: "http://192.168.1.10:9000/", forcePathStyle: true });
    expect(buildPublicUrl(minio, "img/x.png")).toBe("http://192.168.1.10:9000/photos/img/x.png");
  });

  test("keeps a path prefix of the endpoint", () => {
    const proxied = profile({ endpoint: "https://nas.example.com/s3/", forcePathStyle: true });
    expect(buildPublicUrl(proxied, "k.png")).toBe("https://nas.example.com/s3/photos/k.png");
  });

  test("falls back to path style for a dotted bucket over HTTPS, which wildcard certificates cannot cover", () => {
    const dotted = profile({ endpoint: "https://s3.eu-central-1.amazonaws.com", bucket: "img.example.com" });
    expect(buildPublicUrl(dotted, "a.png")).toBe("https://s3.eu-central-1.amazonaws.com/img.example.com/a.png");
    const plain = profile({ endpoint: "http://minio.lan:9000", bucket: "img.example.com" });
    expect(buildPublicUrl(plain, "a.png")).toBe("http://img.example.com.minio.lan:9000/a.png");
  });

  test("refuses with InvalidSettings when there is neither a public base URL nor a usable endpoint", () => {
    for (const endpoint of ["", "not a url", "ftp://files.example.com"]) {
      let caught: unknown;
      try {
        buildPublicUrl(profile({ endpoint }), "a.png");
      } catch (e) {
        caught = e;
      }
      expect(isUploadError(caught) && caught.code === "InvalidSettings").toBe(true);
    }
  });

  test("the link decodes back to exactly the key, whatever it contains", () => {
    // A URL cannot carry a `.` or `..` segment (browsers resolve them, encoded or not); keys
    // never hold one, since the key renderer defuses them (see keyTemplate's normalizeKey).
    const segment = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }).filter((s) => s !== "." && s !== "..");
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const key = segments.join("/");
        const url = new URL(buildPublicUrl(profile({ publicBaseUrl: "https://cdn.example.com/base/" }), key));
        expect(url.search).toBe("");
        expect(url.hash).toBe("");
        const path = url.pathname.slice("/base/".length);
        expect(path.split("/").map(decodeURIComponent).join("/")).toBe(key);
      }),
    );
  });
});

describe("bucketScope", () => {
  test("is the same for spellings of the same endpoint", () => {
    const a = bucketScope({ endpoint: "https://S3.Example.com:443/", bucket: "photos" });
    const b = bucketScope({ endpoint: " https://s3.example.com ", bucket: "photos" });
    expect(a).toBe(b);
    expect(a).toBe("https://s3.example.com|photos");
  });

  test("differs between buckets and between endpoints", () => {
    const base = bucketScope({ endpoint: "https://s3.example.com", bucket: "photos" });
    expect(bucketScope({ endpoint: "https://s3.example.com", bucket: "other" })).not.toBe(base);
    expect(bucketScope({ endpoint: "https://s3.example.org", bucket: "photos" })).not.toBe(base);
    expect(bucketScope({ endpoint: "http://s3.example.com", bucket: "photos" })).not.toBe(base);
  });

  test("still names a bucket when the endpoint is not a URL", () => {
    expect(bucketScope({ endpoint: "S3.Example.com/", bucket: "photos" })).toBe("s3.example.com|photos");
  });
});

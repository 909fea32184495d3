import { keyOfUrl, keysOfTarget, profileBases, profileLinks, servedBase } from "../../../../src/core/lifecycle/profileLinks";
import { newProfile } from "../../../../src/core/settings/settingsModel";
import type { Profile } from "../../../../src/core/types";

function profile(overrides: Partial<Profile>): Profile {
  return { ...newProfile("generic", "p"), endpoint: "https://s3.example.com", bucket: "pics", ...overrides };
}

describe("profileBases", () => {
  it("serves a profile's objects at its public base URL and at its endpoint in both addressing styles", () => {
    expect(profileBases(profile({ publicBaseUrl: "https://cdn.example.com/blog/" }))).toEqual([
      { host: "cdn.example.com", path: "/blog/" },
      { host: "s3.example.com", path: "/pics/" },
      { host: "pics.s3.example.com", path: "/" },
    ]);
  });

  it("lists an address once when the public URL is the endpoint's", () => {
    expect(profileBases(profile({ publicBaseUrl: "", forcePathStyle: true }))).toEqual([
      { host: "s3.example.com", path: "/pics/" },
      { host: "pics.s3.example.com", path: "/" },
    ]);
  });
});

describe("keysOfTarget", () => {
  const bases = [servedBase("https://cdn.example.com/blog")!];

  it("names the key after the base, whatever the scheme, host case or default port", () => {
    expect(keysOfTarget("https://cdn.example.com/blog/img/a.png", bases)).toEqual(["img/a.png"]);
    expect(keysOfTarget("http://CDN.Example.com:80/blog/img/a.png", bases)).toEqual(["img/a.png"]);
    expect(keysOfTarget("//cdn.example.com/blog/img/a.png", bases)).toEqual(["img/a.png"]);
  });

  it("names no key for another host, a path that only starts like the base, or the base itself", () => {
    expect(keysOfTarget("https://other.example.com/blog/a.png", bases)).toEqual([]);
    expect(keysOfTarget("https://cdn.example.com/blogger/a.png", bases)).toEqual([]);
    expect(keysOfTarget("https://cdn.example.com/blog/", bases)).toEqual([]);
    expect(keysOfTarget("https://cdn.example.com:8443/blog/a.png", bases)).toEqual([]);
  });

  it("counts a link with a query as naming the key before it and the key with it", () => {
    expect(keysOfTarget("https://cdn.example.com/blog/a.png?v=2", bases)).toEqual(["a.png", "a.png?v=2"]);
  });
});

describe("keyOfUrl", () => {
  const bases = [servedBase("https://cdn.example.com/blog/")!];

  it("decodes the key from a URL a person gives", () => {
    expect(keyOfUrl("https://cdn.example.com/blog/My%20shot%23.png", bases)).toBe("My shot#.png");
  });

  it("refuses a URL with a query or fragment, or from elsewhere", () => {
    expect(keyOfUrl("https://cdn.example.com/blog/a.png?x=1", bases)).toBeUndefined();
    expect(keyOfUrl("https://cdn.example.com/blog/a.png#top", bases)).toBeUndefined();
    expect(keyOfUrl("https://evil.example.com/blog/a.png", bases)).toBeUndefined();
  });
});

describe("profileLinks", () => {
  it("finds the links of every form that name the bucket's objects, decoded, and leaves the rest", () => {
    const text = [
      "![a](https://cdn.example.com/blog/img/a%20b.png)",
      '<img src="https://cdn.example.com/blog/img/c.png" alt="c">',
      "![[local.png]]",
      "![x](https://elsewhere.example.com/blog/img/a.png)",
      "```",
      "![code](https://cdn.example.com/blog/img/code.png)",
      "```",
    ].join("\n");
    const links = profileLinks(text, [servedBase("https://cdn.example.com/blog")!]);
    expect(links.map((l) => l.keys)).toEqual([["img/a b.png"], ["img/c.png"]]);
  });
});

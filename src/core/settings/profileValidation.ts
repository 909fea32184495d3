/** Profile validation that speaks to a person: what is wrong, per field, and what to do. */
import { validateKeyTemplate } from "../prepare/keyTemplate";
import { maxSideMessages, qualityMessages } from "../prepare/transformPlan";
import { parseHttpUrl } from "../link/httpUrl";
import { PROVIDERS } from "../providers";
import type { Profile } from "../types";
import { DEFAULT_CACHE_CONTROL } from "./settingsModel";

export interface FieldMessage {
  field: keyof Profile;
  message: string;
}

/** What is wrong with a profile, per field, in words a person can act on; empty when usable. */
export function validateProfile(p: Profile): FieldMessage[] {
  const out: FieldMessage[] = [];
  const add = (field: keyof Profile, messages: string[]): void => {
    for (const message of messages) out.push({ field, message });
  };
  add("endpoint", endpointMessages(p));
  add("region", regionMessages(p));
  add("bucket", bucketMessages(p.bucket.trim()));
  add("publicBaseUrl", publicBaseUrlMessages(p));
  add("keyTemplate", validateKeyTemplate(p.keyTemplate));
  add("cacheControl", cacheControlMessages(p.cacheControl.trim()));
  add("quality", qualityMessages(p.quality));
  add("maxWidth", maxSideMessages(p.maxWidth, "Largest width"));
  add("maxHeight", maxSideMessages(p.maxHeight, "Largest height"));
  const provider = PROVIDERS[p.provider];
  if (p.acl !== "none" && provider.aclRefusal) add("acl", [`${provider.aclRefusal}; set the ACL to none.`]);
  if (p.forcePathStyle && provider.pathStyleRefusal) add("forcePathStyle", [provider.pathStyleRefusal]);
  if (!p.accessKeyIdSecret.trim()) add("accessKeyIdSecret", ["Choose the secret that holds the access key ID."]);
  if (!p.secretAccessKeySecret.trim()) {
    add("secretAccessKeySecret", ["Choose the secret that holds the secret access key."]);
  } else if (p.secretAccessKeySecret.trim() === p.accessKeyIdSecret.trim()) {
    add("secretAccessKeySecret", ["The access key ID and the secret access key must be two different secrets."]);
  }
  return out;
}

function endpointMessages(p: Profile): string[] {
  const text = p.endpoint.trim();
  if (!text) return ["Endpoint is required: the S3 API address of your provider, e.g. https://s3.us-west-004.backblazeb2.com."];
  const url = parseHttpUrl(text);
  if (!url) {
    return ["Endpoint must be a full URL starting with https:// (or http:// for a server on your own network)."];
  }
  const out: string[] = [];
  const bucket = p.bucket.trim().toLowerCase();
  const host = url.hostname.toLowerCase();
  if (url.username || url.password) out.push("Endpoint must not contain a user name or password.");
  if (url.search || url.hash) out.push("Endpoint must not have a query (?…) or a fragment (#…).");
  if (bucket && url.pathname.split("/")[1]?.toLowerCase() === bucket) {
    out.push("Remove the bucket name from the endpoint; it goes in the Bucket field only.");
  }
  if (bucket && host.startsWith(`${bucket}.`)) {
    out.push("Remove the bucket name from the start of the endpoint's host; the plugin adds it where needed.");
  }
  if (host.endsWith(".r2.dev")) {
    out.push("An r2.dev address is the public URL, not the endpoint: use https://<account-id>.r2.cloudflarestorage.com.");
  }
  return out;
}

function regionMessages(p: Profile): string[] {
  const region = p.region.trim();
  if (!region) return ["Region is required; for R2 use auto."];
  // It goes into host names and the signature's scope: one DNS label, as the S3 client requires.
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(region)) {
    return [`"${region}" is not a region name: use letters, digits and hyphens, like us-east-1 (or auto for R2).`];
  }
  const problem = PROVIDERS[p.provider].regionProblem?.(region, p.endpoint);
  return problem ? [problem] : [];
}

function bucketMessages(bucket: string): string[] {
  if (!bucket) return ["Bucket is required."];
  if (bucket.includes("/")) return ["Enter only the bucket's name; put folders in the key template."];
  const out: string[] = [];
  if (bucket.length < 3 || bucket.length > 63) out.push("Bucket names are 3 to 63 characters long.");
  if (/[A-Z]/.test(bucket)) out.push("Bucket names use lowercase letters only.");
  const bad = [...new Set(bucket.replace(/[a-zA-Z0-9.-]/g, ""))];
  if (bad.length > 0) out.push(`Bucket names may contain only letters, digits, dots and hyphens, not ${bad.join(" ")}.`);
  if (!/^[a-zA-Z0-9].*[a-zA-Z0-9]$|^[a-zA-Z0-9]$/.test(bucket)) out.push("Bucket names start and end with a letter or digit.");
  if (bucket.includes("..")) out.push("Bucket names cannot contain two dots in a row.");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bucket)) out.push("Bucket names cannot look like an IP address.");
  return out;
}

function publicBaseUrlMessages(p: Profile): string[] {
  const text = p.publicBaseUrl.trim();
  if (!text) {
    const required = PROVIDERS[p.provider].publicUrlRequired;
    return required ? [required] : [];
  }
  const url = parseHttpUrl(text);
  if (!url) return ["Public base URL must be a full URL starting with https://, e.g. https://img.example.com."];
  const out: string[] = [];
  if (url.username || url.password) out.push("Public base URL must not contain a user name or password.");
  if (url.search || url.hash) out.push("Public base URL must not have a query (?…) or a fragment (#…).");
  if (url.hostname.toLowerCase().endsWith(".r2.cloudflarestorage.com")) {
    out.push("That is R2's S3 endpoint, which always asks for a signature; use the r2.dev address or a custom domain.");
  }
  return out;
}

function cacheControlMessages(value: string): string[] {
  if (!value) return [];
  if ([...value].some((ch) => ch < " " || ch > "~")) return ["Cache-Control may contain only plain printable characters."];
  for (const directive of value.split(",").map((d) => d.trim())) {
    const m = /^([A-Za-z][A-Za-z0-9-]*)(?:=("[^"]*"|[A-Za-z0-9!#$%&'*+.^_`|~-]+))?$/.exec(directive);
    if (!m) return [`Cache-Control has an invalid part "${directive}"; write it like ${DEFAULT_CACHE_CONTROL}.`];
    if (/^(max-age|s-maxage)$/i.test(m[1]) && !/^\d+$/.test(m[2] ?? "")) {
      return [`${m[1]} needs a number of seconds, e.g. ${m[1]}=31536000.`];
    }
  }
  return [];
}

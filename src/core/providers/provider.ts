/**
 * What a provider file declares: the defaults a profile takes when the provider is chosen,
 * the provider's quirks, and the words that help a person with that provider. Storage code,
 * validation and the settings form read these values instead of testing provider ids.
 */
import { parseHttpUrl } from "../link/httpUrl";
import type { AclSetting, ProviderId } from "../types";

export interface Provider {
  id: ProviderId;
  label: string;
  endpointPlaceholder: string;
  endpointHelp: string;
  /** Region to use when it cannot be read from the endpoint; empty when there is no sensible guess. */
  defaultRegion: string;
  forcePathStyle: boolean;
  acl: AclSetting;
  /**
   * Why the provider refuses or ignores a per-object ACL header, where it does: the setting is
   * then hidden in the form and any ACL but none is refused by validation.
   */
  aclRefusal?: string;
  /**
   * True where the provider documents `If-None-Match: *` on PutObject (write only if the key
   * is free), so a check of the key and the write cannot be overtaken by another writer.
   * False where it is missing (B2) or unverified; the key is still checked with a HEAD first.
   */
  conditionalWrites: boolean;
  /** Why path-style addressing cannot work, where the provider accepts virtual-hosted only. */
  pathStyleRefusal?: string;
  /** The region every request is signed with, whatever the profile says. */
  signingRegion?: string;
  /** True where the SDK derives the endpoint from the region, so an empty one is not an error when connecting. */
  endpointFromRegion?: boolean;
  /** The signing region the endpoint implies, when its host name spells it out. */
  regionFromEndpoint?: (endpoint: string) => string | undefined;
  /** What is wrong with a well-formed region for this provider, if anything. */
  regionProblem?: (region: string, endpoint: string) => string | undefined;
  /** Where the address on the public base URL's field comes from, and what happens when it is empty. */
  publicUrlHelp: string;
  /** Set where the provider never serves files without a signature unless a public URL is given: what to enter. */
  publicUrlRequired?: string;
  /** What to do when anonymous readers are refused (403) although the profile uploads with no private ACL. */
  publicForbiddenHint: string;
  /** As `publicForbiddenHint`, where it depends on the public base URL being empty. */
  publicForbiddenWithoutBaseUrlHint?: string;
  /**
   * What to check when the public base URL answers 404 for a just-uploaded image; undefined
   * leaves the general advice about the URL's shape.
   */
  publicNotFoundHint?: (publicBaseUrl: string, bucket: string) => string | undefined;
}

/** Lower-case host name of an endpoint, tolerating a missing scheme. */
export function hostOf(endpoint: string): string | undefined {
  const text = endpoint.trim();
  if (!text) return undefined;
  try {
    return new URL(text.includes("://") ? text : `https://${text}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** A `regionFromEndpoint` that reads the first group of `pattern` from the endpoint's host name. */
export function regionFromHost(pattern: RegExp): (endpoint: string) => string | undefined {
  return (endpoint) => {
    const host = hostOf(endpoint);
    return host ? pattern.exec(host)?.[1] : undefined;
  };
}

/** The host name of a full http(s) URL, lower-cased; "" when `text` is not one. */
export function httpHost(text: string): string {
  return parseHttpUrl(text.trim())?.hostname.toLowerCase() ?? "";
}

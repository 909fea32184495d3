/**
 * Every provider the settings offer, one file each, and what choosing one does to a profile.
 */
import type { Profile, ProviderId } from "../types";
import { aliyunOss } from "./aliyunOss";
import { aws } from "./aws";
import { b2 } from "./b2";
import { generic } from "./generic";
import { minio } from "./minio";
import type { Provider } from "./provider";
import { r2 } from "./r2";
import { tencentCos } from "./tencentCos";

export type { Provider } from "./provider";

/** The providers by id, in the order the settings list them. */
export const PROVIDERS: Readonly<Record<ProviderId, Provider>> = {
  r2,
  b2,
  minio,
  aws,
  "aliyun-oss": aliyunOss,
  "tencent-cos": tencentCos,
  generic,
};

export const PROVIDER_IDS: readonly ProviderId[] = Object.values(PROVIDERS).map((p) => p.id);

/**
 * A copy of `profile` switched to `provider`, with that provider's region (read from the
 * endpoint when its host name names one), addressing style and ACL. Endpoint, bucket,
 * public URL, key template and secret names are kept.
 */
export function applyPreset(profile: Profile, provider: ProviderId): Profile {
  const preset = PROVIDERS[provider];
  return {
    ...profile,
    provider,
    region: preset.regionFromEndpoint?.(profile.endpoint) ?? preset.defaultRegion,
    forcePathStyle: preset.forcePathStyle,
    acl: preset.acl,
  };
}

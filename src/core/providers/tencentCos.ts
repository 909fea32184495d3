/**
 * Tencent COS: `https://cos.<region>.myqcloud.com`, virtual-hosted addressing, bucket names
 * with an APPID suffix (`name-1250000000`). Its ACL and checksum behaviour is unverified, and
 * conditional writes are not relied on.
 */
import { regionFromHost, type Provider } from "./provider";

export const tencentCos: Provider = {
  id: "tencent-cos",
  label: "Tencent COS",
  endpointPlaceholder: "https://cos.<region>.myqcloud.com",
  endpointHelp: "https://cos.<region>.myqcloud.com, e.g. https://cos.ap-guangzhou.myqcloud.com. The bucket name includes its APPID suffix (name-1250000000).",
  defaultRegion: "",
  forcePathStyle: false,
  acl: "none",
  conditionalWrites: false,
  regionFromEndpoint: regionFromHost(/^cos\.([a-z0-9-]+)\.myqcloud\.com$/),
  publicUrlHelp: "A custom or CDN domain bound to the bucket, or empty for https://<bucket>.cos.<region>.myqcloud.com.",
  publicForbiddenHint:
    "Set the bucket's access permission to public read / private write in the COS console, or bind a CDN domain that may read it and use that domain as the public base URL.",
};

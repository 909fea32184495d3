/**
 * Aliyun OSS through its S3 API: `https://oss-<region>.aliyuncs.com`, virtual-hosted
 * addressing only. Its ACL and checksum behaviour is unverified, and conditional writes are
 * not relied on: a connection test shows what the bucket accepts.
 */
import { regionFromHost, type Provider } from "./provider";

export const aliyunOss: Provider = {
  id: "aliyun-oss",
  label: "Aliyun OSS",
  endpointPlaceholder: "https://oss-<region>.aliyuncs.com",
  endpointHelp: "The bucket's region endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com. OSS works with virtual-hosted addressing only.",
  defaultRegion: "",
  forcePathStyle: false,
  acl: "none",
  conditionalWrites: false,
  pathStyleRefusal: "Aliyun OSS accepts only virtual-hosted addressing; turn path-style off.",
  regionFromEndpoint: regionFromHost(/^(?:s3\.)?oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$/),
  publicUrlHelp: "A custom domain bound to the bucket, or empty for https://<bucket>.oss-<region>.aliyuncs.com.",
  publicForbiddenHint:
    "Set the bucket's ACL to public read in the OSS console, or bind a CDN domain that may read it and use that domain as the public base URL.",
};

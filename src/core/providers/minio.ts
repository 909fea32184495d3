/**
 * MinIO, Ceph RGW, Garage and other self-hosted servers: usually path-style addressing, often
 * plain http on a LAN address, signed with the conventional region us-east-1. They reject
 * `aws-chunked` stream bodies, which is why bodies are always sent whole.
 */
import type { Provider } from "./provider";

/** Advice for a server that refuses anonymous reads; the generic provider shares it. */
export const SELF_HOSTED_FORBIDDEN_HINT =
  "Allow anonymous downloads from the bucket (or its image folder) with a bucket policy (with MinIO: mc anonymous set download <alias>/<bucket>), or set ACL to public-read if the server supports ACLs.";

export const minio: Provider = {
  id: "minio",
  label: "MinIO or other self-hosted",
  endpointPlaceholder: "http://192.168.1.10:9000",
  endpointHelp: "The server's S3 API address, often plain http on your network. Ceph RGW and Garage work the same way.",
  defaultRegion: "us-east-1",
  forcePathStyle: true,
  acl: "none",
  conditionalWrites: true,
  publicUrlHelp:
    "Empty: links use <endpoint>/<bucket>/<key>, which needs a bucket policy that allows anonymous reads. Set a reverse proxy or CDN address here otherwise.",
  publicForbiddenHint: SELF_HOSTED_FORBIDDEN_HINT,
};

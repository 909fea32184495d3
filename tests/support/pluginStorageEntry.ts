/**
 * The plugin's storage layer, as a test builds it with main.js's build options (see
 * tests/support/buildPluginStorage.mjs): the S3 SDK in it is the browser build main.js
 * carries, trimmed the way main.js trims it.
 */
export { createS3Client } from "../../src/storage/s3Client";
export { S3ObjectStore } from "../../src/storage/objectStore";
export { RequestUrlHttpHandler } from "../../src/storage/requestUrlHandler";
export { S3TransferStore } from "../../src/storage/objectTransfer";

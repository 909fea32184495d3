/**
 * The bucket operations of the image lifecycle against the real S3 server, through Obsidian's
 * transport: a whole listing with sizes and dates, and deleting in batches of 1,000 keys.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { S3ObjectStore } from "../../../src/storage/objectStore";
import { createS3Client } from "../../../src/storage/s3Client";
import { RequestRecorder } from "../../support/requestRecorder";
import { adminClient, createTestBucket, removeTestBucket, testCredentials, testProfile } from "../../support/s3";

jest.setTimeout(120_000);

let bucket: string;
let admin: S3Client;
beforeAll(async () => {
  bucket = await createTestBucket("t-lifecycle");
  admin = adminClient();
});
afterAll(async () => {
  admin.destroy();
  await removeTestBucket(bucket);
});

async function putMany(keys: string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++];
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: new Uint8Array([1, 2, 3]) }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

function store(): { store: S3ObjectStore; transport: RequestRecorder; close: () => void } {
  const transport = new RequestRecorder();
  const profile = testProfile({ bucket });
  const client = createS3Client(profile, testCredentials(), transport.handler);
  return { store: new S3ObjectStore(client, profile), transport, close: () => client.destroy() };
}

it("lists every object under a folder over several pages with size and date, and deletes them 1,000 a request", async () => {
  const keys = Array.from({ length: 1003 }, (_, i) => `many/${String(i).padStart(4, "0")}.png`);
  await putMany([...keys, "other/keep.png"]);
  const { store: s, transport, close } = store();
  try {
    const before = Date.now();
    const listed = await s.listAll("many/");
    expect(listed.map((o) => o.key).sort()).toEqual(keys);
    expect(listed.every((o) => o.size === 3 && o.lastModified instanceof Date && Math.abs(o.lastModified.getTime() - before) < 10 * 60_000)).toBe(true);
    expect(transport.calls.filter((c) => c.method === "GET" && c.url.includes("list-type=2"))).toHaveLength(2);

    transport.calls.length = 0;
    expect(await s.deleteMany(keys)).toEqual([]);
    const deletes = transport.calls.filter((c) => c.method === "POST" && c.url.includes("delete"));
    expect(deletes).toHaveLength(2);
    expect(await s.listAll("many/")).toEqual([]);
    expect((await s.listAll("")).map((o) => o.key)).toEqual(["other/keep.png"]);
  } finally {
    close();
  }
});

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { translateAwsError } from './aws-errors.js';
import { CLIENT_CONFIG } from './env.js';

/** Where evidence packs go: an encrypted, versioned S3 bucket on AWS; a folder or memory locally. */
export interface EvidenceStore {
  /** Stores the JSON and the document; returns where each is. */
  put(key: string, json: string, document: string): Promise<{ json: string; document: string }>;
}

export class S3EvidenceStore implements EvidenceStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, json: string, document: string) {
    const write = (name: string, body: string, type: string) =>
      this.s3.send(
        // The bucket has default Object Lock retention: S3 refuses a PutObject without a checksum header
        // (Content-MD5 or x-amz-checksum-*), so the checksum is asked for, not left to the SDK's default.
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: name,
          Body: body,
          ContentType: type,
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    try {
      await write(`${key}.json`, json, 'application/json');
      await write(`${key}.md`, document, 'text/markdown; charset=utf-8');
    } catch (error) {
      translateAwsError(error, 'storing the evidence pack');
    }
    return { json: `s3://${this.bucket}/${key}.json`, document: `s3://${this.bucket}/${key}.md` };
  }
}

/** The stack's evidence store with its own client (for `lazily`: this module loads the S3 SDK package). */
export const s3EvidenceStore = (bucket: string): EvidenceStore =>
  new S3EvidenceStore(new S3Client(CLIENT_CONFIG), bucket);

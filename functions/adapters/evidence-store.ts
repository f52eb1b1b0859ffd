import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { translateAwsError } from './aws-errors.js';
import { CLIENT_CONFIG } from './env.js';

/** Where evidence packs go: an encrypted, versioned S3 bucket on AWS; a folder or memory locally. */
export interface EvidenceStore {
  /** Stores the JSON and the document; returns where each is. */
  put(key: string, json: string, document: string): Promise<{ json: string; document: string }>;
  /**
   * Stores one binary object (a borrower's dispute document) under `key`, its SHA-256 (hex) checked by
   * the store on arrival; returns where it is.
   */
  putObject(object: BinaryObject): Promise<string>;
}

export interface BinaryObject {
  key: string;
  body: Uint8Array;
  contentType: string;
  sha256: string;
}

export class S3EvidenceStore implements EvidenceStore {
  /** `keyId`: the evidence key binary objects are encrypted with, named in the request (SSE-KMS). */
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly keyId?: string,
  ) {}

  async putObject({ key, body, contentType, sha256 }: BinaryObject): Promise<string> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          // S3 checks the bytes it received against the hash (and Object Lock requires a checksum).
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
          ...(this.keyId
            ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.keyId, BucketKeyEnabled: true }
            : {}),
        }),
      );
    } catch (error) {
      translateAwsError(error, 'storing a document');
    }
    return `s3://${this.bucket}/${key}`;
  }

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
export const s3EvidenceStore = (bucket: string, keyId?: string): EvidenceStore =>
  new S3EvidenceStore(new S3Client(CLIENT_CONFIG), bucket, keyId);

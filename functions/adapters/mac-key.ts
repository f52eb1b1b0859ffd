import { GenerateMacCommand, type KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import type { MacKey } from '../domain/seal.js';
import { translateAwsError } from './aws-errors.js';

/**
 * An HMAC_256 KMS key: the key material never leaves KMS, and IAM decides who may make MACs
 * (GenerateMac: the ledger writer only) and who may check them (VerifyMac: the auditors). KMS computes
 * standard HMAC-SHA256, so a seal made here verifies like one made with the same key locally.
 */
export class KmsMacKey implements MacKey {
  constructor(
    private readonly kms: KMSClient,
    readonly keyId: string,
  ) {}

  async mac(message: string): Promise<string> {
    try {
      const out = await this.kms.send(
        new GenerateMacCommand({
          KeyId: this.keyId,
          MacAlgorithm: 'HMAC_SHA_256',
          Message: Buffer.from(message, 'utf8'),
        }),
      );
      return Buffer.from(out.Mac ?? new Uint8Array()).toString('hex');
    } catch (error) {
      return translateAwsError(error, 'making a MAC');
    }
  }

  async verify(message: string, mac: string): Promise<boolean> {
    try {
      const out = await this.kms.send(
        new VerifyMacCommand({
          KeyId: this.keyId,
          MacAlgorithm: 'HMAC_SHA_256',
          Message: Buffer.from(message, 'utf8'),
          Mac: Buffer.from(mac, 'hex'),
        }),
      );
      return out.MacValid === true;
    } catch (error) {
      // KMS answers an invalid MAC with an error rather than MacValid: false.
      if ((error as { name?: string }).name === 'KMSInvalidMacException') return false;
      return translateAwsError(error, 'checking a MAC');
    }
  }
}

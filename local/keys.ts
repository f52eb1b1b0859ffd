import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../functions/domain/errors.js';
import { hmacKey, type MacKey } from '../functions/domain/seal.js';

/**
 * The local stand-ins for the stack's KMS HMAC keys: the ledger seal key (only the ledger writer makes
 * MACs with it), the line key (only intake makes a phone line's pseudonym with it) and the link key
 * (the stage signs the borrower's page links, the borrower API checks them). With a data
 * directory they are files under `<data>/keys/`, made on first use, so a later `ladder audit verify
 * --data` can check the seals; without one they live in memory for the run. A local key file is a
 * demonstration of the mechanism, not a protection: whoever can read it can make seals. On AWS the
 * key material never leaves KMS and IAM decides who may use it.
 */
export const KEY_NAMES = { seal: 'ledger-seal.key', line: 'line.key', link: 'link.key' } as const;
export type LocalKeyName = keyof typeof KEY_NAMES;

export const keyFile = (dataDir: string, name: LocalKeyName): string =>
  join(dataDir, 'keys', KEY_NAMES[name]);

function readSecret(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    throw new ValidationError(`${file}: no key there`);
  }
  if (!/^[0-9a-f]{64}$/.test(text)) throw new ValidationError(`${file}: not a key (64 hex digits expected)`);
  return Buffer.from(text, 'hex');
}

/** Reads a key file (64 hex digits); ValidationError naming the file when it is missing or not a key. */
export const readKeyFile = (file: string): MacKey => hmacKey(readSecret(file), `local:${file}`);

/** The key in `<data>/keys/`, made on first use. */
function fileSecret(dataDir: string, name: LocalKeyName): Buffer {
  const file = keyFile(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(join(dataDir, 'keys'), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  }
  return readSecret(file);
}

export interface LocalKeys {
  seal: MacKey;
  line: MacKey;
  /** Signs the borrower's page links (functions/domain/links.ts): the stage makes, the borrower API checks. */
  link: MacKey;
  /** Writes the seal key to a file (for `ladder audit verify --ledger FILE --key KEYFILE`). */
  saveSealKey(file: string): void;
}

export function localKeys(dataDir?: string): LocalKeys {
  const secrets = dataDir
    ? {
        seal: fileSecret(dataDir, 'seal'),
        line: fileSecret(dataDir, 'line'),
        link: fileSecret(dataDir, 'link'),
      }
    : { seal: randomBytes(32), line: randomBytes(32), link: randomBytes(32) };
  const where = (name: LocalKeyName) => (dataDir ? `local:${keyFile(dataDir, name)}` : `memory:${name}`);
  return {
    seal: hmacKey(secrets.seal, where('seal')),
    line: hmacKey(secrets.line, where('line')),
    link: hmacKey(secrets.link, where('link')),
    saveSealKey: (file) => writeFileSync(file, `${secrets.seal.toString('hex')}\n`, { mode: 0o600 }),
  };
}

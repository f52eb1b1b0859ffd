import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EvidenceStore } from '../functions/adapters/evidence-store.js';
import type { EventPublisher } from '../functions/adapters/workflow.js';
import { outboundDetail } from '../functions/domain/outbound.js';
import type { VirtualClock } from './clock.js';

/** What the functions hand out of the stack, kept for the run to read: published events, evidence packs. */

/**
 * The event bus the functions publish to (placement, recall, credit report, legal, letters), recorded.
 * `consumer` sees each event as a consumer of the bus would (the simulated print vendor).
 */
export function recordingBus(
  clock: VirtualClock,
  consumer?: (detailType: string, detail: Record<string, unknown>) => void,
) {
  const published: Array<{ at: number; detailType: string; detail: Record<string, unknown> }> = [];
  const bus: EventPublisher = {
    async publish(detailType, detail) {
      // The same contract check as BusPublisher on AWS: what goes on the bus is the checked detail.
      const checked: Record<string, unknown> = outboundDetail(detailType, detail);
      published.push({ at: clock.now(), detailType, detail: checked });
      consumer?.(detailType, checked);
    },
  };
  return { bus, published };
}

/**
 * Evidence packs: kept in memory, and written to `evidenceDir` when one is given, as
 * `<evidenceDir>/<loanId>/<cycle>.json` and `.md` (the key's `evidence/` prefix names the bucket
 * folder on AWS; locally the directory is the folder).
 */
export function evidenceRecorder(evidenceDir: string | undefined) {
  const evidencePacks = new Map<string, { json: string; document: string }>();
  /** Binary objects (dispute documents), by key: `<evidenceDir>/<key>` on disk when there is one. */
  const objects = new Map<string, { body: Uint8Array; contentType: string; sha256: string }>();
  const evidence: EvidenceStore = {
    async put(key, json, document) {
      evidencePacks.set(key, { json, document });
      if (!evidenceDir) return { json: `memory:${key}.json`, document: `memory:${key}.md` };
      const base = join(evidenceDir, key.replace(/^evidence\//, ''));
      await mkdir(dirname(base), { recursive: true });
      await Promise.all([writeFile(`${base}.json`, json), writeFile(`${base}.md`, document)]);
      return { json: `${base}.json`, document: `${base}.md` };
    },
    async putObject({ key, body, contentType, sha256 }) {
      // As S3 with ChecksumSHA256: bytes that do not hash to the stated hash are refused.
      if (createHash('sha256').update(body).digest('hex') !== sha256)
        throw Object.assign(new Error(`${key}: the body does not match its SHA-256`), { name: 'BadDigest' });
      objects.set(key, { body: Uint8Array.from(body), contentType, sha256 });
      if (!evidenceDir) return `memory:${key}`;
      const file = join(evidenceDir, key);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, body);
      return file;
    },
  };
  return { evidence, evidencePacks, objects };
}

/**
 * Ingest of one canonical inventory: identity → diff → one transaction (rows, changes, receipt).
 * Parsing and validation happen before (formats/), so a rejected payload never touches the asset.
 * Ingests of the same device are serialised in-process; across processes a unique device id plus one retry
 * resolves two first inventories racing for the same new device.
 */
import type { Inventory } from '../../common/inventory/model.js';
import { VigieError } from '../../common/errors.js';
import type { VigieConfig } from '../config/schema.js';
import { BatchWriter, type BatchPart } from '../db/batch-writer.js';
import type { Db } from '../db/index.js';
import { applyIngest, findAssetByIdentity, insertReceipt, loadState, recordAnswered, type ReceiptDraft } from '../db/repositories/inventory.js';
import { HolderDeltas } from '../db/repositories/software-holders.js';
import { SoftwareStore } from '../db/repositories/software.js';
import { planIngest } from './diff.js';
import { isStub } from './handoff.js';
import { identityKeys, macsOf } from './identity.js';
import { prepareInventory, type PreparedInventory } from './prepare.js';

export interface IngestResult {
  assetId: number;
  receiptId: number;
  created: boolean;
  changes: number;
  /** What the server holds for the agent's ACCOUNTINFO when it differs (OCS ACCOUNT_UPDATE), else null. */
  accountUpdate: { key: string; value: string }[] | null;
}

class KeyedLock {
  private tails = new Map<string, Promise<void>>();
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err?.message ?? '');
}

export class Ingestor {
  private lock = new KeyedLock();
  /**
   * Group commits. SQLite has one writer. PostgreSQL runs `db.writers` transactions at once, each on its own
   * connection: one writer spent most of its time waiting for round trips while the cores had work to spare. A
   * device's jobs always go to the same writer (by its device id), so its PROLOG receipt still commits before its
   * inventory, and two writers never write the same asset row.
   */
  private readonly writers: BatchWriter<HolderDeltas>[];
  private readonly software: SoftwareStore;
  constructor(
    private readonly db: Db,
    private readonly config: Pick<VigieConfig, 'identity' | 'agents'> & { db?: Pick<VigieConfig['db'], 'writers'> },
  ) {
    const count = db.dialect === 'postgres' ? (config.db?.writers ?? 2) : 1;
    // Software holder bits of a whole group commit are written once (repositories/software-holders.ts).
    const holders: BatchPart<HolderDeltas> = {
      create: () => new HolderDeltas(),
      absorb: (batch, job) => batch.absorb(job),
      flush: (trx, batch) => batch.flush(db, trx),
    };
    this.writers = Array.from({ length: count }, () => new BatchWriter<HolderDeltas>(db, undefined, undefined, holders));
    this.software = new SoftwareStore(db);
  }

  /** The writer of a device (FNV-1a of its id); receipts without a device id go to the first. */
  private writerFor(deviceId: string | null): BatchWriter<HolderDeltas> {
    if (this.writers.length === 1 || !deviceId) return this.writers[0]!;
    let h = 0x811c9dc5;
    for (let i = 0; i < deviceId.length; i++) h = Math.imul(h ^ deviceId.charCodeAt(i), 0x01000193);
    return this.writers[(h >>> 0) % this.writers.length]!;
  }

  /**
   * `fn` receives catalogue key hash → id pairs once committed (or read from committed data): the parse workers'
   * cache (ParsePool.learn). Returns the unsubscribe function.
   */
  onCatalogued(fn: (pairs: [string, number][]) => void): () => void {
    return this.software.onRemember(fn);
  }

  /** @param prepared what the parse worker already computed for `inv` (prepare.ts); computed here otherwise. */
  async ingest(inv: Inventory, receipt: ReceiptDraft, prepared?: PreparedInventory): Promise<IngestResult> {
    const prep = prepared ?? prepareInventory(inv);
    return this.lock.run(inv.agent.deviceId, async () => {
      try {
        return await this.ingestOnce(inv, receipt, prep);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        return this.ingestOnce(inv, receipt, prep); // another node created the asset meanwhile: now identity finds it
      }
    });
  }

  private async ingestOnce(inv: Inventory, receipt: ReceiptDraft, prep: PreparedInventory): Promise<IngestResult> {
    const k = this.db.kysely;
    const identity = identityKeys(inv, this.config.identity);
    const found = await findAssetByIdentity(k, identity);
    const prev = found ? await loadState(k, found.id, this.software, prep.softwareHash) : null;
    // Catalogue ids are needed only when the software list is written (new asset, or its hash changed). PostgreSQL:
    // entries missing from memory are found or created by one statement (SoftwareStore.catalogue), no read before.
    const pg = this.db.dialect === 'postgres';
    const ids = inv.software.length && (!prev || prev.software) ? await this.software.lookup(prep.softwareKeys, prep.softwareIds, { read: !pg }) : [];
    if (pg) await this.software.catalogue(inv.software, prep.softwareKeys, ids);
    if (prev?.software) {
      // Handoff stubs that the diff will read (entries the asset did not have): their details from the catalogue,
      // read with the details of the rows the asset no longer has.
      const prevIds = new Set(prev.software.map((p) => p.softwareId));
      const seen = new Set<number>();
      const fill: number[] = [];
      inv.software.forEach((s, i) => {
        const id = ids[i];
        if (!isStub(s) || id == null) return;
        if (!prevIds.has(id) || seen.has(id)) fill.push(i);
        seen.add(id);
      });
      await this.software.loadDetails(k, prev.software, new Set(ids), { list: inv.software, indexes: fill, ids });
    }
    const plan = planIngest(prev, inv, prep, ids);
    const now = receipt.receivedAt;
    const macs = macsOf(inv);
    const res = await this.writerFor(receipt.deviceId ?? inv.agent.deviceId).submit((trx, holders) =>
      applyIngest(trx, {
        holders,
        assetId: found?.id ?? null, inventory: inv, softwareKeys: prep.softwareKeys, store: this.software, plan, identity, macs, receipt,
        keepPayloads: this.config.agents.keepPayloads, now,
      }),
    );
    this.software.remember(res.learned); // committed: the writer resolves only after the commit
    let accountUpdate: IngestResult['accountUpdate'] = null;
    if (prev && !res.created) {
      // Read with the state (before the commit): ingest writes account info only for a new asset.
      const held = prev.accountInfo;
      const sent = new Map(inv.accountInfo.map((a) => [a.key, a.value]));
      if (held.length && held.some((h) => sent.get(h.key) !== h.value)) accountUpdate = held;
    }
    return { assetId: res.assetId, receiptId: res.receiptId, created: res.created, changes: plan.changes.length, accountUpdate };
  }

  /** Records a payload that was refused, with its reason; the asset is untouched. */
  async reject(receipt: ReceiptDraft, error: VigieError | Error): Promise<number> {
    const code = error instanceof VigieError ? error.code : 'INTERNAL';
    return this.writerFor(receipt.deviceId).submit((trx) => insertReceipt(trx, receipt, 'rejected', { code, message: error.message.slice(0, 2000) }, null));
  }

  /** Records a non-inventory exchange (PROLOG, CONTACT, DOWNLOAD status…) without its payload; a known asset was seen. */
  async answered(receipt: ReceiptDraft, assetId: number | null): Promise<number> {
    return this.writerFor(receipt.deviceId).submit((trx) => recordAnswered(trx, receipt, assetId));
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store, createKeyFileSecretBox } from '../../electron/core/store/index.js';
import { PREFILL_PHONES_PER_TRANSACTION, prefillStore } from '../../bench/lib/prefill.js';
import { loadFixtureItems } from '../sim/items.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function openStore(): Store {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-bench-prefill-'));
  dirs.push(dir);
  return Store.open(path.join(dir, 'fieldstage.db'), { secrets: createKeyFileSecretBox(path.join(dir, 'secret.key')) });
}

describe('bench prefill', () => {
  it('stores provisioned phones on loopback addresses with their inventory, a done job and three exchanges', async () => {
    const store = openStore();
    const result = await prefillStore(store, { count: 3, firstMac: 0x700001, firstSubnet: 70 });
    const phones = store.phones.list();
    expect(phones.map((p) => p.mac)).toEqual(['00:1A:E8:70:00:01', '00:1A:E8:70:00:02', '00:1A:E8:70:00:03']);
    expect(phones.map((p) => p.ip)).toEqual(['127.0.70.1', '127.0.70.2', '127.0.70.3']);
    for (const phone of phones) {
      expect(phone.contactMeUri).toBe(`http://${phone.ip}:8085/contact_dls.html/ContactDLS`);
      expect(phone.inventoryComplete).toBe(true);
      expect(phone.adoption).toBe('adopted');
      expect(store.inventory.count(phone.mac)).toBe(loadFixtureItems().length);
      expect(store.inventory.get(phone.mac, 'mac-addr')?.value).toBe(phone.mac);
      expect(store.jobs.listForPhone(phone.mac).map((j) => j.state)).toEqual(['done']);
      expect(store.exchanges.list({ mac: phone.mac }).map((e) => e.action)).toEqual(['CleanUp', 'WriteItems', 'ReadAllItems']);
    }
    expect(result).toMatchObject({ phones: 3, jobs: 3, exchanges: 9, inventoryItems: 3 * loadFixtureItems().length, transactions: 1 });
    store.close();
  });

  it('splits a large fill into transactions of PREFILL_PHONES_PER_TRANSACTION phones', async () => {
    const store = openStore();
    const count = PREFILL_PHONES_PER_TRANSACTION + 1;
    const result = await prefillStore(store, { count, firstMac: 0x700001, firstSubnet: 70 });
    expect(result.transactions).toBe(2);
    const phones = store.phones.list();
    expect(phones).toHaveLength(count);
    // Past 254 phones the addresses go on in the next /24, still on the loopback.
    expect(phones.every((p) => p.ip?.startsWith('127.0.7'))).toBe(true);
    expect(new Set(phones.map((p) => p.ip)).size).toBe(count);
    store.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WpiItem } from '../../shared/protocol.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { workpoint, reason, itemList } from '../support/hostile-inputs.js';
import { dlsSummary, HostileSession } from '../support/raw-client.js';

/**
 * A first message split by the phone's maxItems whose `mac-addr` comes only in a later part
 * (wpi-protocol.md §11.5): assembled first, identified after. Subnet 127.0.88 belongs to this file.
 */

let core: TestCore;

beforeAll(async () => {
  core = await startTestCore({ httpPort: 0, adoption: { adoptAll: true, macs: [], prefixes: [] } });
});

afterAll(async () => {
  await core?.stop();
});

const part = (nonce: string, fragment: 'next' | 'final', reasonText: string, items: WpiItem[]): string =>
  workpoint(`nonce="${nonce}" maxItems="2" fragment="${fragment}"`, reason(reasonText) + itemList(items));

describe('a fragmented first message is assembled, then identified', () => {
  it.each([
    ['reply-to', 1],
    ['start-up', 3],
  ] as const)(
    'mac-addr only in the last part (later parts as %s): collected, then the phone is stored and read',
    async (continuation, n) => {
      const mac = `00:1A:E8:88:00:0${n}`;
      const items = [
        { name: 'device-type', value: 'OpenStage 60' },
        { name: 'software-version', value: 'V3 R3.10.0' },
        { name: 'e164', value: '4930880' },
        { name: 'contact-me-uri', value: `http://127.0.88.${n}:8085/contact_dls.html/ContactDLS` },
        { name: 'mac-addr', value: mac },
      ];
      const session = new HostileSession(core.port, `127.0.88.${n}`);
      try {
        const a = await session.post(part('FM0A', 'next', 'start-up', items.slice(0, 2)));
        expect(a.ok && dlsSummary(a.body.toString())).toEqual({ nonce: 'FM0A', action: 'GetNextFragment' });
        expect(core.core.store.phones.get(mac)).toBeUndefined();
        const b = await session.post(part('FM0B', 'next', continuation, items.slice(2, 4)));
        expect(b.ok && dlsSummary(b.body.toString())).toEqual({ nonce: 'FM0B', action: 'GetNextFragment' });
        const c = await session.post(part('FM0C', 'final', continuation, items.slice(4)));
        expect(c.ok && dlsSummary(c.body.toString())).toEqual({ nonce: 'FM0C', action: 'ReadAllItems' });
        const phone = core.core.store.phones.get(mac);
        expect(phone?.e164).toBe('4930880');
        expect(phone?.softwareVersion).toBe('V3 R3.10.0');
        expect(phone?.contactMeUri).toContain(`127.0.88.${n}`);
      } finally {
        session.close();
      }
    },
  );

  it('a fragmented first message that never names its mac-addr is refused at its end and stores nothing', async () => {
    const session = new HostileSession(core.port, '127.0.88.2');
    const before = core.core.store.phones.list().length;
    try {
      const a = await session.post(part('FM1A', 'next', 'start-up', [{ name: 'e164', value: '4930881' }]));
      expect(a.ok && dlsSummary(a.body.toString())).toEqual({ nonce: 'FM1A', action: 'GetNextFragment' });
      const b = await session.post(part('FM1B', 'final', 'reply-to', [{ name: 'device-type', value: 'OpenStage 60' }]));
      expect(b.ok && dlsSummary(b.body.toString())).toEqual({ nonce: 'FM1B', action: 'CleanUp' });
      expect(core.core.store.phones.list().length).toBe(before);
    } finally {
      session.close();
    }
  });
});

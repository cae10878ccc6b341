/**
 * The 40-item profile every benchmark phone is written: the programmable keys of an OpenStage 60
 * (8 keys and their shifted level, function and label each), the SIP registration including a
 * secret password, time and display settings. Realistic in size and shape (grouped indexed items,
 * one sealed secret, non-ASCII labels), and every item is one the simulated phone accepts.
 */
import type { WpiItem } from '../../shared/protocol.js';

const LABELS = ['Empfang', 'Büro Süd', 'Lager', 'Werkstatt', 'Chef', 'Zentrale', 'Notruf', 'Konferenz'];

export function benchProfile(): WpiItem[] {
  const items: WpiItem[] = [];
  for (const base of [0, 1000]) {
    for (let key = 1; key <= 8; key++) {
      const index = base + key;
      items.push({ name: 'function-key-def', index, value: base === 0 ? '1' : '59' });
      items.push({ name: 'key-label-unicode', index, value: `${LABELS[key - 1] ?? 'Taste'}${base ? ' 2' : ''}` });
    }
  }
  items.push(
    { name: 'reg-addr', value: 'sbc.example.net' },
    { name: 'reg-port', value: '5060' },
    { name: 'sip-user-id', value: '4930123456' },
    { name: 'sip-pwd', value: 'S3cret-Passw0rd' },
    { name: 'sntp-addr', value: 'pool.ntp.org' },
    { name: 'sntp-tz-offset', value: '60' },
    { name: 'language-iso', value: 'de' },
    { name: 'display-id-unicode', value: 'Fieldstage Bench' },
  );
  return items;
}

export const PROFILE_SIZE = 40;

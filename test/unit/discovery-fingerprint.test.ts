import { describe, expect, it } from 'vitest';
import { isUnifyMac, normalizeMac } from '../../electron/core/discovery/fingerprint.js';

describe('normalizeMac', () => {
  it.each(['001ae8123456', '00-1a-e8-12-34-56', '00:1a:e8:12:34:56', '00:1A:E8:12:34:56', '001a.e812.3456', ' 001AE8123456 '])(
    'reads %s',
    (text) => {
      expect(normalizeMac(text)).toBe('00:1A:E8:12:34:56');
    },
  );

  it.each(['', '001ae812345', '001ae81234567', '00:1a:e8-12:34:56', '00:1a:e8:12:34:5g', '0:1a:e8:12:34:56', 'hello'])(
    'throws on "%s"',
    (text) => {
      expect(() => normalizeMac(text)).toThrow(/invalid MAC address/);
    },
  );
});

describe('isUnifyMac', () => {
  it('knows the Siemens and Unify OUIs from the spec', () => {
    expect(isUnifyMac('00:01:E3:25:EA:13')).toBe(true);
    expect(isUnifyMac('001ae8123456')).toBe(true);
    expect(isUnifyMac('60-db-ef-00-00-01')).toBe(true);
  });

  it('is false for other vendors and for unreadable input', () => {
    expect(isUnifyMac('00:1B:E8:12:34:56')).toBe(false);
    expect(isUnifyMac('not a mac')).toBe(false);
  });
});

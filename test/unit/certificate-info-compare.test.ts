import { describe, expect, it } from 'vitest';
import type { CertificateDeployment } from '../../shared/certificates.js';
import { compareInfo } from '../../electron/core/certificates/info-compare.js';

const sent: CertificateDeployment = {
  certificateId: 'id',
  certificateName: 'wbm.p12',
  item: 'wbm-server-certificate',
  infoItem: 'wbm-server-certificate-info',
  subject: 'CN=phone.example',
  serial: '00A1B2C3D4E5F60718',
  sha256: 'AB:'.repeat(31) + 'CD',
  sha1: '12:'.repeat(19) + '34',
};

describe('the …-info read-back compared with what was sent', () => {
  it('matches on the serial or a fingerprint, whatever the separators and case', () => {
    expect(compareInfo('Serial: a1:b2:c3:d4:e5:f6:07:18', sent)).toBe('matches');
    expect(compareInfo(`fingerprint=${'ab'.repeat(31)}cd`, sent)).toBe('matches');
    expect(compareInfo(`SHA1 ${'12 '.repeat(19)}34`, sent)).toBe('matches');
  });

  it('never calls an unknown layout different, and tells nothing from not read', () => {
    expect(compareInfo('CN=phone.example valid', sent)).toBe('not-comparable');
    expect(compareInfo('Serial: A1B2C3D4E5F60719', sent)).toBe('not-comparable');
    expect(compareInfo('  ', sent)).toBe('nothing-reported');
    expect(compareInfo(null, sent)).toBe('not-read');
  });

  it('does not match a short serial by chance', () => {
    expect(compareInfo('Valid to 2030-01-02, serial 01', { ...sent, serial: '01' })).toBe('not-comparable');
  });
});

import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CertificateDetails, CertificateView } from '../../shared/certificates.js';
import { CertificatesScreen } from '../../renderer/src/features/certificates/CertificatesScreen.js';
import { ApiError } from '../../renderer/src/api/errors.js';
import { createFakeApi, renderWithStore } from './support.js';

const DAY = 86_400_000;

function details(overrides: Partial<CertificateDetails> = {}): CertificateDetails {
  return {
    subject: 'CN=phone-wbm.test, O=Customer',
    issuer: 'CN=Customer Root CA',
    notBefore: Date.now() - DAY,
    notAfter: Date.now() + 10.5 * DAY,
    serial: '0A1B2C',
    sha256: 'AA:BB:CC',
    keyType: 'rsa',
    keyBits: 1024,
    keyUsage: ['digitalSignature'],
    extKeyUsage: ['serverAuth'],
    isCa: false,
    selfSigned: false,
    derBytes: 900,
    ...overrides,
  };
}

const imported: CertificateView = {
  id: 'c1',
  name: 'customer.p12',
  origin: 'imported',
  format: 'pkcs12',
  createdAt: Date.now(),
  hasKey: true,
  mac: null,
  revokedAt: null,
  certificates: [details()],
  chainComplete: false,
  warnings: [
    { code: 'weak-key', position: 0, value: '1024' },
    { code: 'chain-incomplete', position: 0 },
  ],
};

describe('Certificates screen', () => {
  it('imports a file with its password, then shows details and warnings', async () => {
    let stored: CertificateView[] = [];
    const api = createFakeApi({
      'certificates.list': () => stored,
      'certificates.upload': (req) => {
        if (req.password !== 'secret') throw new ApiError(400, { error: 'the password does not open this PKCS#12 file' });
        stored = [imported];
        return { certificates: stored };
      },
    });
    const { store } = renderWithStore(<CertificatesScreen />, api);
    await screen.findByTestId('certificates-empty');
    const input = document.querySelector('input[type="file"]') as HTMLInputElement;
    const file = new File([new Uint8Array([0x30, 0x82, 0x01])], 'customer.p12');
    fireEvent.change(input, { target: { files: [file] } });
    fireEvent.change(screen.getByTestId('certificate-password'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByTestId('certificate-import'));
    await waitFor(() => expect(store.getState().notices.at(-1)?.detail).toMatch(/password does not open/));
    expect(screen.getByTestId('certificates-empty')).toBeTruthy();

    fireEvent.change(screen.getByTestId('certificate-password'), { target: { value: 'secret' } });
    fireEvent.click(screen.getByTestId('certificate-import'));
    const item = await screen.findByTestId('certificate-c1');
    expect(api.callsOf('certificates.upload').at(-1)).toEqual({ name: 'customer.p12', password: 'secret', contentBase64: 'MIIB' });
    fireEvent.click(within(item).getByText('customer.p12'));
    expect(within(item).getByTestId('certificate-warning-count').textContent).toBe('2 warning(s)');
    expect(within(item).getByTestId('certificate-warning-weak-key').textContent).toMatch(/1024 bits/);
    expect(within(item).getByTestId('certificate-details-0-subject').textContent).toBe('CN=phone-wbm.test, O=Customer');
    expect(within(item).getAllByText('10 days left', { exact: false }).length).toBeGreaterThan(0);
  });

  it('creates the local CA on request and shows its fingerprint', async () => {
    let created = false;
    const ca: CertificateView = {
      ...imported,
      id: 'ca',
      name: 'Fieldstage local CA',
      origin: 'local-ca',
      warnings: [],
      certificates: [details({ sha256: '12:34', isCa: true, selfSigned: true })],
    };
    const api = createFakeApi({
      'certificates.list': () => (created ? [ca] : []),
      'certificates.localCa': () => {
        created = true;
        return ca;
      },
    });
    renderWithStore(<CertificatesScreen />, api);
    fireEvent.click(await screen.findByTestId('local-ca-create'));
    expect((await screen.findByTestId('local-ca-fingerprint')).textContent).toBe('12:34');
  });
});

import { describe, expect, it } from 'vitest';
import {
  fileDeploymentItems,
  firmwareItems,
  firmwareRefusal,
  withFileUrls,
  type PhoneFirmwareFacts,
} from '../../electron/core/files/deployment.js';
import { softwareDeployment } from '../../electron/core/jobs/kinds/software-deployment.js';
import type { FileRecord } from '../../electron/core/store/index.js';
import type { AwaitedJob } from '../../electron/core/wpi/effects.js';
import type { PhoneMessage } from '../../shared/protocol.js';
import { fileDeletionItems, storedPhoneFiles } from '../../shared/phone-files.js';

const image: FileRecord = {
  id: 'f1',
  sha256: 'a'.repeat(64),
  name: 'opera_bind.img',
  kind: 'FIRMWARE',
  format: 'firmware',
  size: 1000,
  serveToken: 't'.repeat(22),
  details: {
    firmware: { model: 'OpenStage 60', version: 'V3 R5.12.0', swVersion: '3.5.12.0', deviceType: 'OpenStage 60', swType: 'Siemens SIP' },
    checks: [],
  },
  addedAt: 0,
};
const logo: FileRecord = { ...image, id: 'f2', name: 'logo.png', kind: 'LOGO', format: 'png', details: { checks: [] } };
const os60: PhoneFirmwareFacts = {
  model: 'OpenStage 60',
  softwareVersion: 'V3 R1.41.1',
  deviceType: 'OpenStage 60',
  softwareType: 'Siemens SIP',
  firmwareJobOpen: false,
};

describe('deployment items for library files', () => {
  it('one file has no indexes, several have one each; the URL is a marker until the phone is known', () => {
    expect(fileDeploymentItems([logo])).toEqual([
      { name: 'file-name', value: 'logo.png' },
      { name: 'file-type', value: 'LOGO' },
      { name: 'file-https-base-url', value: 'fieldstage-file:f2' },
    ]);
    const two = fileDeploymentItems([logo, { ...logo, id: 'f3', name: 'ring.wav', kind: 'RINGTONE' }]);
    expect(two.filter((i) => i.index === 2).map((i) => i.value)).toEqual(['deploy', 'ring.wav', 'RINGTONE', 'fieldstage-file:f3']);
    const rendered = withFileUrls(two, (id) => (id === 'f3' ? 'https://127.0.0.1:18446/files/x/ring.wav' : undefined));
    expect(rendered.find((i) => i.index === 2 && i.name === 'file-https-base-url')?.value).toBe('https://127.0.0.1:18446/files/x/ring.wav');
    expect(rendered.find((i) => i.index === 1 && i.name === 'file-https-base-url')?.value).toBe('fieldstage-file:f2');
    expect(() => fileDeploymentItems([image])).toThrow(/firmware image/);
  });

  it('firmware type and version come from the header; the technician fills only what it lacks', () => {
    const items = firmwareItems(image, [{ name: 'file-priority', value: 'immediate' }]);
    expect(items).toContainEqual({ name: 'file-sw-version', value: '3.5.12.0' });
    expect(items).toContainEqual({ name: 'file-sw-type', value: 'Siemens SIP' });
    expect(items).toContainEqual({ name: 'file-priority', value: 'immediate' });
    expect(firmwareItems(image, [])).toContainEqual({ name: 'file-priority', value: 'normal' });
    expect(() => firmwareItems(image, [{ name: 'file-sw-version', value: '3.5.13.0' }])).toThrow(/contradicts the image header/);
    const unparsed = { ...image, details: { checks: [], firmware: { ...image.details.firmware!, swVersion: null, version: null } } };
    expect(() => firmwareItems(unparsed, [])).toThrow(/gives no version: name file-sw-version/);
    expect(firmwareItems(unparsed, [{ name: 'file-sw-version', value: '3.5.12.0' }])).toContainEqual({
      name: 'file-sw-version',
      value: '3.5.12.0',
    });
    expect(() => firmwareItems(image, [{ name: 'file-priority', value: 'now' }])).toThrow(/normal or immediate/);
  });

  it('refuses an image for another model, type or the running version, and a second open firmware job', () => {
    expect(firmwareRefusal(image, os60)).toEqual({ refusal: null, unchecked: [] });
    expect(firmwareRefusal(image, { ...os60, deviceType: 'OpenStage 40', model: 'OpenStage 40' }).refusal).toBe(
      'the image is for OpenStage 60, the phone is OpenStage 40',
    );
    expect(firmwareRefusal(image, { ...os60, softwareType: 'Siemens HFA' }).refusal).toMatch(
      /Siemens SIP firmware, the phone runs Siemens HFA/,
    );
    expect(firmwareRefusal(image, { ...os60, softwareVersion: 'V3 R5.12.0' }).refusal).toBe('the phone already runs V3 R5.12.0');
    expect(firmwareRefusal(image, { ...os60, firmwareJobOpen: true }).refusal).toMatch(/has not finished/);
    expect(firmwareRefusal(image, { ...os60, model: null, deviceType: null, softwareVersion: null })).toEqual({
      refusal: null,
      unchecked: ['model', 'software version'],
    });
  });

  it('reads the phone’s stored files and builds their deletion', () => {
    const items = [
      { name: 'file-deployment-name', index: 2, value: 'ring.wav' },
      { name: 'file-deployment-type', index: 2, value: 'RINGTONE' },
      { name: 'file-deployment-status', index: 2, value: 'ok' },
      { name: 'file-deployment-name', index: 1, value: 'logo.png' },
      { name: 'file-deployment-type', index: 1, value: 'LOGO' },
      { name: 'file-deployment-date', index: 1, value: '10:06:2008' },
      { name: 'file-deployment-time', index: 1, value: '12:00:00' },
      { name: 'e164', value: '100' },
    ];
    expect(storedPhoneFiles(items)).toEqual([
      { index: 1, name: 'logo.png', type: 'LOGO', status: '', when: '10:06:2008 12:00:00' },
      { index: 2, name: 'ring.wav', type: 'RINGTONE', status: 'ok', when: '' },
    ]);
    expect(fileDeletionItems([{ name: 'ring.wav', type: 'RINGTONE' }])).toEqual([
      { name: 'file-action', index: 1, value: 'delete' },
      { name: 'file-name', index: 1, value: 'ring.wav' },
      { name: 'file-type', index: 1, value: 'RINGTONE' },
    ]);
  });
});

describe('firmware outcomes from what the file server saw', () => {
  const awaits = softwareDeployment.wpi!.awaits!;
  const ctx = { mac: '001AE8000001', maxItems: -1 };
  const job = (download?: AwaitedJob['download']): AwaitedJob => ({
    id: 'j1',
    kind: 'software-deployment',
    items: [],
    expectVersion: '3.5.12.0',
    ...(download ? { download } : {}),
  });
  const message = (reason: PhoneMessage['reason'], version: string): PhoneMessage =>
    ({ reason, nonce: 'n', maxItems: -1, items: [{ name: 'software-version', value: version }] }) as PhoneMessage;
  const reasonOf = (outcome: ReturnType<typeof awaits.settle>): string | undefined => {
    const effect = outcome.effects[0];
    return effect?.type === 'job-failed' ? effect.reason : undefined;
  };

  it('done when the phone comes back with the new version', () => {
    expect(awaits.settle(message('start-up', 'V3 R5.12.0'), [job()], ctx).effects[0]?.type).toBe('job-done');
  });

  it('names the cause when the phone comes back with the old one', () => {
    const whole = { attempts: 1, complete: true, bytes: 1000, expected: 1000 };
    expect(reasonOf(awaits.settle(message('start-up', 'V3 R1.41.1'), [job(whole)], ctx))).toMatch(
      /^the phone rejected the image: it fetched all 1000 bytes/,
    );
    const broken = { attempts: 2, complete: false, bytes: 300, expected: 1000 };
    expect(reasonOf(awaits.settle(message('start-up', 'V3 R1.41.1'), [job(broken)], ctx))).toMatch(/broke off at 300 of 1000 bytes/);
    const none = { attempts: 0, complete: false, bytes: 0, expected: 0 };
    expect(reasonOf(awaits.settle(message('start-up', 'V3 R1.41.1'), [job(none)], ctx))).toMatch(
      /never fetched the image.*secure file transfer/,
    );
    expect(awaits.overdueReason?.(job(none))).toMatch(/never fetched the image.*did not come back within 30 minutes/);
  });

  it('a contact without reboot settles only once the image was fetched whole', () => {
    const whole = { attempts: 1, complete: true, bytes: 1000, expected: 1000 };
    expect(reasonOf(awaits.settle(message('solicited', 'V3 R1.41.1'), [job(whole)], ctx))).toMatch(/rejected the image/);
    expect(
      awaits.settle(message('solicited', 'V3 R1.41.1'), [job({ attempts: 1, complete: false, bytes: 1, expected: 1000 })], ctx).effects,
    ).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { handleMessage, type PhoneContext } from '../../electron/core/wpi/engine.js';
import type { PhoneMessage } from '../../shared/protocol.js';

const MAC = '00:1A:E8:00:00:77';

function status(fileName: string, outcome: 'ok' | 'failed'): PhoneMessage {
  return {
    nonce: 'N1',
    maxItems: -1,
    fragment: 'final',
    reason: 'status',
    items: [
      { name: 'mac-addr', value: MAC },
      { name: 'file-deployment-name', value: fileName },
      { name: 'file-deployment-type', value: 'RINGTONE' },
      { name: 'file-deployment-status', value: outcome },
    ],
  };
}

/** A single-file deployment as stored: the file named by the last segment of its URL (p. 53). */
const fileItems = (name: string) => [
  { name: 'file-type', value: 'RINGTONE' },
  { name: 'file-https-base-url', value: `https://127.0.0.1:18443/files/${encodeURIComponent(name)}` },
];

const phone = (awaited: PhoneContext['awaited']): PhoneContext => ({ inventoryComplete: true, mayWrite: true, jobs: [], awaited });

describe('file deployment status reports', () => {
  it('settles the job whose file the phone names, not just the oldest', () => {
    const decision = handleMessage({
      message: status('ring2.wav', 'ok'),
      flow: null,
      mac: MAC,
      phone: phone([
        { id: 'j1', kind: 'file-deployment', items: fileItems('ring1.wav') },
        { id: 'j2', kind: 'file-deployment', items: fileItems('ring2.wav') },
      ]),
    });
    const settled = decision.effects.filter((e) => e.type === 'job-done' || e.type === 'job-failed');
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ type: 'job-done', jobId: 'j2' });
    expect(decision.reply.action).toBe('CleanUp');
  });

  it('a failed download fails the job and marks the reported items failed', () => {
    const decision = handleMessage({
      message: status('ring1.wav', 'failed'),
      flow: null,
      mac: MAC,
      phone: phone([{ id: 'j1', kind: 'file-deployment', items: fileItems('ring1.wav') }]),
    });
    const failed = decision.effects.find((e) => e.type === 'job-failed');
    expect(failed).toMatchObject({ jobId: 'j1', reason: 'phone reports file deployment failed' });
    expect(failed && failed.type === 'job-failed' && failed.results.every((r) => r.status === 'failed')).toBe(true);
  });

  it('a status without any file job in progress is only a warning', () => {
    const decision = handleMessage({ message: status('x.wav', 'ok'), flow: null, mac: MAC, phone: phone([]) });
    expect(decision.effects.some((e) => e.type === 'warning' && e.message.includes('without a file deployment'))).toBe(true);
  });
});

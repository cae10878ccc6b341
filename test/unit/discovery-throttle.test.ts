import { describe, expect, it } from 'vitest';
import { ContactMeThrottle } from '../../electron/core/discovery/contact-me-throttle.js';

const MAC = '00:1A:E8:12:34:56';

function setup(options: Partial<ConstructorParameters<typeof ContactMeThrottle>[0]> = {}) {
  const clock = { t: 1_000_000 };
  const throttle = new ContactMeThrottle({ now: () => clock.t, ...options });
  return { clock, throttle };
}

describe('ContactMeThrottle', () => {
  it('allows a phone never contacted', () => {
    const { throttle, clock } = setup();
    expect(throttle.mayContact(MAC)).toEqual({ allowed: true });
    expect(throttle.nextAllowedAt(MAC)).toBe(clock.t);
  });

  it('allows at most one contact-me per interval, per phone', () => {
    const { throttle, clock } = setup();
    throttle.noteSent(MAC);
    expect(throttle.mayContact(MAC)).toMatchObject({ allowed: false, reason: 'too-soon', retryAt: clock.t + 60_000 });
    expect(throttle.mayContact('00:1A:E8:00:00:01')).toEqual({ allowed: true });
    clock.t += 59_999;
    expect(throttle.mayContact(MAC).allowed).toBe(false);
    clock.t += 1;
    expect(throttle.mayContact(MAC)).toEqual({ allowed: true });
  });

  it('doubles the pause while the phone stays silent, then gives up with a reason', () => {
    const { throttle, clock } = setup();
    const pauses: number[] = [];
    for (let i = 0; i < 4; i++) {
      throttle.noteSent(MAC);
      const at = throttle.nextAllowedAt(MAC);
      expect(at).not.toBeNull();
      pauses.push((at ?? 0) - clock.t);
      clock.t = at ?? 0;
    }
    expect(pauses).toEqual([60_000, 120_000, 240_000, 480_000]);
    throttle.noteSent(MAC);
    expect(throttle.nextAllowedAt(MAC)).toBeNull();
    clock.t += 24 * 3600_000;
    const decision = throttle.mayContact(MAC);
    expect(decision).toMatchObject({ allowed: false, reason: 'gave-up' });
    expect(decision.allowed === false && decision.detail).toMatch(/no callback after 5 contact-me requests/);
  });

  it('a callback clears the back-off and the give-up; the plain interval still applies', () => {
    const { throttle, clock } = setup({ maxAttempts: 2 });
    throttle.noteSent(MAC);
    clock.t += 60_000;
    throttle.noteSent(MAC);
    expect(throttle.mayContact(MAC)).toMatchObject({ reason: 'gave-up' });
    throttle.noteCallback(MAC);
    expect(throttle.nextAllowedAt(MAC)).toBe(clock.t + 60_000);
    clock.t += 60_000;
    expect(throttle.mayContact(MAC)).toEqual({ allowed: true });
  });

  it('caps the pause and forgets a phone on reset', () => {
    const { throttle, clock } = setup({ minIntervalMs: 1000, backoffFactor: 10, maxIntervalMs: 5000, maxAttempts: 10 });
    throttle.noteSent(MAC);
    throttle.noteSent(MAC);
    throttle.noteSent(MAC);
    expect(throttle.nextAllowedAt(MAC)).toBe(clock.t + 5000);
    throttle.reset(MAC);
    expect(throttle.mayContact(MAC)).toEqual({ allowed: true });
  });

  it('rejects nonsensical settings', () => {
    expect(() => setup({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => setup({ backoffFactor: 0.5 })).toThrow(RangeError);
    expect(() => setup({ minIntervalMs: 10, maxIntervalMs: 5 })).toThrow(RangeError);
  });
});

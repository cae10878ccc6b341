import { acceptedContactMeUri } from '../identity/contact-me-uri.js';
import type { JobState } from '../../../shared/jobs.js';
import type { WpiItem } from '../../../shared/protocol.js';
import { boundItems, describeRefused, identityValue, MAX_ITEMS_PER_PHONE, withinItemBudget } from '../limits/phone-input.js';
import type { Store } from '../store/index.js';
import type { PhoneAdoption } from '../store/types.js';
import type { Effect } from '../wpi/effects.js';

/** What the effects of one decision need besides the store. */
export interface EffectsContext {
  store: Store;
  /** When the phone's request arrived: the time of every change it causes. */
  at: number;
  /** The phone's address (plain, without port) and ours as it reached us. */
  peer: string;
  serverAddress: string;
  /** The phone the request is from, once identified (for log lines). */
  phone: string | null;
  /** Adoption for a phone seen for the first time (rules: adopt all, MAC list, prefixes). */
  adoptionFor: (mac: string) => PhoneAdoption;
  /** Back-off before a busy-refused job is tried again. */
  busyRetryMs: number;
}

/** What the service reports after the commit (the store itself announces the changed rows). */
export interface AppliedEffects {
  /** Log lines, each prefixed with the phone (or the peer address when unidentified). */
  warnings: string[];
  /** The phone's ReasonForContact when this decision opened an interaction. */
  contactReason: string | null;
}

/**
 * Writes a decision's effects (wpi/engine.ts) to the store. The caller runs it inside the unit
 * (savepoint) that also logs the exchange: a throw here undoes every write of the decision.
 */
export function applyEffects(effects: readonly Effect[], ctx: EffectsContext): AppliedEffects {
  const { store, at } = ctx;
  const applied: AppliedEffects = { warnings: [], contactReason: null };
  const move = (id: string, state: JobState, patch: Parameters<Store['jobs']['transition']>[2]): void => {
    store.jobs.transition(id, state, { ...patch, updatedAt: at });
  };
  for (const effect of effects) {
    switch (effect.type) {
      case 'contact':
        {
          const refused = recordContact(
            ctx,
            effect.mac,
            effect.reason,
            bounded(ctx.phone, effect.items, applied.warnings),
            effect.maxItems ?? -1,
          );
          if (refused) applied.warnings.push(`${effect.mac} (${ctx.peer}): ${refused}`);
        }
        applied.contactReason = effect.reason;
        break;
      case 'inventory':
        if (effect.mode === 'replace') {
          store.inventory.replace(effect.mac, inventoryBudget(store, effect.mac, effect.items, true, applied.warnings), at);
          store.phones.markInventoryComplete(effect.mac, true);
        } else {
          store.inventory.merge(effect.mac, inventoryBudget(store, effect.mac, effect.items, false, applied.warnings), at);
        }
        break;
      case 'job-running':
        move(effect.jobId, 'running', { startedAt: at, incrementAttempts: true });
        break;
      case 'job-awaiting':
        store.jobs.update(effect.jobId, { awaiting: effect.expect, expectVersion: effect.expectVersion ?? null, updatedAt: at });
        break;
      case 'job-busy':
        move(effect.jobId, 'waiting-busy', { reason: 'waiting: phone in a call', notBefore: at + ctx.busyRetryMs });
        break;
      case 'job-done':
        move(effect.jobId, 'done', { results: bounded(ctx.phone, effect.results, applied.warnings), reason: null, finishedAt: at });
        break;
      case 'job-failed':
        move(effect.jobId, 'failed', {
          results: bounded(ctx.phone, effect.results, applied.warnings),
          reason: effect.reason,
          finishedAt: at,
        });
        break;
      case 'job-warning':
        store.jobs.warn(effect.jobId, effect.message, at);
        break;
      case 'trace-originals':
        store.traces.keepOriginals(effect.mac, effect.jobId, effect.items);
        break;
      case 'warning':
        applied.warnings.push(`${effect.mac ?? ctx.peer}: ${effect.message}`);
        break;
    }
  }
  return applied;
}

/** Returns why a reported contact-me-uri was refused, if it was. */
function recordContact(ctx: EffectsContext, mac: string, reason: string, items: WpiItem[], maxItems: number): string | undefined {
  const value = (name: string): string | null => identityValue(items.find((i) => i.name === name && !i.status)?.value ?? null);
  const contactMe = acceptedContactMeUri(value('contact-me-uri'), ctx.peer);
  // While a changed identity is held, the trusted identity stays as it was (null keeps a stored value).
  const held = ctx.store.phones.get(mac)?.identityHold != null;
  const identity = (fact: string | null): string | null => (held ? null : fact);
  ctx.store.phones.upsertContact(
    {
      mac,
      model: identity(value('device-type')),
      softwareVersion: value('software-version'),
      partNumber: identity(value('part-number')),
      e164: identity(value('e164')),
      ip: identity(ctx.peer),
      contactMeUri: identity(contactMe.uri),
      serverAddress: ctx.serverAddress,
      maxItems,
      lastReason: reason,
      at: ctx.at,
    },
    ctx.adoptionFor(mac),
  );
  return contactMe.refused;
}

/** What a phone reported, without the values too long to store (refusals go to the warnings). */
function bounded<T extends { name: string; index?: number; value?: string }>(
  mac: string | null,
  items: readonly T[],
  warnings: string[],
): T[] {
  const { kept, refused } = boundItems(items);
  if (refused.length) warnings.push(`${mac ?? 'unknown phone'}: ${describeRefused(refused)}`);
  return kept;
}

/** The bounded items of an inventory report that fit the phone's item budget (MAX_ITEMS_PER_PHONE). */
function inventoryBudget(store: Store, mac: string, items: readonly WpiItem[], replace: boolean, warnings: string[]): WpiItem[] {
  const { inventory } = store;
  const { kept, dropped } = withinItemBudget(
    bounded(mac, items, warnings),
    replace ? 0 : inventory.count(mac),
    (item) => !replace && inventory.get(mac, item.name, item.index) !== undefined,
  );
  if (dropped) warnings.push(`${mac}: ${dropped} item(s) not stored: a phone keeps at most ${MAX_ITEMS_PER_PHONE} items`);
  return kept;
}

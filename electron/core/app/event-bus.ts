import type { AppEvent } from '../../../shared/events.js';

export type EventListener = (event: AppEvent) => void;

/** Typed fan-out of core events to the UI transports. A failing listener never stops others. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  /** `onListenerError` hears of every listener that threw; the other listeners still get the event. */
  constructor(private readonly onListenerError: (error: unknown, event: AppEvent) => void) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  publish(event: AppEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken subscriber (closed window, dropped stream) must not affect phones or the others.
        this.onListenerError(error, event);
      }
    }
  }
}

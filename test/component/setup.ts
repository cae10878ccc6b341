import { beforeEach } from 'vitest';

/**
 * happy-dom does no layout, so every element measures 0×0 and TanStack Virtual would render no
 * rows. Give elements a window-sized box; nothing else in the component tests depends on size.
 */
Object.defineProperties(HTMLElement.prototype, {
  clientHeight: { configurable: true, get: () => 800 },
  clientWidth: { configurable: true, get: () => 1200 },
});

/** Mantine's autosize Textarea re-measures when web fonts load; happy-dom has no FontFaceSet. */
if (!('fonts' in document)) {
  Object.defineProperty(document, 'fonts', {
    configurable: true,
    value: Object.assign(new EventTarget(), { ready: Promise.resolve() }),
  });
}

/** The renderer remembers its last screen in localStorage; every test starts without it. */
beforeEach(() => globalThis.localStorage?.clear());

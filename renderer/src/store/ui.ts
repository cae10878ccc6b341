import type { SettingsView } from '../../../shared/model.js';
import type { Language, MessageKey, MessageParams } from '../i18n/index.js';
import type { SliceCreator } from './types.js';

export type Screen = 'phones' | 'phone' | 'discovery' | 'rollout' | 'jobs' | 'files' | 'settings' | 'certificates';
export type Theme = SettingsView['theme'];

export interface Notice {
  id: number;
  tone: 'error' | 'success' | 'info';
  message: MessageKey;
  params?: MessageParams;
  /** Untranslated detail from the main process (an error text, a phone's status). */
  detail?: string;
}

export interface UiSlice {
  screen: Screen;
  /** The phone shown on the Phone screen. */
  selectedMac: string | null;
  language: Language;
  theme: Theme;
  notices: Notice[];
  navigate(screen: Exclude<Screen, 'phone'>): void;
  openPhone(mac: string): void;
  notify(notice: Omit<Notice, 'id'>): void;
  dismissNotice(id: number): void;
  /** Switches at once and stores the choice in the settings. */
  setLanguage(language: Language): Promise<void>;
  setTheme(theme: Theme): Promise<void>;
}

/** Until settings arrive, follow the system language so the first paint is already right. */
function systemLanguage(): Language {
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('de') ? 'de' : 'en';
}

/** Where the last screen is kept, so the next start (or a site switch's reload) opens it again. */
export const LAST_SCREEN_KEY = 'fieldstage.lastScreen';
const NAV_SCREENS: readonly Screen[] = ['phones', 'discovery', 'rollout', 'jobs', 'files', 'settings', 'certificates'];

function lastScreen(): Exclude<Screen, 'phone'> {
  try {
    const saved = globalThis.localStorage?.getItem(LAST_SCREEN_KEY) as Exclude<Screen, 'phone'> | null;
    return saved && NAV_SCREENS.includes(saved) ? saved : 'phones';
  } catch {
    return 'phones'; // Storage refused (private mode): start on the phones.
  }
}

function rememberScreen(screen: Exclude<Screen, 'phone'>): void {
  try {
    globalThis.localStorage?.setItem(LAST_SCREEN_KEY, screen);
  } catch {
    // Not remembered; nothing else depends on it.
  }
}

export const createUiSlice: SliceCreator<UiSlice> = () => (set, get) => {
  let nextNoticeId = 1;
  return {
    screen: lastScreen(),
    selectedMac: null,
    language: systemLanguage(),
    theme: 'auto',
    notices: [],

    navigate(screen) {
      rememberScreen(screen);
      set({ screen });
    },

    openPhone(mac) {
      set({ screen: 'phone', selectedMac: mac });
    },

    notify(notice) {
      const id = nextNoticeId++;
      set((state) => ({ notices: [...state.notices, { ...notice, id }] }));
    },

    dismissNotice(id) {
      set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) }));
    },

    async setLanguage(language) {
      set({ language });
      await get().updateSettings({ language });
    },

    async setTheme(theme) {
      set({ theme });
      await get().updateSettings({ theme });
    },
  };
};

import { useCallback } from 'react';
import { useAppStore } from '../store/context.js';
import { de } from './de.js';
import { en, type MessageKey } from './en.js';

export type { MessageKey } from './en.js';
export type Language = 'en' | 'de';
export type MessageParams = Record<string, string | number>;

const dictionaries = { en, de } as const;

/** Looks a message up and fills `{name}` placeholders; unknown placeholders stay visible on purpose. */
function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  const template: string = dictionaries[language][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type Translate = (key: MessageKey, params?: MessageParams) => string;

export function useT(): Translate {
  const language = useAppStore((state) => state.language);
  return useCallback((key, params) => translate(language, key, params), [language]);
}

export function useLanguage(): Language {
  return useAppStore((state) => state.language);
}

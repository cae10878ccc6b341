import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../../../shared/api.js';
import type { AppState, AppStore } from './index.js';

interface AppContextValue {
  store: AppStore;
  api: ApiClient;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppStoreProvider({ store, api, children }: AppContextValue & { children: ReactNode }) {
  return <AppContext.Provider value={{ store, api }}>{children}</AppContext.Provider>;
}

function useAppContext(): AppContextValue {
  const context = useContext(AppContext);
  if (!context) throw new Error('AppStoreProvider is missing above this component');
  return context;
}

/** Selects from the app store; return stable values (records, primitives) or wrap with useShallow. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

/** For one-off calls whose answer only one component needs (DHCP snippets, contact-me). */
export function useApi(): ApiClient {
  return useAppContext().api;
}

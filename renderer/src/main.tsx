import '@mantine/core/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api/client.js';
import { App } from './App.js';
import { createAppStore } from './store/index.js';

const api = getApi();
const store = createAppStore(api);
// Connected once, outside React, so StrictMode's double effects cannot open two event streams.
store.getState().connect();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} api={api} />
  </StrictMode>,
);

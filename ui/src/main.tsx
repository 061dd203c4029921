// Entry point: mounts the app into #root.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import { App } from './App';
import { backend } from './ipc';
import { startTheme, themeFromPreferences } from './lib/theme';

// The theme is drawn before React's first render: first the choice cached in localStorage,
// then the one stored in the user's preferences once the database answers.
startTheme(() => backend.profileGet().then((user) => themeFromPreferences(user.preferences)));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

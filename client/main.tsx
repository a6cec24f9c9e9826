/**
 * The browser entry: wires the real pieces together (i18n with the saved language, the app
 * shell) and mounts React. Pages load lazily from the router (see App.tsx).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createI18n } from './i18n/index.ts';
import { App } from './App.tsx';
// The bundled Korean UI font (Noto Sans KR, variable weight): served from our own origin so Hangul
// reads on machines without a Korean system font, offline included. Its CSS splits the glyphs into
// ~120 unicode-range slices, so a page downloads only the slices of the characters it shows.
import '@fontsource-variable/noto-sans-kr/wght.css';
import './styles/base.css';
import './styles/app.css';
import './styles/home.css';
import './styles/notebook.css';

const i18n = createI18n();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);

/**
 * i18next setup: Korean first, English second. Namespaces: `common` and `notebook` (ours, in
 * `locales/`), `auth` (accounts, `components/auth/locales.ts`), and whatever the sync and editor
 * modules export. Optional modules are found with `import.meta.glob` so a missing one does not
 * break the build while teammates' modules land.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ko } from './locales/ko.ts';
import { en } from './locales/en.ts';
import type { Bilingual } from '../../shared/errors.ts';

export const languages = ['ko', 'en'] as const;
export type Language = (typeof languages)[number];

const storageKey = 'madang.lang';

/** Bundles exported as `{ ko, en }` (named exports, or one exported object with both keys). */
type Bundle = { ko: Record<string, unknown>; en: Record<string, unknown> };

const optionalNamespaces: Record<string, Record<string, unknown>> = {
  auth: import.meta.glob('../components/auth/locales.ts', { eager: true }),
  sync: import.meta.glob('../sync/locales.ts', { eager: true }),
  editor: import.meta.glob('../editor/locales.ts', { eager: true }),
  publish: import.meta.glob('../components/publish/locales.ts', { eager: true }),
  data: import.meta.glob('../components/data/locales.ts', { eager: true }),
};

function findBundle(mod: unknown): Bundle | null {
  if (typeof mod !== 'object' || mod === null) return null;
  const m = mod as Record<string, unknown>;
  const isBundle = (v: unknown): v is Bundle =>
    typeof v === 'object' && v !== null && typeof (v as Bundle).ko === 'object' && typeof (v as Bundle).en === 'object';
  if (isBundle(m)) return m;
  for (const value of Object.values(m)) if (isBundle(value)) return value;
  return null;
}

/** The saved language, or Korean. */
export function readStoredLanguage(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Language {
  try {
    const saved = storage?.getItem(storageKey);
    return saved === 'en' || saved === 'ko' ? saved : 'ko';
  } catch {
    return 'ko'; // storage blocked (private mode, sandboxed iframe)
  }
}

/** Builds an initialised i18next instance (synchronous: all resources are bundled). */
export function createI18n(lng: Language = readStoredLanguage()): I18n {
  const resources: Record<Language, Record<string, Record<string, unknown>>> = {
    ko: { ...ko },
    en: { ...en },
  };
  for (const [ns, modules] of Object.entries(optionalNamespaces)) {
    for (const mod of Object.values(modules)) {
      const bundle = findBundle(mod);
      if (bundle) {
        resources.ko[ns] = bundle.ko;
        resources.en[ns] = bundle.en;
      }
    }
  }
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng,
    fallbackLng: 'ko',
    supportedLngs: [...languages],
    ns: Object.keys(resources.ko),
    defaultNS: 'common',
    resources,
    initAsync: false,
    interpolation: { escapeValue: false }, // React escapes
  });
  const syncDocument = (l: string) => {
    if (typeof document !== 'undefined') document.documentElement.lang = l;
  };
  syncDocument(lng);
  instance.on('languageChanged', (l) => {
    syncDocument(l);
    try {
      globalThis.localStorage?.setItem(storageKey, l);
    } catch {
      // not persisted; the choice still holds for this page
    }
  });
  return instance;
}

/** A bilingual message in the current language first, the other one second. */
export function pickLanguage(message: Bilingual, lng: string): { primary: string; secondary: string } {
  return lng === 'en' ? { primary: message.en, secondary: message.ko } : { primary: message.ko, secondary: message.en };
}

/**
 * French and English: web/i18n/{en,fr}.json (same keys; a test checks it). The language defaults to the
 * browser's, is switchable and remembered. Dates are shown in the browser's time zone.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';

export type Lang = 'en' | 'fr';
export type MessageKey = keyof typeof en;
const catalogs: Record<Lang, Record<MessageKey, string>> = { en, fr };

const STORAGE_KEY = 'vigie.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'fr') return saved;
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const p of prefs) {
    if (p.toLowerCase().startsWith('fr')) return 'fr';
    if (p.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

export type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t: T;
  fmtDate(iso: string | null | undefined): string;
  fmtNumber(n: number): string;
  timeZone: string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE_KEY, l);
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const cat = catalogs[lang];
    const dates = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    const numbers = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-US');
    return {
      lang,
      setLang,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      t: (key, vars) => {
        let s = cat[key] ?? en[key] ?? key;
        if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
        return s;
      },
      fmtDate: (iso) => {
        if (!iso) return '—';
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : dates.format(d);
      },
      fmtNumber: (n) => numbers.format(n),
    };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

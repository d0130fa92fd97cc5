import { translator, type Locale, type Translate } from '../i18n/i18n.js';
import { store } from '../state.js';
import { useStore } from '../store.js';

/** The current language's translate function; the component re-renders when it changes. */
export function useT(): { t: Translate; locale: Locale } {
  const { locale } = useStore(store);
  return { t: translator(locale), locale };
}

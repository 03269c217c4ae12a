// Every text people read in the hub, per language: hub/i18n/<lang>.json maps the English text
// (with {name} placeholders) to its translation. The language comes from the `lang` cookie (the
// switch on every page) or Accept-Language; English is the fallback for anything missing.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fill, type MessageParams } from '../errors.js';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGUAGES)[number];
/** Each language's name in itself, for the switch. */
export const LANGUAGE_NAMES: Readonly<Record<Lang, string>> = { en: 'English', 'zh-CN': '简体中文' };

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

/** The folder with the catalogues, found from this module (hub/i18n or dist/hub/i18n). */
export function catalogDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'hub', 'i18n');
    if (existsSync(join(candidate, 'en.json'))) return candidate;
    if (existsSync(join(dir, 'en.json')) && existsSync(join(dir, 'zh-CN.json'))) return dir;
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('hub/i18n/en.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

function readCatalog(file: string): Map<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: not a JSON object`);
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw new Error(`${file}: the value of ${JSON.stringify(k)} is not a string`);
    out.set(k, v);
  }
  return out;
}

export class Catalog {
  readonly #texts: ReadonlyMap<Lang, ReadonlyMap<string, string>>;

  constructor(texts: ReadonlyMap<Lang, ReadonlyMap<string, string>>) { this.#texts = texts; }

  static load(dir = catalogDir()): Catalog {
    return new Catalog(new Map(LANGUAGES.map((l) => [l, readCatalog(join(dir, `${l}.json`))])));
  }

  keys(lang: Lang): string[] { return [...(this.#texts.get(lang)?.keys() ?? [])]; }
  text(lang: Lang, key: string): string | undefined { return this.#texts.get(lang)?.get(key); }

  /** The text of `key` in `lang` (else English, else the key itself), placeholders filled. */
  t(lang: Lang, key: string, params: MessageParams = {}): string {
    const text = this.#texts.get(lang)?.get(key) ?? this.#texts.get('en')?.get(key) ?? key;
    return fill(text, params);
  }

  /** The language to answer in: a valid cookie choice first, then Accept-Language, else English. */
  negotiate(acceptLanguage: string | undefined, cookie: string | undefined): Lang {
    if (isLang(cookie)) return cookie;
    const wanted = (acceptLanguage ?? '').split(',').map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    }).filter((w) => w.tag !== '' && w.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
    for (const w of wanted) {
      if (w.tag === 'zh' || w.tag.startsWith('zh-') || w.tag.startsWith('zh_')) {
        // Traditional scripts are not translated; they read English rather than Simplified.
        if (/^zh-(hant|tw|hk|mo)/.test(w.tag)) continue;
        return 'zh-CN';
      }
      if (w.tag === 'en' || w.tag.startsWith('en-')) return 'en';
    }
    return 'en';
  }
}

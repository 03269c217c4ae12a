// supervisord's %-expansion of config values: Python's `str % mapping` (keys, flags, width,
// precision, s/r/a/d/i/u/x/X/o/c/e/f/g conversions) and the two error messages built on it.
import { ValueError } from './errors.js';
import { pyAscii, pyRepr } from '../python/repr.js';

export type Expansions = ReadonlyMap<string, string | number>;

/** Why Python's formatting failed; `missingKey` means KeyError (the "cannot be expanded" case). */
class FormatFailure extends Error {
  constructor(message: string, readonly missingKey?: string) { super(message); }
}

interface Spec { flags: string; width: number | undefined; precision: number | undefined; conv: string }

function pad(body: string, sign: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  const len = sign.length + body.length;
  if (len >= width) return sign + body;
  if (spec.flags.includes('-')) return sign + body + ' '.repeat(width - len);
  if (numeric && spec.flags.includes('0')) return sign + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + sign + body;
}

function typeName(v: unknown): string {
  return typeof v === 'number' ? 'int' : typeof v === 'string' ? 'str' : 'dict';
}

function formatInt(v: string | number | object, spec: Spec): string {
  const c = spec.conv;
  if (typeof v !== 'number') {
    const what = 'diu'.includes(c) ? 'a real number' : 'an integer';
    throw new FormatFailure(`%${c} format: ${what} is required, not ${typeName(v)}`);
  }
  const n = Math.trunc(v);
  const base = c === 'x' || c === 'X' ? 16 : c === 'o' ? 8 : 10;
  let digits = Math.abs(n).toString(base);
  if (c === 'X') digits = digits.toUpperCase();
  if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
  if (spec.flags.includes('#') && base !== 10) digits = (c === 'x' ? '0x' : c === 'X' ? '0X' : '0o') + digits;
  const sign = n < 0 ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  if (spec.flags.includes('0') && !spec.flags.includes('-') && /^0[xXo]/.test(digits)) {
    const width = (spec.width ?? 0) - sign.length - 2;
    return sign + digits.slice(0, 2) + digits.slice(2).padStart(width, '0');
  }
  return pad(digits, sign, spec, true);
}

/** Python's %e body: the mantissa and a sign and at least two exponent digits. */
function exponential(x: number, digits: number, alt: boolean): string {
  const [mant = '', exp = '0'] = x.toExponential(digits).split('e');
  const e = Number(exp);
  return `${mant}${alt && !mant.includes('.') ? '.' : ''}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Python's %g: fixed or exponential by the exponent, trailing zeros dropped unless '#'. */
function general(x: number, precision: number, alt: boolean): string {
  const p = precision || 1;
  const exp = Number(x.toExponential(p - 1).split('e')[1]);
  const body = exp >= -4 && exp < p ? x.toFixed(p - 1 - exp) : exponential(x, p - 1, false);
  const cut = body.indexOf('e');
  let mant = cut < 0 ? body : body.slice(0, cut);
  const tail = cut < 0 ? '' : body.slice(cut);
  if (alt) mant = mant.includes('.') ? mant : `${mant}.`;
  else if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
  return mant + tail;
}

function formatFloat(v: string | number | object, spec: Spec): string {
  if (typeof v !== 'number') throw new FormatFailure(`must be real number, not ${typeName(v)}`);
  const prec = spec.precision ?? 6;
  const alt = spec.flags.includes('#');
  const c = spec.conv.toLowerCase();
  const x = Math.abs(v);
  let body: string;
  if (c === 'f') body = x.toFixed(prec) + (alt && prec === 0 ? '.' : '');
  else if (c === 'e') body = exponential(x, prec, alt);
  else body = general(x, prec, alt);
  if (spec.conv === spec.conv.toUpperCase()) body = body.toUpperCase();
  const sign = v < 0 ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  return pad(body, sign, spec, true);
}

/** Python's str() of the mapping itself, used when a conversion has no (key). */
function mappingStr(map: Expansions): string {
  const items = [...map].map(([k, v]) => `${pyRepr(k)}: ${typeof v === 'number' ? String(v) : pyRepr(v)}`);
  return `{${items.join(', ')}}`;
}

function convert(v: string | number | object, spec: Spec, display: () => string): string {
  switch (spec.conv) {
    case 's': case 'r': case 'a': {
      let text = typeof v === 'object' ? display() : typeof v === 'number' ? String(v)
        : spec.conv === 's' ? v : spec.conv === 'r' ? pyRepr(v) : pyAscii(v);
      if (spec.precision !== undefined) text = text.slice(0, spec.precision);
      return pad(text, '', spec, false);
    }
    case 'c':
      if (typeof v === 'number') {
        if (v < 0 || v > 0x10ffff) throw new FormatFailure('%c arg not in range(0x110000)');
        return pad(String.fromCodePoint(v), '', spec, false);
      }
      if (typeof v === 'string' && [...v].length === 1) return pad(v, '', spec, false);
      throw new FormatFailure('%c requires int or char');
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
      return formatFloat(v, spec);
    default:
      return formatInt(v, spec);
  }
}

function readNumber(s: string, i: number): [number | undefined, number] {
  let j = i;
  while (j < s.length && /[0-9]/.test(s[j] ?? '')) j++;
  return [j > i ? Number(s.slice(i, j)) : undefined, j];
}

/** Stands for the mapping itself as a conversion's argument. */
const WHOLE_MAPPING: object = Object.freeze({});

/** Python's `s % map`; throws FormatFailure with Python's exception text. */
export function pyFormat(s: string, map: Expansions): string {
  if (!s.includes('%')) return s;
  let out = '';
  let i = 0;
  // CPython's argument cursor over a mapping: '%(key)' makes the key's value the one argument,
  // anything else uses the mapping itself, and each one can be taken once ('*' takes one too).
  let arg: string | number | object = WHOLE_MAPPING;
  let taken = false;
  const nextArg = (): string | number | object => {
    if (taken) throw new FormatFailure('not enough arguments for format string');
    taken = true;
    return arg;
  };
  const star = (): number => {
    const v = nextArg();
    if (typeof v !== 'number') throw new FormatFailure('* wants int');
    return v;
  };
  while (i < s.length) {
    const pct = s.indexOf('%', i);
    if (pct < 0) { out += s.slice(i); break; }
    out += s.slice(i, pct);
    i = pct + 1;
    if (s[i] === '%') { out += '%'; i++; continue; }
    if (s[i] === '(') {
      let depth = 1;
      let j = i + 1;
      for (; j < s.length && depth > 0; j++) {
        if (s[j] === '(') depth++;
        else if (s[j] === ')') depth--;
      }
      if (depth > 0) throw new FormatFailure('incomplete format key');
      const key = s.slice(i + 1, j - 1);
      const value = map.get(key);
      if (value === undefined) throw new FormatFailure(pyRepr(key), key);
      arg = value;
      taken = false;
      i = j;
    }
    let flags = '';
    while (i < s.length && '-+ #0'.includes(s[i] ?? 'x')) flags += s[i++];
    let width: number | undefined;
    if (s[i] === '*') {
      width = star();
      if (width < 0) { flags += '-'; width = -width; }
      i++;
    } else {
      [width, i] = readNumber(s, i);
    }
    let precision: number | undefined;
    if (s[i] === '.') {
      if (s[i + 1] === '*') { precision = Math.max(star(), 0); i += 2; } else {
        const [p, afterPrec] = readNumber(s, i + 1);
        precision = p ?? 0;
        i = afterPrec;
      }
    }
    if (i < s.length && 'hlL'.includes(s[i] ?? 'x')) i++;
    if (i >= s.length) throw new FormatFailure('incomplete format');
    const code = s.codePointAt(i) ?? 0;
    const conv = String.fromCodePoint(code);
    // The argument is taken before the conversion character is checked ('%s%y' lacks arguments).
    const value = nextArg();
    if (!'sradiuoxXcceEfFgG'.includes(conv)) {
      const shown = code < 128 ? conv : '?';
      const index = [...s.slice(0, i)].length;
      throw new FormatFailure(`unsupported format character '${shown}' (0x${code.toString(16)}) at index ${index}`);
    }
    i += conv.length;
    // The mapping's str() is built only for a conversion without a key (rare; it is costly per value).
    out += convert(value, { flags, width, precision, conv }, () => mappingStr(map));
  }
  return out;
}

/** supervisord's expand(): format `s` for the option `label`, with its two error texts. */
export function expand(s: string, expansions: Expansions, label: string): string {
  try {
    return pyFormat(s, expansions);
  } catch (err) {
    if (!(err instanceof FormatFailure)) throw err;
    if (err.missingKey !== undefined) {
      const names = [...expansions.keys()].sort(comparePy).join(', ');
      throw new ValueError(`Format string ${pyRepr(s)} for ${pyRepr(label)} contains names (${err.message}) `
        + `which cannot be expanded. Available names: ${names}`);
    }
    throw new ValueError(`Format string ${pyRepr(s)} for ${pyRepr(label)} is badly formatted: ${err.message}`);
  }
}

/** Code-point order, as Python sorts str (JS's < compares UTF-16 units: U+FF00 > U+1F600 there). */
export function comparePy(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return Math.sign(a.length - b.length);
}

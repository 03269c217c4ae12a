// A strict, linear-time pull tokenizer for the XML that XML-RPC uses: checks well-formedness
// (XML 1.0), rejects any DOCTYPE, bounds element depth. Owns no XML-RPC meaning; imports nothing.

/** Why a document was refused; decoders wrap it into their public error. */
export class XmlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

export const EOF = 0;
export const OPEN = 1;
export const CLOSE = 2;
export const TEXT = 3;
export type Token = typeof EOF | typeof OPEN | typeof CLOSE | typeof TEXT;

// ASCII name classes: 1 = may start a name, 2 = may continue one.
const NAME_START = 1;
const NAME_PART = 2;
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_:]/.test(ch)) ASCII[c] = NAME_START | NAME_PART;
  else if (/[0-9.-]/.test(ch)) ASCII[c] = NAME_PART;
}

// ASCII characters that end or need a look in a run of character data: controls, & < ].
const TEXT_SPECIAL = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) TEXT_SPECIAL[c] = c === 9 || c === 10 ? 0 : 1;
TEXT_SPECIAL[38] = 1;
TEXT_SPECIAL[60] = 1;
TEXT_SPECIAL[93] = 1;

/** XML 1.0 (5th edition) NameStartChar for a code point >= 128. */
function isWideNameStart(cp: number): boolean {
  return (cp >= 0xc0 && cp <= 0xd6) || (cp >= 0xd8 && cp <= 0xf6) || (cp >= 0xf8 && cp <= 0x2ff)
    || (cp >= 0x370 && cp <= 0x37d) || (cp >= 0x37f && cp <= 0x1fff) || cp === 0x200c || cp === 0x200d
    || (cp >= 0x2070 && cp <= 0x218f) || (cp >= 0x2c00 && cp <= 0x2fef) || (cp >= 0x3001 && cp <= 0xd7ff)
    || (cp >= 0xf900 && cp <= 0xfdcf) || (cp >= 0xfdf0 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0xeffff);
}

function isWideNamePart(cp: number): boolean {
  return isWideNameStart(cp) || cp === 0xb7 || (cp >= 0x300 && cp <= 0x36f) || cp === 0x203f || cp === 0x2040;
}

/** Whether s begins with a NameStartChar. */
export function isNameStart(s: string): boolean {
  const c = s.charCodeAt(0);
  if (Number.isNaN(c)) return false;
  return c < 128 ? ((ASCII[c] as number) & NAME_START) !== 0 : isWideNameStart(s.codePointAt(0) as number);
}

/** An XML Char, given that the source has no lone surrogates (it came from strict UTF-8). */
function isXmlChar(cp: number): boolean {
  return cp >= 0x20 ? cp < 0xd800 || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
    : cp === 0x9 || cp === 0xa || cp === 0xd;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0xa || c === 0x9 || c === 0xd;
}

/** Literal line ends and tabs in an attribute value become spaces (references do not). */
function normalizeAttrSpace(run: string): string {
  return /[\t\n\r]/.test(run) ? run.replace(/\r\n|[\t\n\r]/g, ' ') : run;
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const XML_DECL = /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z0-9_.-]*"|'[A-Za-z0-9_.-]*')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/y;

export interface ScanLimits {
  /** Deepest element nesting accepted (the root is depth 1). */
  readonly maxDepth: number;
  /**
   * Accept the C0 control characters XML forbids (but NUL) in character data. supervisord writes
   * a log's bytes into its answers as they are, so a log with colour codes (ESC) gives a response
   * no XML parser accepts (Python's own client fails on it); a client reads them as characters.
   */
  readonly controlChars?: boolean;
}

/**
 * Pull tokenizer over one whole document held as a string. next() returns OPEN (name in
 * `name`, attributes in `attrNames`/`attrValues`), CLOSE (name in `name`), TEXT (character
 * data in `text`: references resolved, CDATA included, comments and PIs dropped, CR/CRLF
 * turned into LF, adjacent pieces merged) or EOF. Every call does work proportional to the
 * bytes it consumes, so a document is scanned in linear time.
 */
export class XmlScanner {
  name = '';
  /** Index of the last ':' in `name` after OPEN, or -1. */
  nameColon = -1;
  text = '';
  readonly attrNames: string[] = [];
  readonly attrValues: string[] = [];
  private pos = 0;
  private readonly stack: string[] = [];
  private pendingClose = false;
  private seenRoot = false;

  constructor(private readonly src: string, private readonly limits: ScanLimits) {
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
    if (src.startsWith('<?xml', this.pos) && isSpace(src.charCodeAt(this.pos + 5))) {
      XML_DECL.lastIndex = this.pos;
      const m = XML_DECL.exec(src);
      if (m === null) this.fail('malformed XML declaration');
      this.pos += m[0].length;
    }
  }

  next(): Token {
    if (this.pendingClose) {
      this.pendingClose = false;
      this.name = this.stack.pop() as string;
      return CLOSE;
    }
    if (this.stack.length === 0) return this.outside();
    const s = this.src;
    if (s.charCodeAt(this.pos) === 60 /* < */) {
      const c1 = s.charCodeAt(this.pos + 1);
      if (c1 === 47 /* / */) return this.endTag();
      if (c1 !== 33 /* ! */ && c1 !== 63 /* ? */) return this.startTag();
    }
    const text = this.content();
    if (text.length === 0) return this.next();
    this.text = text;
    return TEXT;
  }

  /**
   * For an element that should hold only text (just opened): its character data through its
   * end tag. Returns null, positioned at the child's start tag, if a child element comes first.
   */
  textThenClose(): string | null {
    if (this.pendingClose) {
      this.pendingClose = false;
      this.name = this.stack.pop() as string;
      return '';
    }
    const text = this.content();
    if (this.src.charCodeAt(this.pos + 1) !== 47 /* / */) return null;
    this.endTag();
    return text;
  }

  /** Character data up to the next tag: references resolved, CDATA kept, comments and PIs dropped. */
  private content(): string {
    const s = this.src;
    let text = '';
    for (;;) {
      text += this.charRun();
      if (this.pos >= s.length) this.fail('unexpected end of document inside an element');
      if (s.charCodeAt(this.pos) === 38 /* & */) { text += this.reference(); continue; }
      const c1 = s.charCodeAt(this.pos + 1);
      if (c1 === 33 /* ! */) {
        if (s.startsWith('<!--', this.pos)) { this.comment(); continue; }
        if (s.startsWith('<![CDATA[', this.pos)) { text += this.cdata(); continue; }
        this.fail('unexpected markup declaration');
      }
      if (c1 === 63 /* ? */) { this.pi(); continue; }
      return text;
    }
  }

  /** Prolog and epilogue: whitespace, comments and PIs; one root element; then EOF. */
  private outside(): Token {
    const s = this.src;
    for (;;) {
      while (this.pos < s.length && isSpace(s.charCodeAt(this.pos))) this.pos++;
      if (this.pos >= s.length) {
        if (!this.seenRoot) this.fail('no root element');
        return EOF;
      }
      if (s.charCodeAt(this.pos) !== 60) this.fail('text outside the root element');
      if (s.startsWith('<!--', this.pos)) { this.comment(); continue; }
      if (s.charCodeAt(this.pos + 1) === 63) { this.pi(); continue; }
      if (s.startsWith('<!DOCTYPE', this.pos)) this.fail('DOCTYPE is not allowed');
      if (this.seenRoot) this.fail('content after the root element');
      const c1 = s.charCodeAt(this.pos + 1);
      if (c1 === 33 || c1 === 47) this.fail('unexpected markup outside the root element');
      this.seenRoot = true;
      return this.startTag();
    }
  }

  /** Plain characters up to the next `<` or `&`, checked and line-end normalized. */
  private charRun(): string {
    const s = this.src;
    const start = this.pos;
    let i = start;
    let cr = false;
    for (const n = s.length; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 128) {
        if (TEXT_SPECIAL[c] === 0) continue;
        if (c === 60 || c === 38) break;
        if (c === 13) cr = true;
        else if (c === 93) {
          if (s.charCodeAt(i + 1) === 93 && s.charCodeAt(i + 2) === 62) this.fail("']]>' in content", i);
        } else if (c !== 9 && c !== 10 && (c === 0 || this.limits.controlChars !== true)) this.fail('invalid character', i);
      } else if (c >= 0xfffe) {
        this.fail('invalid character', i);
      }
    }
    this.pos = i;
    const run = s.slice(start, i);
    return cr ? run.replace(/\r\n?/g, '\n') : run;
  }

  /** Checks that s[from, to) holds only XML Chars. */
  private checkChars(from: number, to: number): void {
    const s = this.src;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 ? c !== 9 && c !== 10 && c !== 13 : c >= 0xfffe) this.fail('invalid character', i);
    }
  }

  private comment(): void {
    const s = this.src;
    const start = this.pos + 4;
    const end = s.indexOf('--', start);
    if (end < 0) this.fail('unterminated comment');
    if (s.charCodeAt(end + 2) !== 62) this.fail("'--' inside a comment", end);
    this.checkChars(start, end);
    this.pos = end + 3;
  }

  private pi(): void {
    const s = this.src;
    this.pos += 2;
    const target = this.readName();
    if (target.toLowerCase() === 'xml') this.fail('XML declaration not at the start');
    // Namespace-aware parsers (expat under ElementTree) refuse a colon in a PI target.
    if (this.nameColon >= 0) this.fail('colon in a processing instruction target');
    const end = s.indexOf('?>', this.pos);
    if (end < 0) this.fail('unterminated processing instruction');
    if (end > this.pos && !isSpace(s.charCodeAt(this.pos))) this.fail('malformed processing instruction');
    this.checkChars(this.pos, end);
    this.pos = end + 2;
  }

  private cdata(): string {
    const s = this.src;
    const start = this.pos + 9;
    const end = s.indexOf(']]>', start);
    if (end < 0) this.fail('unterminated CDATA section');
    this.checkChars(start, end);
    this.pos = end + 3;
    const run = s.slice(start, end);
    return run.includes('\r') ? run.replace(/\r\n?/g, '\n') : run;
  }

  /** `&name;` or `&#N;` / `&#xH;` at pos; returns the replacement text. */
  private reference(): string {
    const s = this.src;
    const at = this.pos;
    if (s.charCodeAt(at + 1) === 35 /* # */) {
      const hex = s.charCodeAt(at + 2) === 120 /* x */;
      let i = hex ? at + 3 : at + 2;
      const digitsFrom = i;
      let cp = 0;
      for (;; i++) {
        const c = s.charCodeAt(i);
        let d: number;
        if (c >= 48 && c <= 57) d = c - 48;
        else if (hex && c >= 97 && c <= 102) d = c - 87;
        else if (hex && c >= 65 && c <= 70) d = c - 55;
        else break;
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > 0x10ffff) this.fail('character reference out of range', at);
      }
      if (i === digitsFrom || s.charCodeAt(i) !== 59 /* ; */) this.fail('malformed character reference', at);
      if (!isXmlChar(cp)) this.fail('character reference to an invalid character', at);
      this.pos = i + 1;
      return String.fromCodePoint(cp);
    }
    this.pos = at + 1;
    const name = this.readName();
    if (s.charCodeAt(this.pos) !== 59) this.fail('malformed entity reference', at);
    this.pos++;
    const rep = Object.hasOwn(PREDEFINED, name) ? PREDEFINED[name] : undefined;
    if (rep === undefined) this.fail(`undefined entity '${name.slice(0, 40)}'`, at);
    return rep;
  }

  /** A Name at pos; advances past it and sets nameColon. */
  private readName(): string {
    const s = this.src;
    const n = s.length;
    const start = this.pos;
    let colon = -1;
    let i = start;
    let c = s.charCodeAt(i);
    if (c < 128) {
      if (((ASCII[c] as number) & NAME_START) === 0) this.fail('name expected', i);
      if (c === 58) colon = 0;
      i++;
    } else {
      const cp = s.codePointAt(i) as number;
      if (!isWideNameStart(cp)) this.fail('name expected', i);
      i += cp > 0xffff ? 2 : 1;
    }
    while (i < n) {
      c = s.charCodeAt(i);
      if (c < 128) {
        if (((ASCII[c] as number) & NAME_PART) === 0) break;
        if (c === 58) colon = i - start;
        i++;
      } else {
        const cp = s.codePointAt(i) as number;
        if (!isWideNamePart(cp)) break;
        i += cp > 0xffff ? 2 : 1;
      }
    }
    this.pos = i;
    this.nameColon = colon;
    return s.slice(start, i);
  }

  /**
   * Consumes the start tag `literal` (exactly `<tag>`, no attributes, no colon in tag) when it
   * comes next; a shortcut for readers that know what to expect. False leaves all as it was.
   */
  tryOpen(literal: string, tag: string): boolean {
    if (this.pendingClose || this.stack.length === 0 || !this.src.startsWith(literal, this.pos)) return false;
    if (this.stack.length >= this.limits.maxDepth) this.fail('elements nested too deeply');
    if (this.attrNames.length !== 0) {
      this.attrNames.length = 0;
      this.attrValues.length = 0;
    }
    this.pos += literal.length;
    this.stack.push(tag);
    this.name = tag;
    this.nameColon = -1;
    return true;
  }

  /** Moves past blanks in element content (callers that ignore blank text between tags). */
  skipBlank(): void {
    if (this.stack.length > 0 && !this.pendingClose) this.skipSpace();
  }

  private skipSpace(): boolean {
    const s = this.src;
    const start = this.pos;
    while (isSpace(s.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  private startTag(): Token {
    const s = this.src;
    this.pos++;
    const name = this.readName();
    const nameColon = this.nameColon;
    const names = this.attrNames;
    const values = this.attrValues;
    if (names.length !== 0) {
      names.length = 0;
      values.length = 0;
    }
    let seen: Set<string> | null = null;
    for (;;) {
      const spaced = this.skipSpace();
      const c = s.charCodeAt(this.pos);
      if (c === 62 /* > */) { this.pos++; break; }
      if (c === 47 /* / */) {
        if (s.charCodeAt(this.pos + 1) !== 62) this.fail("'/' not followed by '>'");
        this.pos += 2;
        this.pendingClose = true;
        break;
      }
      if (!spaced) this.fail(this.pos >= s.length ? 'unterminated start tag' : 'malformed start tag');
      const attr = this.readName();
      // Duplicate check stays linear however many attributes a hostile tag carries.
      if (names.length >= 8) {
        seen ??= new Set(names);
        if (seen.has(attr)) this.fail(`duplicate attribute '${attr.slice(0, 40)}'`);
        seen.add(attr);
      } else if (names.includes(attr)) {
        this.fail(`duplicate attribute '${attr.slice(0, 40)}'`);
      }
      this.skipSpace();
      if (s.charCodeAt(this.pos) !== 61 /* = */) this.fail("'=' expected");
      this.pos++;
      this.skipSpace();
      names.push(attr);
      values.push(this.attrValue());
    }
    if (this.stack.length >= this.limits.maxDepth) this.fail('elements nested too deeply');
    this.stack.push(name);
    this.name = name;
    this.nameColon = nameColon;
    return OPEN;
  }

  /** A quoted attribute value at pos, references resolved and whitespace normalized. */
  private attrValue(): string {
    const s = this.src;
    const quote = s.charCodeAt(this.pos);
    if (quote !== 34 && quote !== 39) this.fail('quoted attribute value expected');
    this.pos++;
    let value = '';
    let from = this.pos;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated attribute value');
      if (c === quote) break;
      if (c === 60) this.fail("'<' in attribute value");
      if (c === 38) {
        value += normalizeAttrSpace(s.slice(from, this.pos)) + this.reference();
        from = this.pos;
        continue;
      }
      if (c < 0x20 ? c !== 9 && c !== 10 && c !== 13 : c >= 0xfffe) this.fail('invalid character');
      this.pos++;
    }
    value += normalizeAttrSpace(s.slice(from, this.pos));
    this.pos++;
    return value;
  }

  private endTag(): Token {
    this.pos += 2;
    const open = this.stack.pop() as string;
    const s = this.src;
    let name = open;
    // Fast path: the expected name, not followed by another name character.
    const after = s.charCodeAt(this.pos + open.length);
    if (s.startsWith(open, this.pos) && (after >= 128 ? !isWideNamePart(s.codePointAt(this.pos + open.length) as number)
      : ((ASCII[after] as number) & NAME_PART) === 0)) {
      this.pos += open.length;
    } else {
      name = this.readName();
    }
    if (name !== open) this.fail(`end tag '${name.slice(0, 40)}' does not match '${open.slice(0, 40)}'`);
    this.skipSpace();
    if (this.src.charCodeAt(this.pos) !== 62) this.fail('malformed end tag');
    this.pos++;
    this.name = name;
    return CLOSE;
  }

  private fail(message: string, at = this.pos): never {
    throw new XmlSyntaxError(message, at);
  }
}

// The two XML-RPC readers over the strict scanner: supervisord's own request parser (an
// ElementTree reduction with its quirks) and xmlrpc.client's response unmarshaller.
// Imports the scanner, the Python conversions, the value model and the fault class.
import { RpcFault } from './faults.js';
import { pyBase64Decode, pyDateTime, pyFloat, pyInt } from '../python/literals.js';
import { XmlRpcDateTime, type XmlRpcStruct, type XmlRpcValue } from './value.js';
import { CLOSE, EOF, OPEN, TEXT, XmlScanner, isNameStart } from './xml-scan.js';

/** The document is XML but not an acceptable XML-RPC message (or a value fails to convert). */
export class XmlRpcShapeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XmlRpcShapeError';
  }
}

/** Nested <value> elements accepted; supervisor's own values are at most 4 deep. */
export const MAX_VALUE_DEPTH = 64;
/** Element nesting accepted by the scanner (room for MAX_VALUE_DEPTH values of 3 elements each). */
export const MAX_ELEMENT_DEPTH = 3 * MAX_VALUE_DEPTH + 8;
const LIMITS = { maxDepth: MAX_ELEMENT_DEPTH };
/** Responses: the same, with the control characters of logs read back (see ScanLimits.controlChars). */
const RESPONSE_LIMITS = { maxDepth: MAX_ELEMENT_DEPTH, controlChars: true };

/** Sets a member without ever reaching a prototype setter (a member may be named __proto__). */
function setMember(obj: XmlRpcStruct, key: string, value: XmlRpcValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

// ---------------------------------------------------------------------------------------------
// Requests: supervisord's loads(). Every element is reduced when it ends, as iterparse 'end'
// events are: typed elements become values, <value> takes its first child's result (or its own
// text), and any other element stays an element whose "text" is the text before its first child.

/** An element that no rule converted: kept with its leading text and its children's results. */
class Elem {
  constructor(readonly tag: string, readonly text: string | null, readonly kids: readonly Reduced[]) {}
}
type Reduced = XmlRpcValue | Elem;

/** ElementTree's `.text` of a reduced child: the converted value, or an element's leading text. */
function textOf(r: Reduced): XmlRpcValue {
  return r instanceof Elem ? r.text : r;
}

interface Frame {
  readonly tag: string;
  text: string | null;
  readonly kids: Reduced[];
  readonly values: number;        // <value> elements open here, this one included
  readonly ns: Namespaces | null; // in-scope declarations, when any exist
}

/** In-scope namespace declarations: '' is the default namespace. */
type Namespaces = ReadonlyMap<string, string>;

function firstKid(f: Frame): XmlRpcValue {
  const k = f.kids[0];
  if (k === undefined) throw new XmlRpcShapeError(`<${f.tag}> without a child element`);
  return textOf(k);
}

function reduceStruct(f: Frame): XmlRpcStruct {
  const obj: XmlRpcStruct = {};
  for (const member of f.kids) {
    // dict((k.text or "", v.text) for k, v in x): each child must have exactly two children.
    if (!(member instanceof Elem) || member.kids.length !== 2) throw new XmlRpcShapeError('<struct> member without exactly a name and a value');
    const key = textOf(member.kids[0] as Reduced) ?? '';
    if (typeof key !== 'string') throw new XmlRpcShapeError('<struct> member name is not a string');
    setMember(obj, key, textOf(member.kids[1] as Reduced));
  }
  return obj;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What `<base64>` gives a supervisord method: the decoded bytes as a strict UTF-8 string. */
function base64Text(text: string | null): string {
  const bytes = pyBase64Decode(text ?? '');
  try {
    return utf8.decode(bytes);
  } catch (err) {
    throw new XmlRpcShapeError('<base64> content is not UTF-8', { cause: err });
  }
}

function reduceRequest(f: Frame): Reduced {
  switch (f.tag) {
    case 'int': case 'i4': return pyInt(f.text);
    case 'boolean': return f.text === '1';
    case 'string': return f.text ?? '';
    case 'double': return pyFloat(f.text);
    case 'dateTime.iso8601': return new XmlRpcDateTime(pyDateTime(f.text));
    case 'array': return firstKid(f);
    case 'data': return f.kids.map(textOf);
    case 'struct': return reduceStruct(f);
    case 'base64': return base64Text(f.text);
    case 'param': return firstKid(f);
    case 'value': return f.kids.length > 0 ? textOf(f.kids[0] as Reduced) : f.text ?? '';
    default: return new Elem(f.tag, f.text, f.kids);
  }
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** A QName as prefix and local part; anything but NCName or NCName:NCName is an error. */
function splitQName(name: string): [string | null, string] {
  const colon = name.indexOf(':');
  if (colon < 0) return [null, name];
  const local = name.slice(colon + 1);
  if (colon === 0 || !isNameStart(local) || local.includes(':')) {
    throw new XmlRpcShapeError(`malformed qualified name '${name.slice(0, 40)}'`);
  }
  return [name.slice(0, colon), local];
}

function namespaceOf(prefix: string, ns: Namespaces | null): string {
  const uri = prefix === 'xml' ? XML_NS : ns?.get(prefix);
  if (uri === undefined) throw new XmlRpcShapeError(`unbound prefix '${prefix.slice(0, 40)}'`);
  return uri;
}

/**
 * The element's name as ElementTree reports it with namespace processing on (as expat checks
 * it): a name in a namespace becomes `{uri}local`, so it matches no XML-RPC rule; an unbound
 * prefix, a malformed QName or a duplicate expanded attribute is an error.
 */
function resolveTag(sc: XmlScanner, parentNs: Namespaces | null): { tag: string; ns: Namespaces | null } {
  let ns = parentNs;
  const names = sc.attrNames;
  const split = names.map(splitQName);
  split.forEach(([prefix, local], i) => {
    if (prefix === null ? local !== 'xmlns' : prefix !== 'xmlns') return;
    const declared = prefix === null ? '' : local;
    const uri = sc.attrValues[i] as string;
    if (declared === 'xmlns' || (declared === 'xml') !== (uri === XML_NS) || (declared !== '' && uri === '')) {
      throw new XmlRpcShapeError(`invalid namespace declaration '${(names[i] as string).slice(0, 40)}'`);
    }
    const copy = new Map(ns ?? []);
    copy.set(declared, uri);
    ns = copy;
  });
  const expanded = new Set<string>();
  for (const [prefix, local] of split) {
    if (prefix === null || prefix === 'xmlns') continue;
    const key = `{${namespaceOf(prefix, ns)}}${local}`;
    if (expanded.has(key)) throw new XmlRpcShapeError(`duplicate attribute '${local.slice(0, 40)}'`);
    expanded.add(key);
  }
  const [prefix, local] = splitQName(sc.name);
  if (prefix !== null) return { tag: `{${namespaceOf(prefix, ns)}}${local}`, ns };
  const dflt = ns?.get('');
  return { tag: dflt ? `{${dflt}}${local}` : local, ns };
}

export interface DecodedCall {
  readonly methodName: string | null;
  readonly params: XmlRpcValue[] | null;
}

/** supervisord's loads(): the last <methodName> text and the last <params>, wherever they are. */
export function decodeRequestText(src: string): DecodedCall {
  const sc = new XmlScanner(src, LIMITS);
  const stack: Frame[] = [];
  let methodName: string | null = null;
  let params: XmlRpcValue[] | null = null;
  for (;;) {
    const t = sc.next();
    if (t === TEXT) {
      const f = stack[stack.length - 1] as Frame;
      if (f.kids.length === 0) f.text = f.text === null ? sc.text : f.text + sc.text;
    } else if (t === OPEN) {
      const parent = stack[stack.length - 1];
      const parentNs = parent?.ns ?? null;
      const { tag, ns } = sc.attrNames.length === 0 && parentNs === null && !sc.name.includes(':')
        ? { tag: sc.name, ns: null }
        : resolveTag(sc, parentNs);
      const values = (parent?.values ?? 0) + (tag === 'value' ? 1 : 0);
      if (values > MAX_VALUE_DEPTH) throw new XmlRpcShapeError('values nested too deeply');
      stack.push({ tag, text: null, kids: [], values, ns });
    } else if (t === CLOSE) {
      const f = stack.pop() as Frame;
      const r = reduceRequest(f);
      if (f.tag === 'methodName') methodName = f.text;
      else if (f.tag === 'params') params = f.kids.map(textOf);
      stack[stack.length - 1]?.kids.push(r);
    } else {
      return { methodName, params };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Responses: xmlrpc.client's Unmarshaller semantics, read by recursive descent (depth-bounded).

/** The current element name without its namespace prefix, as the Unmarshaller compares them. */
function local(sc: XmlScanner): string {
  return sc.nameColon < 0 ? sc.name : sc.name.slice(sc.nameColon + 1);
}

class ResponseReader {
  private readonly sc: XmlScanner;

  constructor(src: string) {
    this.sc = new XmlScanner(src, RESPONSE_LIMITS);
  }

  /** The next OPEN or CLOSE, skipping character data between structural elements. */
  private nextTag(): typeof OPEN | typeof CLOSE {
    for (;;) {
      this.sc.skipBlank();
      const t = this.sc.next();
      if (t === OPEN || t === CLOSE) return t;
      if (t === EOF) throw new XmlRpcShapeError('unexpected end of response');
    }
  }

  private expectOpen(tag: string): void {
    this.sc.skipBlank();
    if (this.sc.tryOpen(`<${tag}>`, tag)) return;
    if (this.nextTag() !== OPEN || local(this.sc) !== tag) throw this.unexpected(tag);
  }

  /** True after reading <tag> (fast when written plainly), false after an end tag. */
  private openOrClose(literal: string, tag: string): boolean {
    this.sc.skipBlank();
    if (this.sc.tryOpen(literal, tag)) return true;
    if (this.nextTag() === CLOSE) return false;
    if (local(this.sc) !== tag) throw this.unexpected(`<${tag}>`);
    return true;
  }

  private expectClose(): void {
    if (this.nextTag() !== CLOSE) throw this.unexpected('an end tag');
  }

  private unexpected(wanted: string): XmlRpcShapeError {
    return new XmlRpcShapeError(`expected ${wanted}, found <${this.sc.name.slice(0, 40)}>`);
  }

  /** Character data up to the end of a scalar element; a child element is an error. */
  private readText(): string {
    const text = this.sc.textThenClose();
    if (text === null) throw new XmlRpcShapeError('unexpected element inside a scalar');
    return text;
  }

  read(): XmlRpcValue {
    this.expectOpen('methodResponse');
    if (this.nextTag() !== OPEN) throw this.unexpected('<params> or <fault>');
    const kind = local(this.sc);
    let result: XmlRpcValue;
    if (kind === 'params') {
      const values: XmlRpcValue[] = [];
      while (this.nextTag() === OPEN) {
        if (local(this.sc) !== 'param') throw this.unexpected('<param>');
        this.expectOpen('value');
        values.push(this.value(1));
        this.expectClose();
      }
      if (values.length !== 1) throw new XmlRpcShapeError(`response has ${values.length} params, expected 1`);
      result = values[0] as XmlRpcValue;
    } else if (kind === 'fault') {
      this.expectOpen('value');
      const fault = this.value(1);
      this.expectClose();
      if (fault === null || typeof fault !== 'object' || Array.isArray(fault) || Buffer.isBuffer(fault)) {
        throw new XmlRpcShapeError('fault value is not a struct');
      }
      const { faultCode: code, faultString: text } = fault as XmlRpcStruct;
      if (typeof code !== 'number' || !Number.isInteger(code) || typeof text !== 'string') {
        throw new XmlRpcShapeError('fault struct lacks an int faultCode and a string faultString');
      }
      this.expectClose();
      if (this.sc.next() !== EOF) throw new XmlRpcShapeError('content after the response');
      throw RpcFault.fromWire(code, text);
    } else {
      throw this.unexpected('<params> or <fault>');
    }
    this.expectClose();
    if (this.sc.next() !== EOF) throw new XmlRpcShapeError('content after the response');
    return result;
  }

  /** The content of a <value> whose start tag was just read, through its end tag. */
  private value(depth: number): XmlRpcValue {
    if (depth > MAX_VALUE_DEPTH) throw new XmlRpcShapeError('values nested too deeply');
    const sc = this.sc;
    let text = '';
    for (;;) {
      const t = sc.next();
      if (t === TEXT) { text += sc.text; continue; }
      if (t === CLOSE) return text; // <value>text</value> is a string
      if (t === EOF) throw new XmlRpcShapeError('unexpected end of response');
      const v = this.typed(local(sc), depth);
      // Text after the typed element is ignored, as xmlrpc.client ignores it; a second one is not.
      if (this.nextTag() === OPEN) throw new XmlRpcShapeError('more than one item in a <value>');
      return v;
    }
  }

  private typed(tag: string, depth: number): XmlRpcValue {
    switch (tag) {
      case 'int': case 'i4': case 'i8': case 'i1': case 'i2': case 'bigint':
        return pyInt(this.readText());
      case 'boolean': {
        const t = this.readText();
        if (t === '1') return true;
        if (t === '0') return false;
        throw new XmlRpcShapeError('bad boolean value');
      }
      case 'double': case 'float': case 'bigdecimal':
        return pyFloat(this.readText());
      case 'string':
        return this.readText();
      case 'base64': {
        const t = this.readText();
        if (/[^\x00-\x7f]/.test(t)) throw new XmlRpcShapeError('<base64> content is not ASCII');
        return pyBase64Decode(t);
      }
      case 'dateTime.iso8601':
        return new XmlRpcDateTime(this.readText().trim());
      case 'nil':
        this.readText();
        return null;
      case 'array': {
        this.expectOpen('data');
        const items: XmlRpcValue[] = [];
        while (this.openOrClose('<value>', 'value')) items.push(this.value(depth + 1));
        this.expectClose();
        return items;
      }
      case 'struct': {
        const obj: XmlRpcStruct = {};
        while (this.openOrClose('<member>', 'member')) {
          if (!this.sc.tryOpen('<name>', 'name')) this.expectOpen('name');
          const key = this.readText();
          if (!this.sc.tryOpen('<value>', 'value')) this.expectOpen('value');
          setMember(obj, key, this.value(depth + 1));
          this.expectClose();
        }
        return obj;
      }
      default:
        throw new XmlRpcShapeError(`unknown tag <${tag.slice(0, 40)}> in a <value>`);
    }
  }
}

/** xmlrpc.client's loads() of a methodResponse with one param; a <fault> throws RpcFault. */
export function decodeResponseText(src: string): XmlRpcValue {
  return new ResponseReader(src).read();
}

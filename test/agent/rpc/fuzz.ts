// Deterministic mutation fuzzing for the codec tests: a seeded PRNG and small edits of valid
// documents. FUZZ_CASES and FUZZ_SEED in the environment widen a run by hand.

export const FUZZ_CASES = Number(process.env.FUZZ_CASES ?? 3000);

/** mulberry32, seeded from FUZZ_SEED (default fixed), so a failure can be replayed. */
export function fuzzRandom(): () => number {
  let a = Number(process.env.FUZZ_SEED ?? 20240515) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What mutations insert: markup pieces, references, odd characters, XML-RPC tags, namespace bits. */
const TOKENS = ['<', '>', '&', ';', '/', '"', "'", '=', '!', '?', '-', '[', ']', ' ', '\n', '\r', '#', 'x', '1', '0', '_', '.', 'é',
  '\u0001', '&amp;', '&#65;', '&#0;', '&#x110000;', '&bogus;', '<!--', '-->', '<![CDATA[', ']]>', '<a>', '</a>', '<b/>', '<value>',
  '</value>', '<int>', '</int>', '<string>', '</string>', '<member>', '</member>', '<name>', '</name>', '<params>', '<param>', '<?xml version="1.0"?>', '<?p?>',
  '<boolean>', '</boolean>', '<base64>', '<double>', '<i4>', '<nil/>', '<fault>', '<data>', '<struct>',
  ':', 'a:', ' xmlns="urn:d"', ' xmlns:a="urn:a"', ' xmlns:b="urn:a"', ' a:k="1"', ' b:k="2"', ' xmlns:a=""'];

/** One to three edits: delete a character, insert a token, duplicate or delete a slice. */
export function mutate(doc: string, rnd: () => number): string {
  let s = doc;
  const n = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = Math.floor(rnd() * 5);
    if (op === 0) s = s.slice(0, at) + s.slice(at + 1);
    else if (op <= 2) s = s.slice(0, at) + (TOKENS[Math.floor(rnd() * TOKENS.length)] as string) + s.slice(at);
    else if (op === 3) {
      const len = Math.floor(rnd() * 12);
      s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
    } else {
      const len = 1 + Math.floor(rnd() * 8);
      s = s.slice(0, at) + s.slice(at + len);
    }
  }
  return s;
}


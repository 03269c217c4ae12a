// The INI dialect against supervisord's own parser (UnhosedConfigParser on Debian's Python):
// random lines of ';', '#', blanks and delimiters, written to files and read both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { fuzzRandom, parseFileOurs, pick, pythonAvailable, pythonParseFiles, randomText } from './python-oracle.js';

const skip = pythonAvailable ? false : 'Debian python3 with the supervisor package is not installed';

// Python-only (\x1c, \x85) and JS-only (U+FEFF) whitespace, and both (\t, U+3000), among the prefixes.
const VALUE_CHARS = ['a', 'b', ';', '#', ';', '#', ' ', ' ', '\t', '=', ':', '\u3000', '\x1c', '\x85', '\ufeff'];
const LEADS = ['', '', '', ' ', '\t', '#', ';', ' ;', '\x1c'];
const BREAKS = ['\n', '\n', '\n', '\r\n', '\r'];

function randomLine(rand: () => number, j: number): string {
  const tail = randomText(rand, VALUE_CHARS, 11);
  if (rand() < 0.1) return pick(rand, LEADS) + tail;
  return `${pick(rand, LEADS)}k${j}${pick(rand, ['=', ':', ' = ', '\t:'])}${tail}`;
}

test('random lines parse as supervisord parses them (values, comments, continuations, errors)', { skip }, (t) => {
  const dir = makeTmpDir(t);
  const rand = fuzzRandom();
  const files: string[] = [];
  for (let f = 0; f < 1500; f++) {
    let text = f % 7 === 0 ? '' : '[s]\n';
    const lines = 1 + Math.floor(rand() * 4);
    for (let j = 0; j < lines; j++) text += randomLine(rand, j) + pick(rand, BREAKS);
    const path = join(dir, `f${f}.conf`);
    writeFileSync(path, text);
    files.push(path);
  }
  const theirs = pythonParseFiles(files);
  files.forEach((path, i) => {
    assert.deepEqual(parseFileOurs(path), theirs[i], `${path}: ${JSON.stringify(readFileSync(path, 'utf8'))}`);
  });
});

// Reading a password for the CLI from standard input, never from the command line (where `ps` shows it):
// on a terminal it prompts twice without echo; from a pipe it takes the first line.
import { StringDecoder } from 'node:string_decoder';

export interface PasswordIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Where prompts go, so standard output stays clean. */
  readonly stderr: NodeJS.WritableStream;
}

/** Reading failed: interrupted, no input, or the two entries differ. The message never holds the password. */
export class PasswordInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordInputError';
  }
}

type Chunk = Buffer | string;

function rawModeSwitch(stdin: object): ((on: boolean) => void) | null {
  if (!('setRawMode' in stdin) || typeof stdin.setRawMode !== 'function') return null;
  const setRawMode = stdin.setRawMode;
  return (on) => {
    setRawMode.call(stdin, on);
  };
}

/** One line typed on a terminal in raw mode, not echoed. Backspace, Ctrl-U, Ctrl-C and Ctrl-D work. */
function readHidden(io: PasswordIo, prompt: string, setRaw: (on: boolean) => void): Promise<string> {
  const { stdin, stderr } = io;
  stderr.write(prompt);
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let chars: string[] = [];
    const finish = (): void => {
      stdin.removeListener('data', onData);
      setRaw(false);
      stdin.pause();
      stderr.write('\n');
    };
    function onData(chunk: Chunk): void {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      let offset = 0;
      for (const ch of text) {
        offset += ch.length;
        if (ch === '\r' || ch === '\n') {
          finish();
          // A pasted chunk may already hold the next answer: leave it for the next read.
          const rest = text.slice(offset).replace(/^\n/, '');
          if (rest !== '') stdin.unshift(rest);
          resolve(chars.join(''));
          return;
        }
        if (ch === '\u0003' || (ch === '\u0004' && chars.length === 0)) {
          finish();
          reject(new PasswordInputError(ch === '\u0003' ? 'interrupted' : 'no password entered'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') chars.pop();
        else if (ch === '\u0015') chars = [];
        else if (ch >= ' ') chars.push(ch);
      }
    }
    setRaw(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** The first line of a piped standard input (without its line ending). */
function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let text = '';
    const done = (): void => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.removeListener('error', onError);
      stdin.pause();
    };
    function onData(chunk: Chunk): void {
      text += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        done();
        resolve(text.slice(0, nl).replace(/\r$/, ''));
      }
    }
    function onEnd(): void {
      text += decoder.end();
      done();
      if (text === '') reject(new PasswordInputError('no password on standard input'));
      else resolve(text.replace(/\r$/, ''));
    }
    function onError(err: unknown): void {
      done();
      reject(err);
    }
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    stdin.resume();
  });
}

/** A password from standard input; on a terminal `confirm` asks twice and refuses a mismatch. */
export async function readPassword(io: PasswordIo, opts: { confirm: boolean }): Promise<string> {
  if (io.stdin.isTTY !== true) return readFirstLine(io.stdin);
  const setRaw = rawModeSwitch(io.stdin);
  if (setRaw === null) throw new PasswordInputError('cannot turn off echo on this terminal');
  const first = await readHidden(io, 'Password: ', setRaw);
  if (!opts.confirm) return first;
  const second = await readHidden(io, 'Repeat password: ', setRaw);
  if (first !== second) throw new PasswordInputError('the passwords do not match');
  return first;
}

import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** Reads a password: the first line of stdin when piped, or typed twice without echo on a terminal. */
export async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  const first = await askHidden(`${prompt}: `);
  const second = await askHidden('Again: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

function askHidden(question: string): Promise<string> {
  process.stdout.write(question);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

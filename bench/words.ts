// How English-like generated text is: the share of its words that are words of the corpus
// (Moby-Dick, lower-cased), beside the same share for shuffled letters (the floor).
// Reads the samples.json that generate_text writes and scores each temperature's generated
// part (not the seed; a word the seed started is left out).
//   npm run bench -- words examples/out/char_moby_text/samples.json
import { readFileSync } from 'node:fs';
import { mobyDick } from '../runtime/data/packaged.js';
import { mulberry32, permutation } from '../runtime/random.js';

const WORD = /[a-z]+(?:'[a-z]+)?/g;

export const wordsOf = (text: string): string[] => text.toLowerCase().match(WORD) ?? [];

/** Fraction of the words of `text` found in `known`. */
export function knownShare(text: string, known: ReadonlySet<string>): { share: number; words: number } {
  const words = wordsOf(text);
  return { share: words.length ? words.filter((w) => known.has(w)).length / words.length : 0, words: words.length };
}

/** The generated part of a sample, without a word the seed had begun. */
export function generatedPart(seed: string, text: string): string {
  return /[a-z']$/i.test(seed) ? text.replace(/^[a-z']+/i, '') : text;
}

export function benchWords(files: string[]): void {
  const known = new Set(wordsOf(mobyDick()));
  console.log(`## generated text: words of the corpus (${known.size} distinct words in Moby-Dick)`);
  for (const f of files) {
    const { samples } = JSON.parse(readFileSync(f, 'utf8')) as { samples: { temperature: number; seed: string; text: string }[] };
    for (const s of samples) {
      const text = generatedPart(s.seed, s.text);
      const { share, words } = knownShare(text, known);
      const chars = [...text];
      const order = permutation(chars.length, mulberry32(1));
      const shuffled = knownShare(Array.from(order, (i) => chars[i]).join(''), known);
      console.log(`temperature ${String(s.temperature).padEnd(4)} ${String(words).padStart(5)} words  ${(100 * share).toFixed(1).padStart(5)}% in the corpus  (its letters shuffled: ${(100 * shuffled.share).toFixed(1)}%)`);
    }
  }
}

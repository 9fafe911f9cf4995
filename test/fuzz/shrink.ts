// A failing input made small: delta debugging (ddmin) over lines, then over characters,
// keeping each cut after which the input still fails the same way. Bounded in tries and
// time, since each try runs a phase again.
export type StillFails = (text: string) => boolean | Promise<boolean>;

export async function shrink(text: string, stillFails: StillFails, { maxTries = 400, maxMs = 20_000 } = {}): Promise<string> {
  const t0 = performance.now();
  let tries = 0;
  const budgetLeft = () => tries < maxTries && performance.now() - t0 < maxMs;
  const ddmin = async (parts: string[]): Promise<string[]> => {
    let chunks = 2;
    while (parts.length >= 2 && budgetLeft()) {
      const size = Math.ceil(parts.length / chunks);
      let cut = false;
      for (let at = 0; at < parts.length && budgetLeft(); at += size) {
        const rest = [...parts.slice(0, at), ...parts.slice(at + size)];
        tries++;
        if (await stillFails(rest.join(''))) {
          parts = rest;
          chunks = Math.max(chunks - 1, 2);
          cut = true;
          break;
        }
      }
      if (!cut) {
        if (size === 1) break;
        chunks = Math.min(parts.length, chunks * 2);
      }
    }
    return parts;
  };
  const lines = await ddmin(text.split(/(?<=\n)/));
  return (await ddmin([...lines.join('')])).join('');
}

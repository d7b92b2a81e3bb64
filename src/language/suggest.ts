/** "did you mean ...?" for misspelt names: the nearest candidate by edit distance. */

export function maybe(name: string, candidates: Iterable<string>): string {
  const s = closest(name, candidates);
  return s ? `; did you mean '${s}'?` : '';
}

export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const s = closest(name, candidates);
  return s ? `did you mean '${s}'?` : undefined;
}

/** Nearest candidate by edit distance (a swap of two letters counts as one edit), if close enough to be a typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  // One- and two-letter names are too short for a guess to be more than noise.
  const limit = name.length <= 2 ? 0 : name.length <= 5 ? 1 : Math.floor(name.length / 3);
  if (limit === 0) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    if (c === name || Math.abs(c.length - name.length) > limit) continue;
    const d = editDistance(name, c);
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= limit ? best : undefined;
}

/** Optimal string alignment distance. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      let v = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
      rows[i].push(v);
    }
  }
  return rows[a.length][b.length];
}

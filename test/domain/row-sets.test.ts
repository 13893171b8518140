import { describe, expect, it } from 'vitest';
import { orderByValue } from '../../src/domain/leads/memory/row-sets.js';

/** What orderByValue must equal: a stable comparator sort of the rows with a value (-0 and 0 are equal). */
function byComparator(values: Float64Array): number[] {
  return [...values.keys()].filter((r) => !Number.isNaN(values[r]!)).sort((x, y) => values[x]! - values[y]! || x - y);
}

describe('ordering rows by value (the index of a number column)', () => {
  it('agrees with a comparator sort on awkward values: signs, zeros, infinities, subnormals, repeats, NaN', () => {
    const awkward = [
      0,
      -0,
      1,
      -1,
      0.1,
      -0.1,
      1e308,
      -1e308,
      5e-324,
      -5e-324,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      2 ** 53,
      4.5,
      4.5,
      52.52,
      13.405,
    ];
    const values = Float64Array.from([...awkward, ...awkward.reverse()]);
    expect([...orderByValue(values)]).toEqual(byComparator(values));
  });

  it('agrees on a large column of many repeats and of all-different values alike', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const repeats = Float64Array.from({ length: 50_000 }, () => (random() < 0.05 ? Number.NaN : Math.floor(random() * 100)));
    const spread = Float64Array.from({ length: 50_000 }, () => (random() - 0.5) * 10 ** Math.floor(random() * 12 - 6));
    const integersOnly = Float64Array.from({ length: 1_000 }, (_, i) => i % 7);
    for (const values of [repeats, spread, integersOnly, new Float64Array(0), Float64Array.from([Number.NaN])]) {
      expect([...orderByValue(values)]).toEqual(byComparator(values));
    }
  });
});

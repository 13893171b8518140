import type { PGlite } from '@electric-sql/pglite';

/** What copyMerge runs on PGlite: in-process (tests) and on the embedded database's thread alike. */
export interface PgliteCopyMerge {
  prepare: string;
  copy: string;
  csv: string;
  merge: string;
}

export async function pgliteCopyMerge(pg: PGlite, m: PgliteCopyMerge): Promise<Record<string, unknown>[]> {
  return pg.transaction(async (tx) => {
    await tx.exec(m.prepare);
    await tx.query(m.copy, [], { blob: new Blob([m.csv]) });
    return (await tx.query<Record<string, unknown>>(m.merge)).rows;
  });
}

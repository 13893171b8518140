/** One element of a PostgreSQL array literal: always quoted, so commas, braces and NULL spelt out stay text. */
const arrayElement = (s: string) => `"${s.replace(/[\\"]/g, '\\$&')}"`;

/** One CSV field for COPY ... WITH (FORMAT csv): NULL is the unquoted empty field, text is always quoted. */
function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = v instanceof Date ? v.toISOString() : Array.isArray(v) ? `{${v.map((e) => arrayElement(String(e))).join(',')}}` : String(v);
  return `"${s.includes('"') ? s.replaceAll('"', '""') : s}"`;
}

/** One row as a line of COPY's CSV; a text[] column's value is an array of strings. */
export function csvLine<R>(row: R, columns: readonly (keyof R)[]): string {
  let out = field(row[columns[0]!]);
  for (let i = 1; i < columns.length; i++) out += `,${field(row[columns[i]!])}`;
  return `${out}\n`;
}

/** Rows as COPY's CSV. */
export function toCsv<R>(rows: readonly R[], columns: readonly (keyof R)[]): string {
  let out = '';
  for (const row of rows) out += csvLine(row, columns);
  return out;
}

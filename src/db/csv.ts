/** One CSV field for COPY ... WITH (FORMAT csv): NULL is the unquoted empty field, text is always quoted. */
function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = v instanceof Date ? v.toISOString() : String(v);
  return `"${s.includes('"') ? s.replaceAll('"', '""') : s}"`;
}

export function toCsv<R>(rows: readonly R[], columns: readonly (keyof R)[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) out += ',';
      out += field(row[columns[i]!]);
    }
    out += '\n';
  }
  return out;
}

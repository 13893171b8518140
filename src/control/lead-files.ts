import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { parse, type Options } from 'csv-parse';
import { LEAD_IMPORT_COLUMNS, LEAD_REQUIRED_COLUMNS, type LeadRecord, type LeadRowFailure } from '../domain/leads/import.js';
import type { LeadKind } from '../domain/leads/inputs.js';

/**
 * A lead file, read as a stream (a file of millions of rows is never held whole): CSV with a
 * header row naming the columns, or NDJSON (one JSON object a line) when the name ends in
 * .ndjson or .jsonl. Yields each row with the line it starts on, and each line that cannot be a
 * row at all (broken CSV quoting, a line that is not JSON) as a failure; the rows are judged
 * later, by the import.
 */
export type LeadFileItem = { record: LeadRecord } | { failure: LeadRowFailure };

/** Far above any real row (a few hundred bytes); bounds what one bad line can make us hold. */
export const MAX_ROW_CHARS = 64 * 1024;

export function isNdjson(file: string): boolean {
  return ['.ndjson', '.jsonl'].includes(extname(file).toLowerCase());
}

/** Opens the file, failing at once (with the reason) when it cannot be read. */
async function open(file: string, encoding?: 'utf8') {
  const stream = createReadStream(file, { encoding, highWaterMark: 256 * 1024 });
  await new Promise<void>((ok, fail) => {
    stream.once('readable', ok);
    stream.once('error', (err: NodeJS.ErrnoException) => fail(new Error(`cannot read ${file}: ${err.code ?? err.message}`)));
  });
  return stream;
}

export async function readLeadFile(file: string, kind: LeadKind): Promise<AsyncIterable<LeadFileItem>> {
  // csv-parse reads bytes (it would turn text back into them).
  return isNdjson(file) ? ndjson(await open(file, 'utf8')) : csv(await open(file), file, kind);
}

/** csv-parse's words for what went wrong, as a person fixing the file needs them. */
const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field opened in this row is never closed: everything from its opening quote to the end of the file was read as one field',
  CSV_MAX_RECORD_SIZE: `a row is longer than ${MAX_ROW_CHARS} characters`,
};

/** "External ID" and "external-id" are external_id. */
const columnName = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** The header must name known columns, each once, and the ones a row cannot do without. */
function checkHeader(header: string[], file: string, kind: LeadKind): string[] {
  const names = header.map(columnName);
  const known = LEAD_IMPORT_COLUMNS[kind];
  const columns = `the columns of ${kind} leads are ${known.join(', ')}`;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length)
    throw new Error(`${file}: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} in the header (line 1); ${columns}`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`${file}: column "${twice}" appears twice in the header (line 1)`);
  const missing = LEAD_REQUIRED_COLUMNS[kind].filter((n) => !names.includes(n));
  if (missing.length) throw new Error(`${file}: the header (line 1) lacks ${missing.join(', ')}, which every ${kind} lead needs; ${columns}`);
  return names;
}

interface CsvRow {
  record: string[];
  /** The line the record starts on. */
  line: number;
}

const count = (s: string, ch: string) => {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
};

async function* csv(stream: NodeJS.ReadableStream, file: string, kind: LeadKind): AsyncGenerator<LeadFileItem> {
  const skipped: LeadRowFailure[] = [];
  // csv-parse counts a line for each CR and each LF inside a quoted field, so a CRLF there counts
  // two (and a lone CR one): the lines it reports run ahead by the CRs seen so far.
  let crs = 0;
  /** Where the last record read ends: a quote never closed opened in the row after it. */
  let lastEnd = 1;
  const options: Options<CsvRow, string[]> = {
    bom: true,
    // Where each record starts, without a copy of the parser's whole state per record (info: true).
    on_record: (record, context) => {
      let lf = 0;
      for (const field of record) {
        if (field.includes('\r')) crs += count(field, '\r');
        if (field.includes('\n')) lf += count(field, '\n');
      }
      lastEnd = context.lines - crs;
      return { record, line: lastEnd - lf };
    },
    skip_empty_lines: true,
    // A row with too few or too many fields is reported here, by line, rather than ending the file.
    relax_column_count: true,
    // A quote inside a field is kept as text ("Eve"x is "Eve"x), as spreadsheets read it, rather
    // than taking the rest of the file for one field.
    relax_quotes: true,
    // What is still broken (a quote never closed, a row too long) is skipped and reported.
    skip_records_with_error: true,
    on_skip: (err) => {
      if (!err) return;
      const line = err.code === 'CSV_QUOTE_NOT_CLOSED' ? lastEnd + 1 : (Number(err.lines) || 0) - crs;
      skipped.push({ line, reason: `is not valid CSV: ${CSV_PROBLEMS[err.code] ?? err.message}` });
    },
    max_record_size: MAX_ROW_CHARS,
  };
  // parse() declares what on_record returns only together with `columns`, which this does without.
  const parser = stream.pipe(parse(options as unknown as Options)) as AsyncIterable<CsvRow>;
  let header: string[] | undefined;
  for await (const { record, line } of parser) {
    // The parser runs ahead of this loop: what it skipped before this record is reported first.
    while (skipped.length && skipped[0]!.line < line) yield { failure: skipped.shift()! };
    if (!header) {
      header = checkHeader(record, file, kind);
      continue;
    }
    if (record.length !== header.length) {
      yield { failure: { line, reason: `has ${record.length} field${record.length === 1 ? '' : 's'}; the header has ${header.length}` } };
      continue;
    }
    const values: Record<string, unknown> = {};
    for (let i = 0; i < header.length; i++) values[header[i]!] = record[i];
    yield { record: { line, values } };
  }
  while (skipped.length) yield { failure: skipped.shift()! };
  if (!header) throw new Error(`${file} is empty: a CSV file of leads starts with a header row naming its columns (${LEAD_IMPORT_COLUMNS[kind].join(', ')})`);
}

/** Lines of a text stream, each at most MAX_ROW_CHARS characters; a longer one is reported and skipped whole. */
async function* lines(stream: AsyncIterable<string>): AsyncGenerator<{ line: number; text: string } | { line: number; tooLong: true }> {
  let n = 0;
  let partial = '';
  let overflowing = false;
  for await (const chunk of stream) {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      n++;
      const text = overflowing ? '' : partial + chunk.slice(start, nl);
      if (overflowing || text.length > MAX_ROW_CHARS) yield { line: n, tooLong: true };
      else yield { line: n, text };
      partial = '';
      overflowing = false;
      start = nl + 1;
    }
    if (!overflowing) {
      partial += chunk.slice(start);
      if (partial.length > MAX_ROW_CHARS) {
        overflowing = true;
        partial = '';
      }
    }
  }
  if (overflowing || partial.length > MAX_ROW_CHARS) yield { line: n + 1, tooLong: true };
  else if (partial !== '') yield { line: n + 1, text: partial };
}

async function* ndjson(stream: AsyncIterable<string>): AsyncGenerator<LeadFileItem> {
  for await (const l of lines(stream)) {
    if ('tooLong' in l) {
      yield { failure: { line: l.line, reason: `is longer than ${MAX_ROW_CHARS} characters` } };
      continue;
    }
    const text = l.line === 1 ? l.text.replace(/^\uFEFF/, '') : l.text;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { failure: { line: l.line, reason: 'is not valid JSON' } };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { failure: { line: l.line, reason: 'must be a JSON object of columns, e.g. {"external_id":"p-1",...}' } };
      continue;
    }
    yield { record: { line: l.line, values: value as Record<string, unknown> } };
  }
}

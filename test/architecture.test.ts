import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules of ARCHITECTURE.md, checked on every import of every file under src/ (static,
 * `export … from` and dynamic `import()` alike, read by the TypeScript compiler's own scanner).
 */
const SRC = resolve(import.meta.dirname, '../src');

/** Which layers each layer may import (itself always). `entry` is src/*.ts: it wires everything. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  types: [],
  db: ['types'],
  domain: ['db', 'types'],
  operations: ['domain', 'types'],
  gateway: ['domain', 'db', 'operations', 'types'],
  http: ['domain', 'types'],
  rest: ['domain', 'db', 'operations', 'gateway', 'http', 'types'],
  graphql: ['domain', 'db', 'operations', 'gateway', 'http', 'types'],
  docs: ['domain', 'db', 'operations', 'rest', 'graphql', 'types'],
  control: ['domain', 'db', 'rest', 'types'],
  entry: ['types', 'db', 'domain', 'operations', 'gateway', 'http', 'rest', 'graphql', 'docs', 'control'],
};

/** Libraries that belong to a surface: the service layer and the database stay free of HTTP and GraphQL. */
const SURFACE_PACKAGES = /^(graphql|graphql-yoga|@graphql-yoga\/.*|@pothos\/.*|@escape\.tech\/.*|find-my-way|dataloader|node:http|node:https)$/;

/**
 * Edges that break a rule and are known, each with why it is still there. An entry that no longer
 * occurs fails the test, so the list only shrinks. Empty: add one only with its reason and a plan
 * to remove it.
 */
const KNOWN_EXCEPTIONS: Record<string, string> = {};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|mjs)$/.test(e.name) ? [p] : [];
  });
}

function layerOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length === 1 ? 'entry' : parts[0]!;
}

/** Every module specifier `file` imports or re-exports. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

interface Edge {
  from: string;
  to: string;
  fromLayer: string;
  toLayer: string;
}

function localEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => {
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        return { from: relative(SRC, file), to: relative(SRC, target), fromLayer: layerOf(file), toLayer: layerOf(target) };
      }),
  );
}

/**
 * What the operation declarations may take from the domain beyond types: its zod inputs, its list
 * declarations and the shared modules that hold no service function. A declaration that reached
 * a service module would load the service layer to describe it.
 */
const DECLARATION_SOURCES = /^domain\/(?:.+\/(?:inputs|lists)|pagination|scopes|errors|validation)\.ts$/;

/** The modules `file` imports values from: `import type` and all-type named imports left out. */
function valueImportsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  return source.statements.flatMap((s) => {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier)) return [];
    const clause = s.importClause;
    const typesOnly =
      clause?.isTypeOnly ||
      (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.every((e) => e.isTypeOnly));
    return typesOnly ? [] : [s.moduleSpecifier.text];
  });
}

describe('layer boundaries (ARCHITECTURE.md)', () => {
  const edges = localEdges();

  it('reads the imports of every file under src/', () => {
    // A scanner that found nothing would pass every rule below.
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.from === 'app.ts' && e.toLayer === 'graphql')).toBe(true);
  });

  it('knows every folder under src/ as a layer', () => {
    const unknown = [...new Set(edges.flatMap((e) => [e.fromLayer, e.toLayer]))].filter((l) => !(l in MAY_IMPORT));
    expect(unknown, 'a new folder under src/ needs its place in ARCHITECTURE.md and in MAY_IMPORT here').toEqual([]);
  });

  it('has no import a layer may not make', () => {
    const broken = edges
      .filter((e) => e.fromLayer !== e.toLayer && !(MAY_IMPORT[e.fromLayer] ?? []).includes(e.toLayer))
      .map((e) => `${e.from} -> ${e.to}`)
      .filter((edge) => !(edge in KNOWN_EXCEPTIONS));
    expect(broken).toEqual([]);
  });

  it('lists only exceptions that still occur', () => {
    const present = new Set(edges.map((e) => `${e.from} -> ${e.to}`));
    expect(Object.keys(KNOWN_EXCEPTIONS).filter((edge) => !present.has(edge))).toEqual([]);
  });

  it('keeps HTTP and GraphQL libraries out of the domain, the operation declarations and the database', () => {
    const leaks = sourceFiles(SRC)
      .filter((f) => ['domain', 'operations', 'db'].includes(layerOf(f)))
      .flatMap((f) =>
        importsOf(f)
          .filter((spec) => SURFACE_PACKAGES.test(spec))
          .map((spec) => `${relative(SRC, f)} -> ${spec}`),
      );
    expect(leaks).toEqual([]);
  });

  it('lets the operation declarations take from the domain only types, inputs, list declarations and shared modules', () => {
    const declarations = sourceFiles(SRC).filter((f) => layerOf(f) === 'operations');
    const reached = declarations.flatMap((f) =>
      valueImportsOf(f)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => ({ from: relative(SRC, f), to: relative(SRC, resolve(dirname(f), spec).replace(/\.js$/, '.ts')) })),
    );
    expect(reached.some((e) => e.to === 'domain/keys/lists.ts')).toBe(true);
    expect(reached.filter((e) => e.to.startsWith('domain/') && !DECLARATION_SOURCES.test(e.to)).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
    expect(DECLARATION_SOURCES.test('domain/keys/service.ts')).toBe(false);
  });

  it('would catch a forbidden edge', () => {
    // The rule itself, on edges the code must never grow.
    const allowed = (from: string, to: string) => (MAY_IMPORT[from] ?? []).includes(to);
    expect(allowed('domain', 'gateway')).toBe(false);
    expect(allowed('domain', 'rest')).toBe(false);
    expect(allowed('domain', 'graphql')).toBe(false);
    expect(allowed('rest', 'graphql')).toBe(false);
    expect(allowed('graphql', 'rest')).toBe(false);
    expect(allowed('db', 'domain')).toBe(false);
    expect(allowed('operations', 'rest')).toBe(false);
    expect(allowed('operations', 'graphql')).toBe(false);
    expect(allowed('gateway', 'rest')).toBe(false);
    expect(allowed('http', 'rest')).toBe(false);
    expect(allowed('http', 'graphql')).toBe(false);
  });
});

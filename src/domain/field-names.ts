import type { z } from 'zod';
import { type ApiError, errors } from './errors.js';
import { type PathLink, pathOf } from './validation.js';

/**
 * The domain names fields in camelCase; REST bodies and the CLI's import files spell them in
 * snake_case. One deep conversion at that edge, both ways, led by the input's zod schema:
 *
 * - the keys of an object (`z.object`) are field names, converted at every depth, in arrays too;
 * - the keys of a record (`z.record`) are the caller's data, e.g. a CRM's custom field names
 *   (`custom_fields: {"Favourite_Color": …}`): an open map keeps them as sent, while its values
 *   are converted by their own schema;
 * - a value of `z.unknown()`, `z.any()` or `z.json()` is the caller's data through and through,
 *   left as sent;
 * - a union is read by the value's own shape: an array by its array options, an object by its
 *   object options (else its records); a value none of them reads is left as sent;
 * - a recursive schema (`z.lazy`) is read the same at every depth of its recursion;
 * - where no schema says (no input schema, a field the schema does not know), snake_case keys are
 *   converted at every depth, so an unknown field is named back as it was sent.
 *
 * So marking a map open is declaring it a record in the domain's input.
 */

/** How the keys of a value are spelt, as read from its schema. */
type Layout =
  | { kind: 'object'; fields: ReadonlyMap<string, Layout>; rest: Layout }
  | { kind: 'array'; item: Layout }
  | { kind: 'map'; value: Layout }
  /** A union's: chosen by what the value is, an array or an object (an object's fields, or a map). */
  | { kind: 'either'; array: Layout; object: Layout }
  | { kind: 'data' }
  | { kind: 'free' };

const FREE: Layout = { kind: 'free' };
const DATA: Layout = { kind: 'data' };

type Def = z.core.$ZodTypeDef & Record<string, unknown>;
const defOf = (s: z.core.$ZodType) => s._zod.def as Def;

type ObjectLayout = Layout & { kind: 'object' };

/** Layouts of one kind that one value may take (a union's array options, say): their items, values or fields together. */
function together(layouts: Layout[]): Layout {
  if (layouts.length === 1) return layouts[0]!;
  const items = layouts.flatMap((l) => (l.kind === 'array' ? [l.item] : []));
  if (items.length) return { kind: 'array', item: merge(items) };
  const values = layouts.flatMap((l) => (l.kind === 'map' ? [l.value] : []));
  if (values.length) return { kind: 'map', value: merge(values) };
  const objects = layouts.filter((l): l is ObjectLayout => l.kind === 'object');
  const fields = new Map<string, Layout>();
  for (const o of objects) for (const [k, v] of o.fields) if (!fields.has(k)) fields.set(k, v);
  return { kind: 'object', fields, rest: objects[0]!.rest };
}

/**
 * Where several schemas may hold a value (a union, an intersection), the value's own shape
 * picks among them: an array is read by the array options, an object by the object options (its
 * keys are field names) or else by the maps (its keys are data). A value no option reads (an
 * object sent where a string or a list may go) is left as sent, since the schema refuses it
 * whole; unless an option is a schema this file cannot read, which reads it as no schema does.
 */
function merge(layouts: Layout[]): Layout {
  const options = layouts.flatMap((l) => (l.kind === 'either' ? [l.array, l.object] : [l]));
  const of = (kind: Layout['kind']) => options.filter((l) => l.kind === kind);
  const fallback = of('free').length ? FREE : DATA;
  const arrays = of('array');
  const objects = of('object').length ? of('object') : of('map');
  if (!arrays.length && !objects.length) return fallback;
  return { kind: 'either', array: arrays.length ? together(arrays) : fallback, object: objects.length ? together(objects) : fallback };
}

/** Whether reading a value by `layout` could convert any key: false for the caller's data through and through. */
function convertsKeys(layout: Layout, seen = new Set<Layout>()): boolean {
  if (seen.has(layout)) return false;
  seen.add(layout);
  switch (layout.kind) {
    case 'object':
    case 'free':
      return true;
    case 'data':
      return false;
    case 'array':
      return convertsKeys(layout.item, seen);
    case 'map':
      return convertsKeys(layout.value, seen);
    case 'either':
      return convertsKeys(layout.array, seen) || convertsKeys(layout.object, seen);
  }
}

/** `open`: the recursive (lazy) schemas being read, each with the layout that stands for it below itself. */
function build(schema: z.core.$ZodType, open: Map<z.core.$ZodType, Layout>): Layout {
  const def = defOf(schema);
  const inner = (s: unknown) => build(s as z.core.$ZodType, open);
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      const fields = new Map(Object.entries(shape).map(([k, v]) => [k, inner(v)]));
      return { kind: 'object', fields, rest: def.catchall ? inner(def.catchall) : FREE };
    }
    case 'array':
      return { kind: 'array', item: inner(def.element) };
    case 'record':
      return { kind: 'map', value: inner(def.valueType) };
    case 'unknown':
    case 'any':
    // A scalar has no keys: an object sent for one is refused whole.
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'date':
    case 'null':
    case 'undefined':
    case 'literal':
    case 'enum':
    case 'template_literal':
      return DATA;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
    case 'success':
      return inner(def.innerType);
    case 'pipe':
      // What the caller sends is the pipe's input.
      return inner(def.in);
    case 'union':
      return merge((def.options as z.core.$ZodType[]).map(inner));
    case 'intersection':
      return merge([inner(def.left), inner(def.right)]);
    case 'lazy': {
      // A recursive schema refers to itself: the layout stands for it there, a cycle, filled in below.
      const self = open.get(schema);
      if (self) return self;
      const slot = { kind: 'data' } as Layout;
      open.set(schema, slot);
      const layout = inner((def.getter as () => z.core.$ZodType)());
      open.delete(schema);
      // z.json() is one: arrays and maps of itself, no field names anywhere, so the caller's data outright.
      Object.assign(slot, open.size === 0 && !convertsKeys(layout) ? DATA : layout);
      return slot;
    }
    default:
      return FREE;
  }
}

const layouts = new WeakMap<z.core.$ZodType, Layout>();

function layoutOf(schema: z.core.$ZodType | undefined): Layout {
  if (!schema) return FREE;
  let layout = layouts.get(schema);
  if (!layout) layouts.set(schema, (layout = build(schema, new Map())));
  return layout;
}

/** snake_case as REST spells it; anything else (`__proto__`, `Name`, `key_1`) is left as sent, so errors name it as sent. */
const SNAKE_KEY = /^[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)+$/;
const camelName = (k: string) => (SNAKE_KEY.test(k) ? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : k);

/** A camelCase field name as REST spells it; anything else is left as it is. */
export const snakeName = (s: string) => (/^[a-z][A-Za-z0-9]*$/.test(s) ? s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : s);

/** A union's layout for this value, by what the value is. */
const shapedFor = (layout: Layout, value: unknown): Layout => (layout.kind === 'either' ? (Array.isArray(value) ? layout.array : layout.object) : layout);

interface Frame {
  from: unknown;
  layout: Layout;
  into: Record<string | number, unknown>;
  key: string | number;
  at: PathLink | undefined;
}

/**
 * A JSON value (a REST body, an import line) with its field names in the domain's camelCase, as
 * `schema` lays them out. Iterative: a megabyte of `[[[[…` must not overflow the stack. The same
 * field sent twice under two spellings (`expires_at` and `expiresAt`) is a validation_error
 * rather than one silently winning.
 */
export function camelizeInput(value: unknown, schema?: z.core.$ZodType): unknown {
  const root: Record<string, unknown> = {};
  const stack: Frame[] = [{ from: value, layout: layoutOf(schema), into: root, key: 'value', at: undefined }];
  while (stack.length) {
    const { from, layout: declared, into, key, at } = stack.pop()!;
    const layout = shapedFor(declared, from);
    if (from === null || typeof from !== 'object' || layout.kind === 'data') {
      into[key] = from;
    } else if (Array.isArray(from)) {
      const out: unknown[] = new Array(from.length);
      into[key] = out;
      const item = layout.kind === 'array' ? layout.item : FREE;
      for (let i = from.length - 1; i >= 0; i--)
        stack.push({ from: from[i], layout: item, into: out as unknown as Frame['into'], key: i, at: { key: i, parent: at } });
    } else {
      const out: Record<string, unknown> = {};
      into[key] = out;
      const sentAs = new Map<string, string>();
      const frames: Frame[] = [];
      for (const [sent, child] of Object.entries(from)) {
        const name = layout.kind === 'map' ? sent : camelName(sent);
        const first = sentAs.get(name);
        if (first !== undefined) throw errors.validation(pathOf({ key: name, parent: at }).join('.'), `is given twice, as ${first} and as ${sent}`);
        sentAs.set(name, sent);
        const childLayout = layout.kind === 'map' ? layout.value : layout.kind === 'object' ? (layout.fields.get(name) ?? layout.rest) : FREE;
        // Defined, not assigned: a key `__proto__` is the caller's field, never our prototype.
        Object.defineProperty(out, name, { value: undefined, writable: true, enumerable: true, configurable: true });
        frames.push({ from: child, layout: childLayout, into: out, key: name, at: { key: name, parent: at } });
      }
      for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]!);
    }
  }
  return root.value;
}

/**
 * A field path of the domain (`quotas.daily`, `customFields.Favourite_Color`) as a caller of
 * `schema` spelt it: field names in snake_case, a map's keys and array indices as they are.
 */
export function snakePath(field: string, schema?: z.core.$ZodType): string {
  const segments = field.split('.');
  let layout = layoutOf(schema);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (layout.kind === 'either') layout = /^\d+$/.test(seg) && layout.array.kind !== 'data' ? layout.array : layout.object;
    if (layout.kind === 'data') break;
    if (layout.kind === 'map') {
      layout = layout.value;
    } else if (layout.kind === 'array') {
      layout = layout.item;
    } else {
      segments[i] = snakeName(seg);
      layout = layout.kind === 'object' ? (layout.fields.get(seg) ?? layout.rest) : FREE;
    }
  }
  return segments.join('.');
}

/** An error's message with its field named as a snake_case client sent it (`expires_at must be …`). */
export function snakeMessage(err: ApiError, schema?: z.core.$ZodType): string {
  return err.field && err.message.startsWith(err.field) ? snakePath(err.field, schema) + err.message.slice(err.field.length) : err.message;
}

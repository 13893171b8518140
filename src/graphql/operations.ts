import {
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { OPERATIONS_BY_FIELD, type Operation } from '../operations/index.js';

/** The fragments `root` spreads, directly or through other fragments. */
function reachableFragments(document: DocumentNode, root: OperationDefinitionNode): FragmentDefinitionNode[] {
  const byName = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) byName.set(d.name.value, d);
  const seen = new Map<string, FragmentDefinitionNode>();
  const queue: (OperationDefinitionNode | FragmentDefinitionNode)[] = [root];
  while (queue.length) {
    visit(queue.pop()!, {
      FragmentSpread(node) {
        const frag = byName.get(node.name.value);
        if (frag && !seen.has(frag.name.value)) {
          seen.set(frag.name.value, frag);
          queue.push(frag);
        }
      },
    });
  }
  return [...seen.values()];
}

/**
 * The declared operations a GraphQL operation touches: every field of the selection, in
 * fragments too, whose schema coordinate (`ApiKey.requestLogs`) has a declaration. Read from
 * the document before execution, so the gateway plugin enforces them in one place.
 */
export function declaredOperations(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Operation[] {
  const found = new Map<string, Operation>();
  for (const node of [operation, ...reachableFragments(document, operation)]) {
    const typeInfo = new TypeInfo(schema);
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          const parent = typeInfo.getParentType();
          const op = parent && OPERATIONS_BY_FIELD.get(`${parent.name}.${field.name.value}`);
          if (op) found.set(op.name, op);
        },
      }),
    );
  }
  return [...found.values()];
}

/** Fields that look like operations and are none, each with why. */
export const NOT_OPERATIONS: Readonly<Record<string, string>> = {
  'Query.node': "Relay's lookup by id: it runs the found type's loader, which checks that type's scope",
  'Query.nodes': "Relay's lookup by ids: it runs the found types' loaders, which check their scopes",
};

const isNode = (t: GraphQLOutputType) => {
  const named = getNamedType(t);
  return (isObjectType(named) || isInterfaceType(named)) && (named.name === 'Node' || named.getInterfaces().some((i) => i.name === 'Node'));
};

/** A Relay connection: a page of whatever its edges hold. */
function isConnection(t: GraphQLOutputType): boolean {
  const named = getNamedType(t);
  return isObjectType(named) && named.getFields().pageInfo !== undefined && named.getFields().edges !== undefined;
}

/**
 * Whether a field is an operation: something a caller asks for rather than data of the object it
 * sits on. A root field is; so is, on any type, a field that takes arguments (filters, windows,
 * pages) or that yields many entities (a list of nodes, or a connection), which is what credits
 * per row and limit classes are about. A field without arguments yielding one value (a key's
 * workspace, its quota usage) is its object's data, as REST returns it inside the object.
 */
function isOperationField(schema: GraphQLSchema, type: string, field: GraphQLField<unknown, unknown>): boolean {
  if (type === schema.getQueryType()?.name || type === schema.getMutationType()?.name) return true;
  if (field.args.length > 0) return true;
  const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  return (isListType(unwrapped) && isNode(unwrapped)) || isConnection(field.type);
}

/**
 * The schema coordinates of operation fields that no declaration covers (beyond NOT_OPERATIONS),
 * on any type: test/operations.test.ts requires none.
 */
export function undeclaredOperationFields(schema: GraphQLSchema, declared: (coordinate: string) => boolean = (c) => OPERATIONS_BY_FIELD.has(c)): string[] {
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (isOperationField(schema, type.name, field) && !declared(coordinate) && !(coordinate in NOT_OPERATIONS)) found.push(coordinate);
    }
  }
  return found.sort();
}

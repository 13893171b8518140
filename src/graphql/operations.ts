import {
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
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

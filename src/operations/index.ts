import * as apiKeys from './api-keys.js';
import * as leads from './leads.js';
import * as logs from './logs.js';
import * as me from './me.js';
import { graphqlCoordinate, type Operation } from './operation.js';
import * as operator from './operator.js';

export {
  creditText,
  defineOperation,
  graphqlCoordinate,
  operationFacts,
  reportsCredits,
  spendsCredits,
  strictestClass,
  type CreditCost,
  type Operation,
  type RestBinding,
} from './operation.js';
export { SHAPES } from './shapes.js';

const isOperation = (v: unknown): v is Operation => typeof v === 'object' && v !== null && 'rest' in v && 'limitClass' in v;

/** Every declared operation. */
export const OPERATIONS: readonly Operation[] = [me, apiKeys, logs, leads, operator].flatMap((m) => Object.values(m).filter(isOperation));

/** By GraphQL schema coordinate (`Mutation.createApiKey`, `ApiKey.requestLogs`), for the Yoga plugin. */
export const OPERATIONS_BY_FIELD: ReadonlyMap<string, Operation> = new Map(OPERATIONS.map((op) => [graphqlCoordinate(op), op]));

export { apiKeys as apiKeyOperations, leads as leadOperations, logs as logOperations, me as meOperations, operator as operatorOperations };

import { apiKeys } from '../../db/schema.js';
import { newestFirst } from '../pagination.js';

/** Keys of a workspace, newest first. */
export const apiKeyList = newestFirst({ name: 'api_keys', label: 'API keys', defaultLimit: 20, id: apiKeys.id, kind: 'apiKey' });

/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment KeyFields on ApiKey {\n    id\n    name\n    description\n    category\n    permissions\n    rateLimitTier\n    prefix\n    last4\n    hint\n    state\n    expiresAt\n    createdAt\n    lastUsedAt\n    quotas {\n      total\n      daily\n      weekly\n      monthly\n    }\n    rotatedFrom {\n      id\n    }\n    replacedBy {\n      id\n    }\n  }\n": typeof types.KeyFieldsFragmentDoc,
    "\n  mutation CreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      replayed\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n": typeof types.CreateKeyDocument,
    "\n  query GetKey($id: ID!) {\n    apiKey(id: $id) {\n      ...KeyFields\n    }\n  }\n": typeof types.GetKeyDocument,
    "\n  query ListKeys($first: Int, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          ...KeyFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ListKeysDocument,
    "\n  mutation UpdateKey($id: ID!, $input: UpdateApiKeyInput!) {\n    updateApiKey(id: $id, input: $input) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n": typeof types.UpdateKeyDocument,
    "\n  mutation DeactivateKey($id: ID!) {\n    deactivateApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n": typeof types.DeactivateKeyDocument,
    "\n  mutation ReactivateKey($id: ID!) {\n    reactivateApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n": typeof types.ReactivateKeyDocument,
    "\n  mutation RevokeKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n": typeof types.RevokeKeyDocument,
    "\n  mutation RotateKey($id: ID!, $input: RotateApiKeyInput) {\n    rotateApiKey(id: $id, input: $input) {\n      secret\n      apiKey {\n        ...KeyFields\n      }\n      previousApiKey {\n        ...KeyFields\n      }\n    }\n  }\n": typeof types.RotateKeyDocument,
    "\n  mutation DeleteKey($id: ID!) {\n    deleteApiKey(id: $id) {\n      deletedApiKeyId\n    }\n  }\n": typeof types.DeleteKeyDocument,
    "\n  query Viewer {\n    viewer {\n      id\n      name\n      prefix\n      permissions\n      rateLimitTier\n      workspace {\n        id\n        name\n      }\n      plan {\n        id\n        name\n        requestsPerDay\n      }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  query ViewerId {\n    viewer {\n      id\n    }\n  }\n": typeof types.ViewerIdDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n    }\n  }\n": typeof types.NodeByIdDocument,
    "\n  fragment LogFields on RequestLog {\n    id\n    requestId\n    endpoint\n    method\n    operationType\n    operationName\n    status\n    durationMs\n    ip\n    credits\n    cost\n    errorCode\n    keyPrefix\n    apiKeyId\n    at\n  }\n": typeof types.LogFieldsFragmentDoc,
    "\n  query Logs($first: Int, $after: String, $filter: RequestLogFilter) {\n    requestLogs(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          ...LogFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.LogsDocument,
    "\n  query KeysFromEnd($first: Int, $after: String, $last: Int, $before: String) {\n    apiKeys(first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n        }\n      }\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": typeof types.KeysFromEndDocument,
    "\n  query KeyLogs($id: ID!, $first: Int, $after: String, $filter: RequestLogFilter) {\n    apiKey(id: $id) {\n      requestLogs(first: $first, after: $after, filter: $filter) {\n        edges {\n          node {\n            ...LogFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.KeyLogsDocument,
    "\n  fragment UsageFields on Usage {\n    from\n    to\n    calls\n    errors\n    errorRate\n    creditsUsed\n    lastUsedAt\n    endpoints {\n      endpoint\n      calls\n      errors\n      errorRate\n    }\n  }\n": typeof types.UsageFieldsFragmentDoc,
    "\n  query WorkspaceUsage($from: DateTime, $to: DateTime) {\n    viewer {\n      workspace {\n        creditBalance\n        usage(from: $from, to: $to) {\n          ...UsageFields\n        }\n      }\n    }\n  }\n": typeof types.WorkspaceUsageDocument,
    "\n  query KeyUsage($id: ID!) {\n    apiKey(id: $id) {\n      usage {\n        ...UsageFields\n      }\n    }\n  }\n": typeof types.KeyUsageDocument,
    "\n  fragment QuotaUsageFields on QuotaUsage {\n    window\n    limit\n    used\n    remaining\n    nextSlotAt\n  }\n": typeof types.QuotaUsageFieldsFragmentDoc,
    "\n  query KeyQuotaUsage($id: ID!) {\n    apiKey(id: $id) {\n      quotaUsage {\n        ...QuotaUsageFields\n      }\n    }\n  }\n": typeof types.KeyQuotaUsageDocument,
    "\n  query ViewerQuotaUsage {\n    viewer {\n      quotaUsage {\n        ...QuotaUsageFields\n      }\n    }\n  }\n": typeof types.ViewerQuotaUsageDocument,
    "\n  query ViewerLogs($first: Int, $after: String, $filter: OwnRequestLogFilter) {\n    viewer {\n      requestLogs(first: $first, after: $after, filter: $filter) {\n        edges {\n          node {\n            ...LogFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.ViewerLogsDocument,
    "\n  query ViewerUsage($from: DateTime, $to: DateTime) {\n    viewer {\n      usage(from: $from, to: $to) {\n        ...UsageFields\n      }\n    }\n  }\n": typeof types.ViewerUsageDocument,
    "\n  query ListKeysQuotaUsage($first: Int) {\n    apiKeys(first: $first) {\n      edges {\n        node {\n          id\n          quotaUsage {\n            ...QuotaUsageFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.ListKeysQuotaUsageDocument,
    "\n  fragment B2bLeadFields on B2bLead {\n    id\n    externalId\n    firstName\n    lastName\n    title\n    seniority\n    department\n    email\n    phone\n    linkedinUrl\n    city\n    region\n    country\n    companyName\n    companyDomain\n    industry\n    companySize\n    revenueRange\n    companyCity\n    companyCountry\n    updatedAt\n    charged\n  }\n": typeof types.B2bLeadFieldsFragmentDoc,
    "\n  fragment LocalLeadFields on LocalLead {\n    id\n    externalId\n    name\n    category\n    address\n    city\n    region\n    country\n    postalCode\n    latitude\n    longitude\n    phone\n    website\n    email\n    rating\n    reviewCount\n    updatedAt\n    charged\n  }\n": typeof types.LocalLeadFieldsFragmentDoc,
    "\n  fragment CreatorLeadFields on CreatorLead {\n    id\n    externalId\n    displayName\n    handle\n    platform\n    profileUrl\n    followers\n    engagementRate\n    niches\n    country\n    language\n    email\n    verified\n    updatedAt\n    charged\n  }\n": typeof types.CreatorLeadFieldsFragmentDoc,
    "\n  query SearchB2bLeads($filter: B2bLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchB2bLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...B2bLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.SearchB2bLeadsDocument,
    "\n  query SearchLocalLeads($filter: LocalLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchLocalLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...LocalLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.SearchLocalLeadsDocument,
    "\n  query SearchCreatorLeads($filter: CreatorLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchCreatorLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...CreatorLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.SearchCreatorLeadsDocument,
    "\n  query CountB2bLeads($filter: B2bLeadFilter) {\n    countB2bLeads(filter: $filter) {\n      total\n    }\n  }\n": typeof types.CountB2bLeadsDocument,
    "\n  query CountLocalLeads($filter: LocalLeadFilter) {\n    countLocalLeads(filter: $filter) {\n      total\n    }\n  }\n": typeof types.CountLocalLeadsDocument,
    "\n  query CountCreatorLeads($filter: CreatorLeadFilter) {\n    countCreatorLeads(filter: $filter) {\n      total\n    }\n  }\n": typeof types.CountCreatorLeadsDocument,
    "\n  fragment PlanFields on Plan {\n    id\n    name\n    requestsPerSecond\n    requestsPerMinute\n    requestsPerDay\n    aiRequestsPerMinute\n    override {\n      multiplier\n      requestsPerSecond\n      requestsPerMinute\n      requestsPerDay\n      aiRequestsPerMinute\n      expiresAt\n      reason\n    }\n  }\n": typeof types.PlanFieldsFragmentDoc,
    "\n  fragment OperatorWorkspaceFields on OperatorWorkspace {\n    id\n    name\n    createdAt\n    creditBalance\n    keyCount\n    callsToday\n    plan {\n      ...PlanFields\n    }\n  }\n": typeof types.OperatorWorkspaceFieldsFragmentDoc,
    "\n  query OwnPlans {\n    viewer {\n      plan {\n        ...PlanFields\n      }\n      workspace {\n        plan {\n          ...PlanFields\n        }\n      }\n    }\n  }\n": typeof types.OwnPlansDocument,
    "\n  query OperatorWorkspaces($first: Int, $after: String, $filter: OperatorWorkspaceFilter) {\n    operatorWorkspaces(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          ...OperatorWorkspaceFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.OperatorWorkspacesDocument,
    "\n  query OperatorWorkspace($id: ID!) {\n    operatorWorkspace(id: $id) {\n      ...OperatorWorkspaceFields\n    }\n  }\n": typeof types.OperatorWorkspaceDocument,
    "\n  query OperatorAudit($id: ID!, $first: Int, $after: String) {\n    operatorWorkspace(id: $id) {\n      audit(first: $first, after: $after) {\n        edges {\n          node {\n            id\n            actor\n            action\n            before\n            after\n            at\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.OperatorAuditDocument,
    "\n  mutation OperatorUpdateWorkspace($id: ID!, $input: OperatorUpdateWorkspaceInput!) {\n    operatorUpdateWorkspace(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n": typeof types.OperatorUpdateWorkspaceDocument,
    "\n  mutation OperatorSetLimitOverride($id: ID!, $input: LimitOverrideInput!) {\n    operatorSetLimitOverride(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n": typeof types.OperatorSetLimitOverrideDocument,
    "\n  mutation OperatorClearLimitOverride($id: ID!) {\n    operatorClearLimitOverride(id: $id) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n": typeof types.OperatorClearLimitOverrideDocument,
    "\n  mutation OperatorAddCredits($id: ID!, $input: OperatorAddCreditsInput!) {\n    operatorAddCredits(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n": typeof types.OperatorAddCreditsDocument,
};
const documents: Documents = {
    "\n  fragment KeyFields on ApiKey {\n    id\n    name\n    description\n    category\n    permissions\n    rateLimitTier\n    prefix\n    last4\n    hint\n    state\n    expiresAt\n    createdAt\n    lastUsedAt\n    quotas {\n      total\n      daily\n      weekly\n      monthly\n    }\n    rotatedFrom {\n      id\n    }\n    replacedBy {\n      id\n    }\n  }\n": types.KeyFieldsFragmentDoc,
    "\n  mutation CreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      replayed\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n": types.CreateKeyDocument,
    "\n  query GetKey($id: ID!) {\n    apiKey(id: $id) {\n      ...KeyFields\n    }\n  }\n": types.GetKeyDocument,
    "\n  query ListKeys($first: Int, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          ...KeyFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ListKeysDocument,
    "\n  mutation UpdateKey($id: ID!, $input: UpdateApiKeyInput!) {\n    updateApiKey(id: $id, input: $input) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n": types.UpdateKeyDocument,
    "\n  mutation DeactivateKey($id: ID!) {\n    deactivateApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n": types.DeactivateKeyDocument,
    "\n  mutation ReactivateKey($id: ID!) {\n    reactivateApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n": types.ReactivateKeyDocument,
    "\n  mutation RevokeKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n": types.RevokeKeyDocument,
    "\n  mutation RotateKey($id: ID!, $input: RotateApiKeyInput) {\n    rotateApiKey(id: $id, input: $input) {\n      secret\n      apiKey {\n        ...KeyFields\n      }\n      previousApiKey {\n        ...KeyFields\n      }\n    }\n  }\n": types.RotateKeyDocument,
    "\n  mutation DeleteKey($id: ID!) {\n    deleteApiKey(id: $id) {\n      deletedApiKeyId\n    }\n  }\n": types.DeleteKeyDocument,
    "\n  query Viewer {\n    viewer {\n      id\n      name\n      prefix\n      permissions\n      rateLimitTier\n      workspace {\n        id\n        name\n      }\n      plan {\n        id\n        name\n        requestsPerDay\n      }\n    }\n  }\n": types.ViewerDocument,
    "\n  query ViewerId {\n    viewer {\n      id\n    }\n  }\n": types.ViewerIdDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n    }\n  }\n": types.NodeByIdDocument,
    "\n  fragment LogFields on RequestLog {\n    id\n    requestId\n    endpoint\n    method\n    operationType\n    operationName\n    status\n    durationMs\n    ip\n    credits\n    cost\n    errorCode\n    keyPrefix\n    apiKeyId\n    at\n  }\n": types.LogFieldsFragmentDoc,
    "\n  query Logs($first: Int, $after: String, $filter: RequestLogFilter) {\n    requestLogs(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          ...LogFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.LogsDocument,
    "\n  query KeysFromEnd($first: Int, $after: String, $last: Int, $before: String) {\n    apiKeys(first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n        }\n      }\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": types.KeysFromEndDocument,
    "\n  query KeyLogs($id: ID!, $first: Int, $after: String, $filter: RequestLogFilter) {\n    apiKey(id: $id) {\n      requestLogs(first: $first, after: $after, filter: $filter) {\n        edges {\n          node {\n            ...LogFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.KeyLogsDocument,
    "\n  fragment UsageFields on Usage {\n    from\n    to\n    calls\n    errors\n    errorRate\n    creditsUsed\n    lastUsedAt\n    endpoints {\n      endpoint\n      calls\n      errors\n      errorRate\n    }\n  }\n": types.UsageFieldsFragmentDoc,
    "\n  query WorkspaceUsage($from: DateTime, $to: DateTime) {\n    viewer {\n      workspace {\n        creditBalance\n        usage(from: $from, to: $to) {\n          ...UsageFields\n        }\n      }\n    }\n  }\n": types.WorkspaceUsageDocument,
    "\n  query KeyUsage($id: ID!) {\n    apiKey(id: $id) {\n      usage {\n        ...UsageFields\n      }\n    }\n  }\n": types.KeyUsageDocument,
    "\n  fragment QuotaUsageFields on QuotaUsage {\n    window\n    limit\n    used\n    remaining\n    nextSlotAt\n  }\n": types.QuotaUsageFieldsFragmentDoc,
    "\n  query KeyQuotaUsage($id: ID!) {\n    apiKey(id: $id) {\n      quotaUsage {\n        ...QuotaUsageFields\n      }\n    }\n  }\n": types.KeyQuotaUsageDocument,
    "\n  query ViewerQuotaUsage {\n    viewer {\n      quotaUsage {\n        ...QuotaUsageFields\n      }\n    }\n  }\n": types.ViewerQuotaUsageDocument,
    "\n  query ViewerLogs($first: Int, $after: String, $filter: OwnRequestLogFilter) {\n    viewer {\n      requestLogs(first: $first, after: $after, filter: $filter) {\n        edges {\n          node {\n            ...LogFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.ViewerLogsDocument,
    "\n  query ViewerUsage($from: DateTime, $to: DateTime) {\n    viewer {\n      usage(from: $from, to: $to) {\n        ...UsageFields\n      }\n    }\n  }\n": types.ViewerUsageDocument,
    "\n  query ListKeysQuotaUsage($first: Int) {\n    apiKeys(first: $first) {\n      edges {\n        node {\n          id\n          quotaUsage {\n            ...QuotaUsageFields\n          }\n        }\n      }\n    }\n  }\n": types.ListKeysQuotaUsageDocument,
    "\n  fragment B2bLeadFields on B2bLead {\n    id\n    externalId\n    firstName\n    lastName\n    title\n    seniority\n    department\n    email\n    phone\n    linkedinUrl\n    city\n    region\n    country\n    companyName\n    companyDomain\n    industry\n    companySize\n    revenueRange\n    companyCity\n    companyCountry\n    updatedAt\n    charged\n  }\n": types.B2bLeadFieldsFragmentDoc,
    "\n  fragment LocalLeadFields on LocalLead {\n    id\n    externalId\n    name\n    category\n    address\n    city\n    region\n    country\n    postalCode\n    latitude\n    longitude\n    phone\n    website\n    email\n    rating\n    reviewCount\n    updatedAt\n    charged\n  }\n": types.LocalLeadFieldsFragmentDoc,
    "\n  fragment CreatorLeadFields on CreatorLead {\n    id\n    externalId\n    displayName\n    handle\n    platform\n    profileUrl\n    followers\n    engagementRate\n    niches\n    country\n    language\n    email\n    verified\n    updatedAt\n    charged\n  }\n": types.CreatorLeadFieldsFragmentDoc,
    "\n  query SearchB2bLeads($filter: B2bLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchB2bLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...B2bLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.SearchB2bLeadsDocument,
    "\n  query SearchLocalLeads($filter: LocalLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchLocalLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...LocalLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.SearchLocalLeadsDocument,
    "\n  query SearchCreatorLeads($filter: CreatorLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchCreatorLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...CreatorLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.SearchCreatorLeadsDocument,
    "\n  query CountB2bLeads($filter: B2bLeadFilter) {\n    countB2bLeads(filter: $filter) {\n      total\n    }\n  }\n": types.CountB2bLeadsDocument,
    "\n  query CountLocalLeads($filter: LocalLeadFilter) {\n    countLocalLeads(filter: $filter) {\n      total\n    }\n  }\n": types.CountLocalLeadsDocument,
    "\n  query CountCreatorLeads($filter: CreatorLeadFilter) {\n    countCreatorLeads(filter: $filter) {\n      total\n    }\n  }\n": types.CountCreatorLeadsDocument,
    "\n  fragment PlanFields on Plan {\n    id\n    name\n    requestsPerSecond\n    requestsPerMinute\n    requestsPerDay\n    aiRequestsPerMinute\n    override {\n      multiplier\n      requestsPerSecond\n      requestsPerMinute\n      requestsPerDay\n      aiRequestsPerMinute\n      expiresAt\n      reason\n    }\n  }\n": types.PlanFieldsFragmentDoc,
    "\n  fragment OperatorWorkspaceFields on OperatorWorkspace {\n    id\n    name\n    createdAt\n    creditBalance\n    keyCount\n    callsToday\n    plan {\n      ...PlanFields\n    }\n  }\n": types.OperatorWorkspaceFieldsFragmentDoc,
    "\n  query OwnPlans {\n    viewer {\n      plan {\n        ...PlanFields\n      }\n      workspace {\n        plan {\n          ...PlanFields\n        }\n      }\n    }\n  }\n": types.OwnPlansDocument,
    "\n  query OperatorWorkspaces($first: Int, $after: String, $filter: OperatorWorkspaceFilter) {\n    operatorWorkspaces(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          ...OperatorWorkspaceFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.OperatorWorkspacesDocument,
    "\n  query OperatorWorkspace($id: ID!) {\n    operatorWorkspace(id: $id) {\n      ...OperatorWorkspaceFields\n    }\n  }\n": types.OperatorWorkspaceDocument,
    "\n  query OperatorAudit($id: ID!, $first: Int, $after: String) {\n    operatorWorkspace(id: $id) {\n      audit(first: $first, after: $after) {\n        edges {\n          node {\n            id\n            actor\n            action\n            before\n            after\n            at\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.OperatorAuditDocument,
    "\n  mutation OperatorUpdateWorkspace($id: ID!, $input: OperatorUpdateWorkspaceInput!) {\n    operatorUpdateWorkspace(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n": types.OperatorUpdateWorkspaceDocument,
    "\n  mutation OperatorSetLimitOverride($id: ID!, $input: LimitOverrideInput!) {\n    operatorSetLimitOverride(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n": types.OperatorSetLimitOverrideDocument,
    "\n  mutation OperatorClearLimitOverride($id: ID!) {\n    operatorClearLimitOverride(id: $id) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n": types.OperatorClearLimitOverrideDocument,
    "\n  mutation OperatorAddCredits($id: ID!, $input: OperatorAddCreditsInput!) {\n    operatorAddCredits(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n": types.OperatorAddCreditsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment KeyFields on ApiKey {\n    id\n    name\n    description\n    category\n    permissions\n    rateLimitTier\n    prefix\n    last4\n    hint\n    state\n    expiresAt\n    createdAt\n    lastUsedAt\n    quotas {\n      total\n      daily\n      weekly\n      monthly\n    }\n    rotatedFrom {\n      id\n    }\n    replacedBy {\n      id\n    }\n  }\n"): (typeof documents)["\n  fragment KeyFields on ApiKey {\n    id\n    name\n    description\n    category\n    permissions\n    rateLimitTier\n    prefix\n    last4\n    hint\n    state\n    expiresAt\n    createdAt\n    lastUsedAt\n    quotas {\n      total\n      daily\n      weekly\n      monthly\n    }\n    rotatedFrom {\n      id\n    }\n    replacedBy {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      replayed\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      replayed\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetKey($id: ID!) {\n    apiKey(id: $id) {\n      ...KeyFields\n    }\n  }\n"): (typeof documents)["\n  query GetKey($id: ID!) {\n    apiKey(id: $id) {\n      ...KeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListKeys($first: Int, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          ...KeyFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListKeys($first: Int, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          ...KeyFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateKey($id: ID!, $input: UpdateApiKeyInput!) {\n    updateApiKey(id: $id, input: $input) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateKey($id: ID!, $input: UpdateApiKeyInput!) {\n    updateApiKey(id: $id, input: $input) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivateKey($id: ID!) {\n    deactivateApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeactivateKey($id: ID!) {\n    deactivateApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReactivateKey($id: ID!) {\n    reactivateApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReactivateKey($id: ID!) {\n    reactivateApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      apiKey {\n        ...KeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateKey($id: ID!, $input: RotateApiKeyInput) {\n    rotateApiKey(id: $id, input: $input) {\n      secret\n      apiKey {\n        ...KeyFields\n      }\n      previousApiKey {\n        ...KeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateKey($id: ID!, $input: RotateApiKeyInput) {\n    rotateApiKey(id: $id, input: $input) {\n      secret\n      apiKey {\n        ...KeyFields\n      }\n      previousApiKey {\n        ...KeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteKey($id: ID!) {\n    deleteApiKey(id: $id) {\n      deletedApiKeyId\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteKey($id: ID!) {\n    deleteApiKey(id: $id) {\n      deletedApiKeyId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      id\n      name\n      prefix\n      permissions\n      rateLimitTier\n      workspace {\n        id\n        name\n      }\n      plan {\n        id\n        name\n        requestsPerDay\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      id\n      name\n      prefix\n      permissions\n      rateLimitTier\n      workspace {\n        id\n        name\n      }\n      plan {\n        id\n        name\n        requestsPerDay\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ViewerId {\n    viewer {\n      id\n    }\n  }\n"): (typeof documents)["\n  query ViewerId {\n    viewer {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n    }\n  }\n"): (typeof documents)["\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LogFields on RequestLog {\n    id\n    requestId\n    endpoint\n    method\n    operationType\n    operationName\n    status\n    durationMs\n    ip\n    credits\n    cost\n    errorCode\n    keyPrefix\n    apiKeyId\n    at\n  }\n"): (typeof documents)["\n  fragment LogFields on RequestLog {\n    id\n    requestId\n    endpoint\n    method\n    operationType\n    operationName\n    status\n    durationMs\n    ip\n    credits\n    cost\n    errorCode\n    keyPrefix\n    apiKeyId\n    at\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Logs($first: Int, $after: String, $filter: RequestLogFilter) {\n    requestLogs(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          ...LogFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Logs($first: Int, $after: String, $filter: RequestLogFilter) {\n    requestLogs(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          ...LogFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeysFromEnd($first: Int, $after: String, $last: Int, $before: String) {\n    apiKeys(first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n        }\n      }\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeysFromEnd($first: Int, $after: String, $last: Int, $before: String) {\n    apiKeys(first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n        }\n      }\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyLogs($id: ID!, $first: Int, $after: String, $filter: RequestLogFilter) {\n    apiKey(id: $id) {\n      requestLogs(first: $first, after: $after, filter: $filter) {\n        edges {\n          node {\n            ...LogFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeyLogs($id: ID!, $first: Int, $after: String, $filter: RequestLogFilter) {\n    apiKey(id: $id) {\n      requestLogs(first: $first, after: $after, filter: $filter) {\n        edges {\n          node {\n            ...LogFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UsageFields on Usage {\n    from\n    to\n    calls\n    errors\n    errorRate\n    creditsUsed\n    lastUsedAt\n    endpoints {\n      endpoint\n      calls\n      errors\n      errorRate\n    }\n  }\n"): (typeof documents)["\n  fragment UsageFields on Usage {\n    from\n    to\n    calls\n    errors\n    errorRate\n    creditsUsed\n    lastUsedAt\n    endpoints {\n      endpoint\n      calls\n      errors\n      errorRate\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkspaceUsage($from: DateTime, $to: DateTime) {\n    viewer {\n      workspace {\n        creditBalance\n        usage(from: $from, to: $to) {\n          ...UsageFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WorkspaceUsage($from: DateTime, $to: DateTime) {\n    viewer {\n      workspace {\n        creditBalance\n        usage(from: $from, to: $to) {\n          ...UsageFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyUsage($id: ID!) {\n    apiKey(id: $id) {\n      usage {\n        ...UsageFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeyUsage($id: ID!) {\n    apiKey(id: $id) {\n      usage {\n        ...UsageFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment QuotaUsageFields on QuotaUsage {\n    window\n    limit\n    used\n    remaining\n    nextSlotAt\n  }\n"): (typeof documents)["\n  fragment QuotaUsageFields on QuotaUsage {\n    window\n    limit\n    used\n    remaining\n    nextSlotAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyQuotaUsage($id: ID!) {\n    apiKey(id: $id) {\n      quotaUsage {\n        ...QuotaUsageFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeyQuotaUsage($id: ID!) {\n    apiKey(id: $id) {\n      quotaUsage {\n        ...QuotaUsageFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ViewerQuotaUsage {\n    viewer {\n      quotaUsage {\n        ...QuotaUsageFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ViewerQuotaUsage {\n    viewer {\n      quotaUsage {\n        ...QuotaUsageFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ViewerLogs($first: Int, $after: String, $filter: OwnRequestLogFilter) {\n    viewer {\n      requestLogs(first: $first, after: $after, filter: $filter) {\n        edges {\n          node {\n            ...LogFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ViewerLogs($first: Int, $after: String, $filter: OwnRequestLogFilter) {\n    viewer {\n      requestLogs(first: $first, after: $after, filter: $filter) {\n        edges {\n          node {\n            ...LogFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ViewerUsage($from: DateTime, $to: DateTime) {\n    viewer {\n      usage(from: $from, to: $to) {\n        ...UsageFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ViewerUsage($from: DateTime, $to: DateTime) {\n    viewer {\n      usage(from: $from, to: $to) {\n        ...UsageFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListKeysQuotaUsage($first: Int) {\n    apiKeys(first: $first) {\n      edges {\n        node {\n          id\n          quotaUsage {\n            ...QuotaUsageFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListKeysQuotaUsage($first: Int) {\n    apiKeys(first: $first) {\n      edges {\n        node {\n          id\n          quotaUsage {\n            ...QuotaUsageFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment B2bLeadFields on B2bLead {\n    id\n    externalId\n    firstName\n    lastName\n    title\n    seniority\n    department\n    email\n    phone\n    linkedinUrl\n    city\n    region\n    country\n    companyName\n    companyDomain\n    industry\n    companySize\n    revenueRange\n    companyCity\n    companyCountry\n    updatedAt\n    charged\n  }\n"): (typeof documents)["\n  fragment B2bLeadFields on B2bLead {\n    id\n    externalId\n    firstName\n    lastName\n    title\n    seniority\n    department\n    email\n    phone\n    linkedinUrl\n    city\n    region\n    country\n    companyName\n    companyDomain\n    industry\n    companySize\n    revenueRange\n    companyCity\n    companyCountry\n    updatedAt\n    charged\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LocalLeadFields on LocalLead {\n    id\n    externalId\n    name\n    category\n    address\n    city\n    region\n    country\n    postalCode\n    latitude\n    longitude\n    phone\n    website\n    email\n    rating\n    reviewCount\n    updatedAt\n    charged\n  }\n"): (typeof documents)["\n  fragment LocalLeadFields on LocalLead {\n    id\n    externalId\n    name\n    category\n    address\n    city\n    region\n    country\n    postalCode\n    latitude\n    longitude\n    phone\n    website\n    email\n    rating\n    reviewCount\n    updatedAt\n    charged\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CreatorLeadFields on CreatorLead {\n    id\n    externalId\n    displayName\n    handle\n    platform\n    profileUrl\n    followers\n    engagementRate\n    niches\n    country\n    language\n    email\n    verified\n    updatedAt\n    charged\n  }\n"): (typeof documents)["\n  fragment CreatorLeadFields on CreatorLead {\n    id\n    externalId\n    displayName\n    handle\n    platform\n    profileUrl\n    followers\n    engagementRate\n    niches\n    country\n    language\n    email\n    verified\n    updatedAt\n    charged\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchB2bLeads($filter: B2bLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchB2bLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...B2bLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query SearchB2bLeads($filter: B2bLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchB2bLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...B2bLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchLocalLeads($filter: LocalLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchLocalLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...LocalLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query SearchLocalLeads($filter: LocalLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchLocalLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...LocalLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchCreatorLeads($filter: CreatorLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchCreatorLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...CreatorLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query SearchCreatorLeads($filter: CreatorLeadFilter, $first: Int, $after: String, $maxCredits: Int) {\n    searchCreatorLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {\n      creditsUsed\n      edges {\n        cursor\n        node {\n          ...CreatorLeadFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CountB2bLeads($filter: B2bLeadFilter) {\n    countB2bLeads(filter: $filter) {\n      total\n    }\n  }\n"): (typeof documents)["\n  query CountB2bLeads($filter: B2bLeadFilter) {\n    countB2bLeads(filter: $filter) {\n      total\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CountLocalLeads($filter: LocalLeadFilter) {\n    countLocalLeads(filter: $filter) {\n      total\n    }\n  }\n"): (typeof documents)["\n  query CountLocalLeads($filter: LocalLeadFilter) {\n    countLocalLeads(filter: $filter) {\n      total\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CountCreatorLeads($filter: CreatorLeadFilter) {\n    countCreatorLeads(filter: $filter) {\n      total\n    }\n  }\n"): (typeof documents)["\n  query CountCreatorLeads($filter: CreatorLeadFilter) {\n    countCreatorLeads(filter: $filter) {\n      total\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PlanFields on Plan {\n    id\n    name\n    requestsPerSecond\n    requestsPerMinute\n    requestsPerDay\n    aiRequestsPerMinute\n    override {\n      multiplier\n      requestsPerSecond\n      requestsPerMinute\n      requestsPerDay\n      aiRequestsPerMinute\n      expiresAt\n      reason\n    }\n  }\n"): (typeof documents)["\n  fragment PlanFields on Plan {\n    id\n    name\n    requestsPerSecond\n    requestsPerMinute\n    requestsPerDay\n    aiRequestsPerMinute\n    override {\n      multiplier\n      requestsPerSecond\n      requestsPerMinute\n      requestsPerDay\n      aiRequestsPerMinute\n      expiresAt\n      reason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OperatorWorkspaceFields on OperatorWorkspace {\n    id\n    name\n    createdAt\n    creditBalance\n    keyCount\n    callsToday\n    plan {\n      ...PlanFields\n    }\n  }\n"): (typeof documents)["\n  fragment OperatorWorkspaceFields on OperatorWorkspace {\n    id\n    name\n    createdAt\n    creditBalance\n    keyCount\n    callsToday\n    plan {\n      ...PlanFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OwnPlans {\n    viewer {\n      plan {\n        ...PlanFields\n      }\n      workspace {\n        plan {\n          ...PlanFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OwnPlans {\n    viewer {\n      plan {\n        ...PlanFields\n      }\n      workspace {\n        plan {\n          ...PlanFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OperatorWorkspaces($first: Int, $after: String, $filter: OperatorWorkspaceFilter) {\n    operatorWorkspaces(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          ...OperatorWorkspaceFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query OperatorWorkspaces($first: Int, $after: String, $filter: OperatorWorkspaceFilter) {\n    operatorWorkspaces(first: $first, after: $after, filter: $filter) {\n      edges {\n        node {\n          ...OperatorWorkspaceFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OperatorWorkspace($id: ID!) {\n    operatorWorkspace(id: $id) {\n      ...OperatorWorkspaceFields\n    }\n  }\n"): (typeof documents)["\n  query OperatorWorkspace($id: ID!) {\n    operatorWorkspace(id: $id) {\n      ...OperatorWorkspaceFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OperatorAudit($id: ID!, $first: Int, $after: String) {\n    operatorWorkspace(id: $id) {\n      audit(first: $first, after: $after) {\n        edges {\n          node {\n            id\n            actor\n            action\n            before\n            after\n            at\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OperatorAudit($id: ID!, $first: Int, $after: String) {\n    operatorWorkspace(id: $id) {\n      audit(first: $first, after: $after) {\n        edges {\n          node {\n            id\n            actor\n            action\n            before\n            after\n            at\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OperatorUpdateWorkspace($id: ID!, $input: OperatorUpdateWorkspaceInput!) {\n    operatorUpdateWorkspace(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation OperatorUpdateWorkspace($id: ID!, $input: OperatorUpdateWorkspaceInput!) {\n    operatorUpdateWorkspace(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OperatorSetLimitOverride($id: ID!, $input: LimitOverrideInput!) {\n    operatorSetLimitOverride(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation OperatorSetLimitOverride($id: ID!, $input: LimitOverrideInput!) {\n    operatorSetLimitOverride(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OperatorClearLimitOverride($id: ID!) {\n    operatorClearLimitOverride(id: $id) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation OperatorClearLimitOverride($id: ID!) {\n    operatorClearLimitOverride(id: $id) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OperatorAddCredits($id: ID!, $input: OperatorAddCreditsInput!) {\n    operatorAddCredits(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation OperatorAddCredits($id: ID!, $input: OperatorAddCreditsInput!) {\n    operatorAddCredits(id: $id, input: $input) {\n      workspace {\n        ...OperatorWorkspaceFields\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
import { graphql } from '../gql/index.js';

export const KeyFields = graphql(`
  fragment KeyFields on ApiKey {
    id
    name
    description
    category
    permissions
    rateLimitTier
    prefix
    last4
    hint
    state
    expiresAt
    createdAt
    lastUsedAt
    quotas {
      total
      daily
      weekly
      monthly
    }
    rotatedFrom {
      id
    }
    replacedBy {
      id
    }
  }
`);

export const CreateKey = graphql(`
  mutation CreateKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      replayed
      apiKey {
        ...KeyFields
      }
    }
  }
`);

export const GetKey = graphql(`
  query GetKey($id: ID!) {
    apiKey(id: $id) {
      ...KeyFields
    }
  }
`);

export const ListKeys = graphql(`
  query ListKeys($first: Int, $after: String, $filter: ApiKeyFilter) {
    apiKeys(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          ...KeyFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const UpdateKey = graphql(`
  mutation UpdateKey($id: ID!, $input: UpdateApiKeyInput!) {
    updateApiKey(id: $id, input: $input) {
      apiKey {
        ...KeyFields
      }
    }
  }
`);

export const DeactivateKey = graphql(`
  mutation DeactivateKey($id: ID!) {
    deactivateApiKey(id: $id) {
      apiKey {
        ...KeyFields
      }
    }
  }
`);

export const ReactivateKey = graphql(`
  mutation ReactivateKey($id: ID!) {
    reactivateApiKey(id: $id) {
      apiKey {
        ...KeyFields
      }
    }
  }
`);

export const RevokeKey = graphql(`
  mutation RevokeKey($id: ID!) {
    revokeApiKey(id: $id) {
      apiKey {
        ...KeyFields
      }
    }
  }
`);

export const RotateKey = graphql(`
  mutation RotateKey($id: ID!, $input: RotateApiKeyInput) {
    rotateApiKey(id: $id, input: $input) {
      secret
      apiKey {
        ...KeyFields
      }
      previousApiKey {
        ...KeyFields
      }
    }
  }
`);

export const DeleteKey = graphql(`
  mutation DeleteKey($id: ID!) {
    deleteApiKey(id: $id) {
      deletedApiKeyId
    }
  }
`);

export const Viewer = graphql(`
  query Viewer {
    viewer {
      id
      name
      prefix
      permissions
      rateLimitTier
      workspace {
        id
        name
      }
      plan {
        id
        name
        requestsPerDay
      }
    }
  }
`);

export const ViewerId = graphql(`
  query ViewerId {
    viewer {
      id
    }
  }
`);

export const NodeById = graphql(`
  query NodeById($id: ID!) {
    node(id: $id) {
      id
      __typename
    }
  }
`);

export const LogFields = graphql(`
  fragment LogFields on RequestLog {
    id
    requestId
    endpoint
    method
    operationType
    operationName
    status
    durationMs
    ip
    credits
    cost
    errorCode
    keyPrefix
    apiKeyId
    at
  }
`);

export const Logs = graphql(`
  query Logs($first: Int, $after: String, $filter: RequestLogFilter) {
    requestLogs(first: $first, after: $after, filter: $filter) {
      edges {
        node {
          ...LogFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const KeysFromEnd = graphql(`
  query KeysFromEnd($first: Int, $after: String, $last: Int, $before: String) {
    apiKeys(first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          id
        }
      }
      pageInfo {
        hasPreviousPage
        hasNextPage
        startCursor
        endCursor
      }
    }
  }
`);

export const KeyLogs = graphql(`
  query KeyLogs($id: ID!, $first: Int, $after: String, $filter: RequestLogFilter) {
    apiKey(id: $id) {
      requestLogs(first: $first, after: $after, filter: $filter) {
        edges {
          node {
            ...LogFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const UsageFields = graphql(`
  fragment UsageFields on Usage {
    from
    to
    calls
    errors
    errorRate
    creditsUsed
    lastUsedAt
    endpoints {
      endpoint
      calls
      errors
      errorRate
    }
  }
`);

export const WorkspaceUsage = graphql(`
  query WorkspaceUsage($from: DateTime, $to: DateTime) {
    viewer {
      workspace {
        creditBalance
        usage(from: $from, to: $to) {
          ...UsageFields
        }
      }
    }
  }
`);

export const KeyUsage = graphql(`
  query KeyUsage($id: ID!) {
    apiKey(id: $id) {
      usage {
        ...UsageFields
      }
    }
  }
`);

export const QuotaUsageFields = graphql(`
  fragment QuotaUsageFields on QuotaUsage {
    window
    limit
    used
    remaining
    nextSlotAt
  }
`);

export const KeyQuotaUsage = graphql(`
  query KeyQuotaUsage($id: ID!) {
    apiKey(id: $id) {
      quotaUsage {
        ...QuotaUsageFields
      }
    }
  }
`);

export const ViewerQuotaUsage = graphql(`
  query ViewerQuotaUsage {
    viewer {
      quotaUsage {
        ...QuotaUsageFields
      }
    }
  }
`);

export const ViewerLogs = graphql(`
  query ViewerLogs($first: Int, $after: String, $filter: OwnRequestLogFilter) {
    viewer {
      requestLogs(first: $first, after: $after, filter: $filter) {
        edges {
          node {
            ...LogFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const ViewerUsage = graphql(`
  query ViewerUsage($from: DateTime, $to: DateTime) {
    viewer {
      usage(from: $from, to: $to) {
        ...UsageFields
      }
    }
  }
`);

export const ListKeysQuotaUsage = graphql(`
  query ListKeysQuotaUsage($first: Int) {
    apiKeys(first: $first) {
      edges {
        node {
          id
          quotaUsage {
            ...QuotaUsageFields
          }
        }
      }
    }
  }
`);

export const B2bLeadFields = graphql(`
  fragment B2bLeadFields on B2bLead {
    id
    externalId
    firstName
    lastName
    title
    seniority
    department
    email
    phone
    linkedinUrl
    city
    region
    country
    companyName
    companyDomain
    industry
    companySize
    revenueRange
    companyCity
    companyCountry
    updatedAt
    charged
  }
`);

export const LocalLeadFields = graphql(`
  fragment LocalLeadFields on LocalLead {
    id
    externalId
    name
    category
    address
    city
    region
    country
    postalCode
    latitude
    longitude
    phone
    website
    email
    rating
    reviewCount
    updatedAt
    charged
  }
`);

export const CreatorLeadFields = graphql(`
  fragment CreatorLeadFields on CreatorLead {
    id
    externalId
    displayName
    handle
    platform
    profileUrl
    followers
    engagementRate
    niches
    country
    language
    email
    verified
    updatedAt
    charged
  }
`);

export const SearchB2bLeads = graphql(`
  query SearchB2bLeads($filter: B2bLeadFilter, $first: Int, $after: String, $maxCredits: Int) {
    searchB2bLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {
      creditsUsed
      edges {
        cursor
        node {
          ...B2bLeadFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const SearchLocalLeads = graphql(`
  query SearchLocalLeads($filter: LocalLeadFilter, $first: Int, $after: String, $maxCredits: Int) {
    searchLocalLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {
      creditsUsed
      edges {
        cursor
        node {
          ...LocalLeadFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const SearchCreatorLeads = graphql(`
  query SearchCreatorLeads($filter: CreatorLeadFilter, $first: Int, $after: String, $maxCredits: Int) {
    searchCreatorLeads(filter: $filter, first: $first, after: $after, maxCredits: $maxCredits) {
      creditsUsed
      edges {
        cursor
        node {
          ...CreatorLeadFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CountB2bLeads = graphql(`
  query CountB2bLeads($filter: B2bLeadFilter) {
    countB2bLeads(filter: $filter) {
      total
    }
  }
`);

export const CountLocalLeads = graphql(`
  query CountLocalLeads($filter: LocalLeadFilter) {
    countLocalLeads(filter: $filter) {
      total
    }
  }
`);

export const CountCreatorLeads = graphql(`
  query CountCreatorLeads($filter: CreatorLeadFilter) {
    countCreatorLeads(filter: $filter) {
      total
    }
  }
`);

import { graphql } from '../gql/index.js';

export const PlanFields = graphql(`
  fragment PlanFields on Plan {
    id
    name
    requestsPerSecond
    requestsPerMinute
    requestsPerDay
    aiRequestsPerMinute
    override {
      multiplier
      requestsPerSecond
      requestsPerMinute
      requestsPerDay
      aiRequestsPerMinute
      expiresAt
      reason
    }
  }
`);

export const OperatorWorkspaceFields = graphql(`
  fragment OperatorWorkspaceFields on OperatorWorkspace {
    id
    name
    createdAt
    creditBalance
    keyCount
    callsToday
    plan {
      ...PlanFields
    }
  }
`);

export const OwnPlans = graphql(`
  query OwnPlans {
    viewer {
      plan {
        ...PlanFields
      }
      workspace {
        plan {
          ...PlanFields
        }
      }
    }
  }
`);

export const OperatorWorkspaces = graphql(`
  query OperatorWorkspaces($first: Int, $after: String, $filter: OperatorWorkspaceFilter) {
    operatorWorkspaces(first: $first, after: $after, filter: $filter) {
      edges {
        node {
          ...OperatorWorkspaceFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const OperatorWorkspace = graphql(`
  query OperatorWorkspace($id: ID!) {
    operatorWorkspace(id: $id) {
      ...OperatorWorkspaceFields
    }
  }
`);

export const OperatorAudit = graphql(`
  query OperatorAudit($id: ID!, $first: Int, $after: String) {
    operatorWorkspace(id: $id) {
      audit(first: $first, after: $after) {
        edges {
          node {
            id
            actor
            action
            before
            after
            at
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

export const OperatorUpdateWorkspace = graphql(`
  mutation OperatorUpdateWorkspace($id: ID!, $input: OperatorUpdateWorkspaceInput!) {
    operatorUpdateWorkspace(id: $id, input: $input) {
      workspace {
        ...OperatorWorkspaceFields
      }
    }
  }
`);

export const OperatorSetLimitOverride = graphql(`
  mutation OperatorSetLimitOverride($id: ID!, $input: LimitOverrideInput!) {
    operatorSetLimitOverride(id: $id, input: $input) {
      workspace {
        ...OperatorWorkspaceFields
      }
    }
  }
`);

export const OperatorClearLimitOverride = graphql(`
  mutation OperatorClearLimitOverride($id: ID!) {
    operatorClearLimitOverride(id: $id) {
      workspace {
        ...OperatorWorkspaceFields
      }
    }
  }
`);

export const OperatorAddCredits = graphql(`
  mutation OperatorAddCredits($id: ID!, $input: OperatorAddCreditsInput!) {
    operatorAddCredits(id: $id, input: $input) {
      workspace {
        ...OperatorWorkspaceFields
      }
    }
  }
`);

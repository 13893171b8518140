import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed documents for the tests: every operation a test sends is checked against schema.graphql. */
const config: CodegenConfig = {
  schema: './schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: true,
  // Import paths with .js, as NodeNext ESM needs.
  emitLegacyCommonJSImports: false,
  generates: {
    './test/gql/': {
      preset: 'client',
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>' } },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;

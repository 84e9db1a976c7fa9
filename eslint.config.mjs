// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// `import { z } from 'zod'` binds zod's namespace object, which keeps all of zod (every locale included) in a
// Lambda bundle; `import * as z from 'zod'` lets esbuild keep only what is used (≈ 460 KB → ≈ 100 KB).
const zodNamespace = {
  selector: "ImportDeclaration[source.value='zod'][importKind='value'] > ImportSpecifier[imported.name='z']",
  message: "import * as z from 'zod': the named z keeps all of zod in every bundle.",
};

// countWith (functions/shared/journey-metrics.ts) reuses one single-metric instance, which copies the
// handler's default dimensions when it is made: defaults set later would be missing from its documents.
const lateDefaultDimensions = {
  selector:
    "CallExpression[callee.property.name='setDefaultDimensions'], Property[key.name='defaultDimensions']",
  message: 'Give Metrics no default dimensions: countWith would not see them (see journey-metrics.ts).',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.rapport/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', zodNamespace, lateDefaultDimensions],
    },
  },
  {
    // The domain is pure: it must run identically in Lambda, locally and in the simulator.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
              message: 'domain/ imports neither the AWS SDK nor CDK: put I/O in adapters/.',
            },
            {
              group: ['../../adapters/*', '../../functions/*', '../../local/*', '../../infra/*'],
              message: 'domain/ depends on nothing outside itself.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        zodNamespace,
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Inject a Clock: the domain never reads the wall clock.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Inject a Clock: the domain never reads the wall clock.',
        },
      ],
    },
  },
  {
    // The house style: functions of about 60 lines at most, split into steps that each do one thing.
    files: [
      'domain/**/*.ts',
      'functions/**/*.ts',
      'cli/**/*.ts',
      'adapters/**/*.ts',
      'local/**/*.ts',
      'infra/**/*.ts',
    ],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Files under ~400 lines, tests included: a file that outgrows it holds more than one subject.
    files: ['**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    files: ['**/*.cjs', '**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

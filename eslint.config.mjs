import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/harness/**', 'models/**', '.vscode-test/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // Pure layers: no editor, no native runtime, no file system.
    files: ['src/pairs/**/*.ts', 'src/cna/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vscode', 'onnxruntime-node', 'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'worker_threads', 'node:worker_threads'] }],
    },
  },
);

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // e2e files share one docker engine; keep files in separate forks but few at once.
    pool: 'forks',
    maxWorkers: 2,
    // the JSON report lets .ci/run print one plain "N passed, N failed" closing line
    reporters: ['default', ['json', { outputFile: 'test-artifacts/vitest-report.json' }]],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.{ts,tsx}', 'packages/*/test/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    globals: true,
    pool: 'threads',
    maxWorkers: 1,
  },
});

/**
 * Three projects: fast pure unit tests, integration tests against a real S3 server, and the
 * plugin's image codec in headless Chromium (which needs no S3 server).
 */
const common = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
  moduleNameMapper: { "^obsidian$": "<rootDir>/tests/fakes/obsidian.ts" },
  moduleFileExtensions: ["ts", "js", "cjs", "mjs", "json"],
  setupFiles: ["<rootDir>/tests/setup/quietSdk.cjs", "<rootDir>/tests/setup/properties.cjs"],
};

module.exports = {
  // Integration tests talk to a real S3 server; unit tests finish far below this.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/tests/integration/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/integration/browser/"],
      globalSetup: "<rootDir>/tests/setup/s3GlobalSetup.cjs",
      globalTeardown: "<rootDir>/tests/setup/s3GlobalTeardown.cjs",
    },
    { ...common, displayName: "browser", testMatch: ["<rootDir>/tests/integration/browser/**/*.test.ts"] },
  ],
};

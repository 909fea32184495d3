/** Two projects: fast pure unit tests, and integration tests against a real S3 server. */
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
      globalSetup: "<rootDir>/tests/setup/s3GlobalSetup.cjs",
      globalTeardown: "<rootDir>/tests/setup/s3GlobalTeardown.cjs",
    },
  ],
};

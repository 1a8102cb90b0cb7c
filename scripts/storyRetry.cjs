// Loaded by test-runner-jest.config.js after the test-runner's own setup files. A story that fails
// is run once more, and the first failure is printed either way (logErrorsBeforeRetry), so a story
// that really fails still fails and a flaky one stays visible in the log. Why: one story
// (Components/ServiceCatalog › Catalog) hung until the 60 s test timeout in 1 of 6 runs, at page
// start, with no error; the cause is not found yet (see docs/testing.md, "Known flakes").
/* global jest */
jest.retryTimes(1, { logErrorsBeforeRetry: true });

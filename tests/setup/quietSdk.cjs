// The SDK warns once per process that its releases after January 2027 need Node 22; in a
// test run that note repeats for every worker and buries the results.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

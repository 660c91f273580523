// Prints one plain closing line, "N passed, N failed, N skipped", after jest's own summary,
// so any CI log reader can count the run without knowing jest's format.
export default class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests } = results
    process.stdout.write(
      `\n${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped\n`
    )
  }
}

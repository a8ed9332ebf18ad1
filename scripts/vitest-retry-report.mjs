// A Vitest reporter for the suites that run real servers, databases and browsers on shared CI
// machines, where they retry a failed test once (decision 0015). A pass on retry must not hide the
// first failure: this names each such test, and its first error, at the end of the run.
export default class RetryReport {
  retried = []

  onTestCaseResult(testCase) {
    const diagnostic = testCase.diagnostic()
    if (!diagnostic || diagnostic.retryCount === 0) return
    const result = testCase.result()
    const first = result.errors?.[0]?.message?.split('\n')[0] ?? 'no error recorded'
    this.retried.push(
      `${testCase.module.moduleId.split('/').slice(-2).join('/')} > ${testCase.fullName}: ` +
        `${diagnostic.flaky ? 'passed on retry' : 'failed every try'} (${first})`,
    )
  }

  onTestRunEnd() {
    if (this.retried.length === 0) return
    console.log(`\nRetried tests (${this.retried.length}):`)
    for (const line of this.retried) console.log(`  ${line}`)
  }
}

// Prints the runner's totals as one plain closing line ("tests: N passed, N failed, N skipped"),
// read from vitest's JSON report, so CI and people see the same summary. Exit code is vitest's.
import { readFileSync } from 'node:fs'

const file = process.argv[2] ?? '.rhn/vitest.json'
let report
try {
  report = JSON.parse(readFileSync(file, 'utf8'))
} catch (err) {
  console.error(`test-summary: no vitest report at ${file} (${err.code ?? err.message}): the run did not finish`)
  process.exit(1)
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
const failedFiles = (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length
const failed = report.numFailedTests + failedFiles
console.log(`tests: ${report.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`)

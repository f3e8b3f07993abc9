/** Report by exception: deadbands and maximum silence per metric (issue 4). */
export {
  deadbandOverride,
  ReportByException,
  type RbeOptions,
  type RbeOverrides,
  type ReportByExceptionComponents,
  type ReportByExceptionInit,
} from './report-by-exception.js'

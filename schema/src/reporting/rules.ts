/**
 * Every rule a submission is checked against (报送校验规则), one stable problem code each, with where
 * the rule comes from. `submitBatch` is the only way figures come in (the reporting mutations and
 * `huishang import` both call it), so each rule here holds for every figure in the database.
 * cli/test/rules.test.ts has one refused and one accepted example per code and fails when a
 * code has none.
 */
export const SUBMISSION_RULES = {
  BAD_BATCH: { kind: 'shape', source: 'reporting', rule: 'The batch names its key (1–128 characters), who reports, a status PRELIMINARY or FINAL, and at least one observation.' },
  BAD_MONTH: { kind: 'shape', source: 'domain.md: Month', rule: 'The month is YYYY-MM.' },
  FUTURE_MONTH: { kind: 'shape', source: 'reporting', rule: 'No figures for a month that has not begun.' },
  UNKNOWN_INDICATOR: { kind: 'shape', source: 'catalogue', rule: 'The indicator is one the department publishes.' },
  COMPUTED_INDICATOR: { kind: 'shape', source: 'catalogue (derivation COMPUTED: an intensity, a ratio of two reported indicators)', rule: 'A computed indicator is never reported: report its sources, it follows from them.' },
  UNIT_MISMATCH: { kind: 'shape', source: 'domain.md: every value has a unit', rule: 'The unit is the catalogue’s (a guard against 万元/亿元 mix-ups).' },
  SUBJECT_NOT_REPORTED: { kind: 'shape', source: 'catalogue', rule: 'The indicator is reported for this kind of subject (region or enterprise).' },
  BAD_IDENTIFIER: { kind: 'shape', source: 'domain.md: Identifiers (GB 32100-2015, GB/T 2260)', rule: 'Credit codes carry a correct check character; region codes are the city’s.' },
  NOT_A_NUMBER: { kind: 'shape', source: 'reporting', rule: 'Every figure is a finite number or null.' },
  MISSING_VALUE: { kind: 'shape', source: 'domain.md: current-month and year-to-date values', rule: 'A row gives the current-month value, the year-to-date value, or both.' },
  NOT_APPLICABLE: { kind: 'shape', source: 'domain.md: a stock is a level at month end', rule: 'A stock (loans outstanding, employees) has no year-to-date value.' },
  OUT_OF_RANGE: { kind: 'shape', source: 'catalogue', rule: 'Values lie within the indicator’s range (no negative kWh, no share above 100 %); counts (户, 人, 次 …) are whole numbers.' },
  DUPLICATE_ROW: { kind: 'shape', source: 'reporting', rule: 'One row per indicator and subject in a batch.' },
  JAN_FEB_COMBINED: {
    kind: 'convention',
    source: 'domain.md: Month (January and February are published together as 1–2月)',
    rule: 'An indicator published as 1–2月 has no January row, and its February row carries the 1–2月 total as the year-to-date value.',
  },
  YTD_INCONSISTENT: {
    kind: 'consistency',
    source: 'domain.md: current-month and year-to-date values (a flow\'s year-to-date sums its months from January)',
    rule:
      'For a flow, the year-to-date value agrees with the month\'s own value, within the rounding of the figures as written: January\'s year-to-date equals its value; the year-to-date is not below the month\'s value when the indicator cannot be negative; and when the previous month is on record, the year-to-date equals the previous year-to-date plus this month\'s value (this last check may be confirmed with acceptOutliers, for a revision of earlier months carried in the year-to-date, 口径调整).',
  },
  UNKNOWN_SUBJECT: { kind: 'register', source: 'domain.md: Enterprise', rule: 'An enterprise is one the department’s register holds.' },
  STATUS_REGRESSION: { kind: 'history', source: 'domain.md: a revision never overwrites history', rule: 'A final figure is corrected as FINAL (it becomes REVISED), never back to PRELIMINARY.' },
  SCALE_SLIP: {
    kind: 'plausibility',
    source: 'domain.md: Plausibility (a figure 10,000 times smaller or larger is almost always a unit slip)',
    rule: 'A value is not a power of ten (about ×10,000 or ÷10,000: 万/亿) away from the same subject’s previous month or the same month a year earlier, unless confirmed.',
  },
  IMPLAUSIBLE_JUMP: {
    kind: 'plausibility',
    source: 'domain.md: Plausibility',
    rule: 'A value is not many times larger or smaller than the same subject’s previous month or the same month a year earlier, unless confirmed.',
  },
  GROWTH_CONTRADICTION: {
    kind: 'plausibility',
    source: 'domain.md: Plausibility (a stated growth that contradicts last year’s figure is a typing error in one of them)',
    rule: 'A stated year-on-year growth agrees with the growth computed from last year’s figure, unless confirmed. Not checked for growth at comparable prices (reported-only indicators).',
  },
  COPIED_MONTH: {
    kind: 'plausibility',
    source: 'reporting (a clerk’s sheet of last month sent again as this month’s; a flow in money, kilowatt-hours or cubic metres is never the same to the last digit)',
    rule: 'Not every flow figure of a batch (at least HUISHANG_PLAUSIBILITY_COPIED_ROWS of them, default 3; counts left out) equals the same subject’s previous month exactly, unless confirmed.',
  },
} as const;

export type ProblemCode = keyof typeof SUBMISSION_RULES;

/** Problems the submitter may override by confirming the figures (`acceptOutliers` with a reason). */
export const CONFIRMABLE: ReadonlySet<ProblemCode> = new Set(
  (Object.entries(SUBMISSION_RULES) as [ProblemCode, { kind: string }][]).filter(([, r]) => r.kind === 'plausibility').map(([code]) => code),
);

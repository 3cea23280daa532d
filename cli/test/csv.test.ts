/** Audit exports (issue 12): cells a spreadsheet would run as formulas are neutralised. */
import { csvCell } from '../src/access';

it.each([
  ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
  ['+1+1', "'+1+1"],
  ['-2+3', "'-2+3"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\tcmd', "'\tcmd"],
  ['Loans', 'Loans'],
  ['a,b', '"a,b"'],
])('%j → %j', (input, expected) => {
  expect(csvCell(input)).toBe(expected);
});

it('numbers and lists stay as they are', () => {
  expect(csvCell(12)).toBe('12');
  expect(csvCell(['FIN_A', 'FIN_B'])).toBe('FIN_A FIN_B');
  expect(csvCell(null)).toBe('');
});

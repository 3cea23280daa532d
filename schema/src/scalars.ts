import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';
import { ErrorCode, IdentifierError } from './errors';
import { parseCreditCode, parseDate, parseIndustryCode, parseMonth, parseParkCode, parseRegionCode } from './identifiers';

/**
 * A string scalar whose values are checked by `parse`. A bad value becomes a GraphQL error coded
 * BAD_USER_INPUT whose message names the value and the reason; the gateway's validation rule adds
 * the argument's name (see `identifierValidationRule`).
 */
function identifierScalar(name: string, description: string, parse: (v: unknown) => string): GraphQLScalarType<string, string> {
  const fail = (error: unknown): never => {
    if (error instanceof IdentifierError) {
      throw new GraphQLError(error.message, {
        extensions: { code: ErrorCode.BadUserInput, scalar: name, reason: error.reason },
      });
    }
    throw error;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => String(value),
    parseValue: (value) => {
      try {
        return parse(value);
      } catch (error) {
        return fail(error);
      }
    },
    parseLiteral: (ast: ValueNode) => {
      if (ast.kind !== Kind.STRING) {
        return fail(new IdentifierError(name, ast.kind === Kind.INT ? Number(ast.value) : ast.kind, 'must be written as a string literal, in double quotes'));
      }
      try {
        return parse(ast.value);
      } catch (error) {
        return fail(error);
      }
    },
  });
}

export const CreditCodeScalar = identifierScalar(
  'CreditCode',
  'Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a check character.',
  parseCreditCode,
);

export const RegionCodeScalar = identifierScalar(
  'RegionCode',
  'Administrative division code (行政区划代码, GB/T 2260) of a region this city knows: 6 digits, e.g. "411002". Zones without a national code use locally assigned codes ending 71–79.',
  parseRegionCode,
);

/** The `month` argument of every read by month (a department's figures, a group's totals, a report): one wording everywhere. */
export const MONTH_ARGUMENT = { description: 'The month of the figures (报告期), YYYY-MM, e.g. "2015-06".' };

export const MonthScalar = identifierScalar('Month', 'A calendar month (月份) as "YYYY-MM", e.g. "2015-06".', parseMonth);

export const IndustryCodeScalar = identifierScalar(
  'IndustryCode',
  'Industry classification code (国民经济行业分类, GB/T 4754-2017): section "C", division "C38", group "C381" or class "C3811".',
  parseIndustryCode,
);

/** A calendar day: deadlines and dates of the problem list (问题清单). Days are the city's (China Standard Time, UTC+8). */
export const DateScalar = identifierScalar('Date', 'A calendar day (日期) as "YYYY-MM-DD", e.g. "2015-06-30"; days are local to the city (China Standard Time, UTC+8).', parseDate);

export const ParkCodeScalar = identifierScalar(
  'ParkCode',
  'Park code (园区代码, 产业集聚区/开发区/工业园区), assigned by the department that keeps the park list: "P", the 6-digit code of the district, county or zone the park lies in, and a 2-digit number, e.g. "P41108201" (长葛市产业集聚区). Never reused or renumbered.',
  parseParkCode,
);

export const IDENTIFIER_SCALARS: readonly GraphQLScalarType[] = [CreditCodeScalar, RegionCodeScalar, MonthScalar, IndustryCodeScalar, DateScalar, ParkCodeScalar];

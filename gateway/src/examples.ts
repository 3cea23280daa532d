/**
 * Example operations shown as GraphiQL tabs. Kept apart from the page so the README and the tests
 * use the very same text: an example that stops validating against the supergraph fails a test.
 */
export interface ExampleQuery {
  title: string;
  /** One line for people: what the example shows. */
  description: string;
  query: string;
  variables: Record<string, unknown>;
}

/** The demo data set's reporting month: Xuchang's 2015 consultation meetings. */
export const EXAMPLE_MONTH = '2015-06';

/** 魏都区, the demo city's central district. */
export const EXAMPLE_DISTRICT = '411002';

export const EXAMPLE_QUERIES: readonly ExampleQuery[] = [
  {
    title: 'District, all five departments',
    description: 'One district and one month: what each of the five departments reports for it, joined by the gateway.',
    query: `# District, all five departments (魏都区): what each department reports for one month.
query DistrictAllDepartments($month: Month!) {
  region(code: "${EXAMPLE_DISTRICT}") {
    code
    name
    level
    industry(month: $month) {
      indicators { indicator name unit value ytdValue ytdYoyPct }
    }
    finance(month: $month) {
      indicators { indicator name unit value ytdValue }
    }
    energy(month: $month) {
      indicators { indicator name unit value ytdValue ytdYoyPct }
    }
    statistics(month: $month) {
      indicators { indicator name unit value ytdValue ytdYoyPct }
    }
    hr(month: $month) {
      indicators { indicator name unit value }
    }
  }
}
`,
    variables: { month: EXAMPLE_MONTH },
  },
  {
    title: 'Key enterprise, all five departments',
    description: "The district's first key enterprise (百户重点企业) with every department's figures for it.",
    query: `# Key enterprise, all five departments: the district's first key enterprise (百户重点企业).
query KeyEnterpriseAllDepartments($month: Month!) {
  enterprises(region: "${EXAMPLE_DISTRICT}", keyOnly: true, first: 1) {
    edges {
      node {
        creditCode
        name
        industryCode
        industryName
        industry(month: $month) {
          indicators { indicator name unit value ytdValue ytdYoyPct }
        }
        finance(month: $month) {
          indicators { indicator name unit value ytdValue }
        }
        energy(month: $month) {
          indicators { indicator name unit value ytdValue ytdYoyPct }
        }
        statistics(month: $month) {
          indicators { indicator name unit value ytdValue ytdYoyPct }
        }
        hr(month: $month) {
          indicators { indicator name unit value }
        }
      }
    }
  }
}
`,
    variables: { month: EXAMPLE_MONTH },
  },
  {
    title: 'Enterprises, page by page',
    description: 'The enterprise register of a district, 20 at a time: pass pageInfo.endCursor as $after for the next page.',
    query: `# Enterprises, page by page: set $after to the previous page's pageInfo.endCursor.
query EnterprisePages($region: RegionCode!, $first: Int = 20, $after: String) {
  enterprises(region: $region, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node { creditCode name industryCode industryName aboveDesignatedSize keyEnterprise }
    }
  }
}
`,
    variables: { region: EXAMPLE_DISTRICT, first: 20, after: null },
  },
  {
    title: 'Regions of the city',
    description: 'Every region of the demo city (许昌市) with its level: the city, its districts (市辖区), counties and county-level cities, and the zones — the nine 地区 the meeting ranks; regions(level: COUNTY) gives one level.',
    query: `# The city (许昌市) and its nine regions (地区): districts, counties and county-level cities, zones.
# regions(level: DISTRICT) gives one level (DISTRICT is 市辖区 only).
query CityRegions {
  regions { code name level }
}
`,
    variables: {},
  },
];

/** GraphiQL's `defaultTabs`: variables are JSON text in the variables editor. */
export function graphiqlTabs(examples: readonly ExampleQuery[] = EXAMPLE_QUERIES): { query: string; variables: string }[] {
  return examples.map((example) => ({
    query: example.query,
    variables: Object.keys(example.variables).length ? JSON.stringify(example.variables, null, 2) : '',
  }));
}

'use strict';
/**
 * The meeting's queries. Every department's figures are asked for the way the consultation
 * meeting reads them: each indicator with its names, unit, month and year-to-date values and
 * growth.
 */

const FIGURES = `indicators { indicator name unit value ytdValue yoyPct ytdYoyPct }`;
const DEPARTMENTS = `
      industry(month: $month) { ${FIGURES} }
      finance(month: $month) { ${FIGURES} }
      energy(month: $month) { ${FIGURES} }
      statistics(month: $month) { ${FIGURES} }
      hr(month: $month) { ${FIGURES} }`;

const SCENARIOS = {
  meeting: {
    id: 'a',
    title: 'meeting: every region, 5 departments',
    describe: () => 'regions (the city and its 9 districts, counties and zones) × 5 departments, one month',
    query: `query Meeting($month: Month!) {
  regions {
    code
    name
    level${DEPARTMENTS}
  }
}`,
    variables: ({ month }) => ({ month }),
    /** Varied load: each request another month of the three years. */
    variants: ({ months }) => months.map((month) => ({ month })),
  },
  enterprise: {
    id: 'b',
    title: 'one enterprise, 5 departments',
    describe: ({ creditCode }) => `enterprise(creditCode: "${creditCode}") × 5 departments, one month`,
    query: `query Enterprise($creditCode: CreditCode!, $month: Month!) {
  enterprise(creditCode: $creditCode) {
    creditCode
    name
    industryCode
    industryName
    keyEnterprise
    region { code name }${DEPARTMENTS}
  }
}`,
    variables: ({ month, creditCode }) => ({ creditCode, month }),
    /** Varied load: each request another key enterprise or month. */
    variants: ({ month, months, creditCodes }) =>
      months.slice(Math.max(0, months.indexOf(month) - 1), months.indexOf(month) + 1).flatMap((m) => creditCodes.map((creditCode) => ({ creditCode, month: m }))),
  },
  district: {
    id: 'c',
    title: '200 enterprises of a district, 5 departments',
    describe: ({ region, regionEnterprises }) =>
      `enterprises(region: "${region}", first: 200) × 5 departments, one month (the region has ${regionEnterprises} enterprises)`,
    query: `query DistrictEnterprises($region: RegionCode!, $month: Month!) {
  enterprises(region: $region, first: 200) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        creditCode
        name
        industryCode
        aboveDesignatedSize
        keyEnterprise${DEPARTMENTS.replace(/\n/g, '\n    ')}
      }
    }
  }
}`,
    variables: ({ month, region }) => ({ region, month }),
    /** Varied load: each request another month of the three years. */
    variants: ({ months, region }) => months.map((month) => ({ region, month })),
  },
};

const SCENARIO_NAMES = Object.keys(SCENARIOS);

/**
 * Picks the subjects: the first key enterprise (24 of them for varied load), the district with the
 * most enterprises (the whole city if none has 200), the month and the 36 months up to its year's end.
 */
async function resolveParameters(graphql, month) {
  const districts = await graphql(`{ region(code: "411000") { code children { code } } }`);
  const city = districts.region.code;
  const counts = [];
  for (const { code } of districts.region.children) {
    const page = await graphql(`query($r: RegionCode!) { enterprises(region: $r, first: 1) { totalCount } }`, { r: code });
    counts.push({ code, count: page.enterprises.totalCount });
  }
  counts.sort((a, b) => b.count - a.count);
  const key = await graphql(`{ enterprises(keyOnly: true, first: 24) { edges { node { creditCode } } } }`);
  const cityCount = counts.reduce((sum, c) => sum + c.count, 0);
  const biggest = counts[0];
  const region = biggest.count >= 200 ? biggest.code : city;
  const firstYear = Number(month.slice(0, 4)) - 2;
  return {
    month,
    // The three years the demo data covers up to the month's year (36 months).
    months: Array.from({ length: 36 }, (_, i) => `${firstYear + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`),
    creditCode: key.enterprises.edges[0].node.creditCode,
    creditCodes: key.enterprises.edges.map((e) => e.node.creditCode),
    region,
    regionEnterprises: region === city ? cityCount : biggest.count,
    note: region === city ? `no district has 200 enterprises at this size (largest: ${biggest.code} with ${biggest.count}); (c) pages the whole city` : null,
  };
}

module.exports = { SCENARIOS, SCENARIO_NAMES, resolveParameters };

'use strict';
/**
 * Hive Gateway's configuration for Huishang: `hive-gateway supergraph schema/supergraph.graphql
 * --config-path plugins/hive-access/gateway.config.cjs` (or copy it as gateway.config.cjs into
 * Hive Gateway's working directory). The same environment as our gateway: INDUSTRY_URL & co.,
 * HUISHANG_GATEWAY_PRIVATE_KEY, DATABASE_URL / HUISHANG_DATA_DIR (the access database),
 * REDIS_URL, HUISHANG_RATE_LIMIT_PER_MINUTE, HUISHANG_MODE.
 */
const { useHuishangAccess, huishangTransportEntries } = require('./dist/src/index.js');

exports.gatewayConfig = {
  plugins: () => [useHuishangAccess()],
  transportEntries: huishangTransportEntries(),
};

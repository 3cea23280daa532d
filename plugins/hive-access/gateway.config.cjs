'use strict';
/**
 * Hive Gateway's configuration for Huishang: `hive-gateway supergraph schema/supergraph.graphql
 * --config-path plugins/hive-access/gateway.config.cjs` (or copy it as gateway.config.cjs into
 * Hive Gateway's working directory). The same environment as our gateway: INDUSTRY_URL & co.,
 * HUISHANG_GATEWAY_PRIVATE_KEY, DATABASE_URL / HUISHANG_DATA_DIR (the access database),
 * REDIS_URL, HUISHANG_RATE_LIMIT_PER_MINUTE, HUISHANG_UNAUTHENTICATED_PER_MINUTE, MAX_QUERY_DEPTH &
 * co., HUISHANG_MODE.
 *
 * It listens on 127.0.0.1 unless HOST (or --host) says otherwise, as our gateway does: Hive
 * Gateway's own default is 0.0.0.0, which would put the demo tokens on the network. (Hive Gateway
 * reads HOST and --host itself; they win over this file's `host`.)
 */
const { useHuishangAccess, huishangTransportEntries } = require('./dist/src/index.js');

exports.gatewayConfig = {
  host: process.env.HOST || '127.0.0.1',
  plugins: () => [useHuishangAccess()],
  transportEntries: huishangTransportEntries(),
};

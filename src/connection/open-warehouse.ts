import { oauthM2MTokenProvider } from '../auth/oauth-m2m.js';
import { connectWarehouse } from '../client/databricks-sql-client.js';
import type { Warehouse } from '../client/warehouse.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { Logger } from '../output/logger.js';
import { retryPolicy, type RetryPolicy } from './retry-policy.js';
import { RetryingWarehouse } from './retrying-warehouse.js';

/**
 * Connects to the configured warehouse with the configured credentials. Transient failures
 * (a starting warehouse, throttling, dropped connections) are retried within
 * `retry_max_seconds`, each retry logged as a WARN line.
 */
export async function openWarehouse(
  config: ResolvedConfig,
  logger: Logger,
  policy: RetryPolicy = retryPolicy(config.retryMaxSeconds, logger),
): Promise<Warehouse> {
  return RetryingWarehouse.open(() => connect(config, logger), policy);
}

function connect(config: ResolvedConfig, logger: Logger): Promise<Warehouse> {
  const credentials = config.credentials;
  const auth =
    credentials.type === 'personal_access_token'
      ? ({ kind: 'token', token: credentials.token } as const)
      : ({
          kind: 'token-provider',
          getToken: oauthM2MTokenProvider({
            host: config.host,
            port: config.port,
            clientId: credentials.clientId,
            clientSecret: credentials.clientSecret,
            ...(config.tlsCaCertificate === undefined ? {} : { caCertPem: config.tlsCaCertificate }),
          }).getToken,
        } as const);
  return connectWarehouse({
    host: config.host,
    port: config.port,
    httpPath: config.httpPath,
    auth,
    ...(config.tlsCaCertificate === undefined ? {} : { caCertPem: config.tlsCaCertificate }),
    userAgentEntry: 'airbyte-source-databricks',
    logger: (level, message) => {
      if (level === 'error' || level === 'warn') logger.warn(`driver: ${message}`);
      else logger.debug(`driver: ${message}`);
    },
  });
}

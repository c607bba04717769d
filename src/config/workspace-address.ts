/**
 * Turns the `workspace_url` setting into the host and port the driver needs. Accepted forms:
 * `https://host[:port][/]`, `host`, `host:port` — any cloud's workspace domain
 * (*.cloud.databricks.com, *.azuredatabricks.net, *.gcp.databricks.com) or any other host for
 * private endpoints and local test warehouses. The driver only speaks https, so `http://` is refused.
 */

export interface WorkspaceAddress {
  readonly host: string;
  /** Present only when the text names a port. */
  readonly port?: number;
}

/** Returns the address, or a reason (for a person) why the text is not one. */
export function parseWorkspaceAddress(text: string): WorkspaceAddress | string {
  const trimmed = text.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  if (hasScheme && !/^https:\/\//i.test(trimmed)) {
    return 'must be an https URL (Databricks SQL warehouses are only reachable over https)';
  }
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
  } catch {
    return 'is not a host name or https URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  // A workspace URL copied from the browser may carry `?o=<workspace id>` or a fragment; both are irrelevant here.
  if (url.pathname !== '/' && url.pathname !== '') {
    return 'must be the workspace address only; put the warehouse path into http_path or warehouse_id';
  }
  if (url.hostname === '') return 'is missing a host name';
  return url.port === '' ? { host: url.hostname } : { host: url.hostname, port: Number(url.port) };
}

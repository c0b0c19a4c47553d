/**
 * The OCI distribution client, pull side only. {@link dev.gantry.image.registry.RegistryClient} is the
 * façade; the rest is package-private:
 *
 * <pre>
 * RegistryClient        endpoints of a domain in order (mirrors, then upstream); manifest checks; blob streams
 *   → EndpointCaller    one request against one endpoint: retries with backoff, the 401 dance, → Outcome
 *       → Authorizer    remembered challenges per endpoint, Basic, Bearer tokens (Caffeine cache)
 *       → HttpTransport HttpURLConnection (keep-alive cache), a socket factory per CA file, redirects followed by hand
 *   → RegistryErrors    the one place an HTTP status or I/O failure becomes a registry exception
 * </pre>
 *
 * No secret (password, auth, identity or registry token, bearer token) is ever logged or put in an
 * exception message.
 */
package dev.gantry.image.registry;

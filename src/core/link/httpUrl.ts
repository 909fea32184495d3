/**
 * `text` as an http or https URL with a host, or undefined for anything else (other schemes
 * such as `javascript:`, relative paths, garbage). Endpoints, public base URLs and inserted
 * links all accept exactly these.
 */
export function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname ? url : undefined;
  } catch {
    return undefined;
  }
}

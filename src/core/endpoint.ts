/**
 * An endpoint URL someone typed (the CLI's --endpoint, Add Account's endpoint box): credentials in
 * it would be sent as Basic auth to whoever answers and show up in every log line and message that
 * names the URL, so they are refused where the URL comes in. core/ never imports vscode.
 */
import { hasUrlCredentials } from './errors';

/** Why the endpoint cannot be used, or undefined. `keyFrom` says where the key goes instead. */
export function endpointCredentialsProblem(url: string, keyFrom: 'prompt' | 'env'): string | undefined {
  if (!hasUrlCredentials(url)) return undefined;
  const where = keyFrom === 'prompt' ? 'the key prompt, which keeps it in secret storage' : 'the environment variable for the key';
  return `credentials in the endpoint URL are not allowed; use ${where}`;
}

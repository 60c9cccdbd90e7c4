// What "Add Account…" offers for AWS: the commercial regions CloudTrail runs in, and the profile
// names of the user's shared config and credentials files (the same files the SDK reads, honouring
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE). providers/ never imports vscode.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';

/** Regions with CloudTrail in the aws partition (2026); any other name can still be typed in settings. */
export const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-southeast-5', 'ap-southeast-7', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1',
  'sa-east-1',
] as const;

/** Profile names from an ini text: `[profile x]` / `[default]` in config, `[x]` in credentials. */
export function profileNames(text: string, kind: 'config' | 'credentials'): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (!m) continue;
    const section = m[1].trim();
    if (kind === 'credentials') out.push(section);
    else if (section === 'default') out.push('default');
    else if (section.startsWith('profile ')) out.push(section.slice('profile '.length).trim());
    // sso-session and services sections are not profiles
  }
  return out.filter((n) => n !== '');
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/** The profiles a user has, sorted, `default` first; [] when there are no files. */
export async function listAwsProfiles(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string[]> {
  const dir = path.join(homedir(), '.aws');
  const config = env.AWS_CONFIG_FILE || path.join(dir, 'config');
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE || path.join(dir, 'credentials');
  const names = new Set([...profileNames(await readOrEmpty(config), 'config'), ...profileNames(await readOrEmpty(credentials), 'credentials')]);
  return [...names].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
}

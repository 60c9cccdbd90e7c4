/**
 * The detection settings as the extension reads them (auditLogs.detections.*), checked with zod:
 * a hand-edited settings.json can hold anything.
 */
import { z } from 'zod';

export const DetectionSettingsSchema = z.object({
  ruleFolders: z.array(z.string().min(1)).catch([]),
  disabledRules: z.array(z.string().min(1)).catch([]),
});

export type DetectionSettings = z.infer<typeof DetectionSettingsSchema>;

/** `get(key)` reads one setting under auditLogs.detections (a vscode WorkspaceConfiguration's get). */
export function readDetectionSettings(get: (key: string) => unknown): DetectionSettings {
  return DetectionSettingsSchema.parse({ ruleFolders: get('ruleFolders') ?? [], disabledRules: get('disabledRules') ?? [] });
}

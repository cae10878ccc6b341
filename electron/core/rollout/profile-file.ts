import { z } from 'zod';
import { templateVariables } from '../../../shared/profile-rules.js';
import type { WpiItem } from '../../../shared/protocol.js';
import type { ProfileView } from '../../../shared/rollout.js';
import { isLoggedAsSecret } from '../store/index.js';

/** Marks the file as Fieldstage's; a later format gets a new number and this reader refuses it. */
export const PROFILE_FILE_FORMAT = 'fieldstage-profiles';
export const PROFILE_FILE_VERSION = 1;

const fileSchema = z.object({
  format: z.literal(PROFILE_FILE_FORMAT),
  version: z.literal(PROFILE_FILE_VERSION),
  profiles: z
    .array(
      z.object({
        name: z.string().min(1).max(100),
        model: z.string().max(64).nullable(),
        items: z
          .array(z.object({ name: z.string().min(1).max(128), index: z.number().int().min(0).optional(), value: z.string().max(65536) }))
          .max(2000),
      }),
    )
    .min(1)
    .max(500),
});

export type ProfileFileEntry = z.infer<typeof fileSchema>['profiles'][number];

/** A file that is not a profile export; nothing was imported. */
export class ProfileFileError extends Error {
  readonly statusCode = 400;
}

/**
 * The profiles as a JSON file for another laptop. A secret typed into a profile (a literal
 * password) stays here: it is left out and named; a {{variable}} in a secret item is kept.
 */
export function profilesToFile(profiles: readonly ProfileView[]): { json: string; leftOut: { profile: string; item: string }[] } {
  const leftOut: { profile: string; item: string }[] = [];
  const entries = profiles.map((p) => ({
    name: p.name,
    model: p.model,
    items: p.items.filter((item) => {
      const keep = !isLoggedAsSecret(item.name) || isOnlyVariables(item);
      if (!keep) leftOut.push({ profile: p.name, item: item.index === undefined ? item.name : `${item.name}#${item.index}` });
      return keep;
    }),
  }));
  const json = JSON.stringify({ format: PROFILE_FILE_FORMAT, version: PROFILE_FILE_VERSION, profiles: entries }, null, 2);
  return { json, leftOut };
}

/** The profiles of a file, or a ProfileFileError saying what is wrong with it. */
export function profilesFromFile(text: string): ProfileFileEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ProfileFileError(`the file is not JSON: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || 'file';
    throw new ProfileFileError(`not a Fieldstage profile file (${where}: ${issue?.message ?? 'unreadable'})`);
  }
  const names = new Set<string>();
  for (const p of parsed.data.profiles) {
    const name = p.name.trim();
    if (names.has(name)) throw new ProfileFileError(`the file has the profile ${name} twice`);
    names.add(name);
  }
  return parsed.data.profiles;
}

function isOnlyVariables(item: WpiItem): boolean {
  return templateVariables(item.value).length > 0 && item.value.replace(/\{\{\s*[A-Za-z0-9_]+\s*\}\}/g, '').trim() === '';
}

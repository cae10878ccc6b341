import raw from './items.json';

/** One entry of the item catalogue (../shared/spec/items-README.md). */
export interface CatalogueItem {
  name: string;
  category: string;
  type: ItemType;
  values: string[] | null;
  range: { min: number; max: number } | null;
  maxLength: number | null;
  default: string | null;
  indexed: boolean;
  indexRange: { min: number; max: number } | string | Record<string, unknown> | null;
  readOnly: boolean;
  secret: boolean;
  example: string | null;
  summary: string;
  notes: string | null;
  unit?: string;
  valueLabels?: Record<string, string>;
  valuesIncomplete?: boolean;
}

export type ItemType =
  'boolean' | 'integer' | 'string' | 'enum' | 'password' | 'hostname' | 'base64' | 'uri' | 'ip' | 'e164' | 'time' | 'other' | 'mac';

export const CATALOGUE: readonly CatalogueItem[] = raw as unknown as CatalogueItem[];

const byName = new Map(CATALOGUE.map((item) => [item.name, item]));

export function catalogueItem(name: string): CatalogueItem | undefined {
  return byName.get(name);
}

export function isSecretItem(name: string): boolean {
  return byName.get(name)?.secret === true;
}

export const SECRET_ITEM_NAMES: ReadonlySet<string> = new Set(CATALOGUE.filter((i) => i.secret).map((i) => i.name));

/** What a secret looks like wherever it must not be shown (logs, exchange log, UI). */
export const SECRET_MASK = '******';

import { Autocomplete, NumberInput, Select, Switch, TextInput } from '@mantine/core';
import { memo } from 'react';
import type { CatalogueItem, ItemType } from '../../../../shared/catalogue.js';
import type { ItemView } from '../../../../shared/model.js';
import { useT, type MessageKey } from '../../i18n/index.js';
import { itemLabel, itemTestId } from '../../lib/format.js';
import type { ItemRef } from '../../store/editor.js';
import { useEditorSource } from './editorSource.js';
import { SecretItemInput } from './SecretItemInput.js';
import { useItemState } from './useItemState.js';

export interface ItemControlProps {
  item: ItemRef;
  entry: CatalogueItem | undefined;
  view: ItemView | undefined;
  /** Quarantined phones are never written; their items are shown but not editable. */
  locked: boolean;
}

const PLACEHOLDERS: Partial<Record<ItemType, MessageKey>> = {
  ip: 'placeholder.ip',
  hostname: 'placeholder.hostname',
  uri: 'placeholder.uri',
  e164: 'placeholder.e164',
};

function enumOptions(entry: CatalogueItem, current: string) {
  const values = entry.values ?? [];
  const options = values.map((value) => {
    const label = entry.valueLabels?.[value];
    return { value, label: label ? `${label} (${value})` : value };
  });
  // Show what the phone holds even if the catalogue does not list it.
  if (current !== '' && !values.includes(current)) options.push({ value: current, label: current });
  return options;
}

/**
 * The input that fits the catalogue type: Select for enums (with their labels), Switch for
 * booleans, NumberInput with range, masked input for secrets, text (checked) for the rest.
 * Items the catalogue does not know are plain text.
 */
export const ItemControl = memo(function ItemControl({ item, entry, view, locked }: ItemControlProps) {
  const t = useT();
  const state = useItemState(item);
  const { setPendingValue, acceptsVariables } = useEditorSource();
  const label = itemLabel(item);
  const disabled = locked || entry?.readOnly === true;
  const secret = entry?.secret === true || entry?.type === 'password' || view?.secret === true;

  if (secret) return <SecretItemInput item={item} view={view} state={state} label={label} disabled={disabled} />;

  const value = state.pending?.value ?? view?.value ?? '';
  const change = (next: string) => setPendingValue(item, next);
  const common = {
    size: 'xs' as const,
    'data-testid': itemTestId('item', item),
    'aria-label': label,
    error: state.problem,
    description: state.variables.length ? t('profile.resolvedPerPhone', { variables: state.variables.join(', ') }) : undefined,
    disabled,
  };

  // A {{variable}} is text until it is resolved per phone: a typed control could not hold it.
  const freeText = acceptsVariables && (state.variables.length > 0 || entry?.type === 'integer');
  if (!entry || disabled || freeText) {
    return <TextInput {...common} value={value} onChange={(event) => change(event.currentTarget.value)} />;
  }
  switch (entry.type) {
    case 'boolean':
      return (
        <Switch
          {...common}
          checked={value === 'true'}
          onChange={(event) => change(event.currentTarget.checked ? 'true' : 'false')}
          label={value === '' ? t('editor.notSet') : value}
        />
      );
    case 'enum':
      // Partly known value lists suggest but do not restrict (valuesIncomplete).
      return entry.valuesIncomplete || acceptsVariables ? (
        <Autocomplete {...common} data={entry.values ?? []} value={value} onChange={change} />
      ) : (
        <Select
          {...common}
          data={enumOptions(entry, value)}
          value={value === '' ? null : value}
          onChange={(next) => next !== null && change(next)}
          allowDeselect={false}
        />
      );
    case 'integer':
      return (
        <NumberInput
          {...common}
          value={value}
          onChange={(next) => change(String(next))}
          min={entry.range?.min}
          max={entry.range?.max}
          allowDecimal={false}
          // Out-of-range input is reported by rule, not silently corrected on blur.
          clampBehavior="none"
          rightSection={entry.unit}
        />
      );
    default: {
      const placeholder = PLACEHOLDERS[entry.type];
      return (
        <TextInput
          {...common}
          value={value}
          onChange={(event) => change(event.currentTarget.value)}
          placeholder={placeholder && t(placeholder)}
        />
      );
    }
  }
});

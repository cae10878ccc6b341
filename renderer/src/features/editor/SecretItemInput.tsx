import { PasswordInput } from '@mantine/core';
import { useState } from 'react';
import { SECRET_MASK } from '../../../../shared/catalogue.js';
import type { ItemView } from '../../../../shared/model.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { itemTestId } from '../../lib/format.js';
import type { ItemRef } from '../../store/editor.js';
import { useEditorSource } from './editorSource.js';
import type { ItemState } from './useItemState.js';

interface SecretItemInputProps {
  item: ItemRef;
  view: ItemView | undefined;
  state: ItemState;
  label: string;
  disabled: boolean;
}

/**
 * Secrets arrive masked. The field stays empty (placeholder "set") until the technician asks to
 * see the value: only then is it fetched with `phones.revealItem`, so it never sits in the UI unasked.
 */
export function SecretItemInput({ item, view, state, label, disabled }: SecretItemInputProps) {
  const t = useT();
  const { revealItem, setPendingValue } = useEditorSource();
  const [visible, setVisible] = useState(false);
  const reveal = useAsyncAction(() => revealItem(item), 'notice.revealFailed');

  const masked = state.pending === undefined && state.revealed === undefined && view?.value === SECRET_MASK;
  const value = state.pending?.value ?? state.revealed ?? (masked ? '' : (view?.value ?? ''));

  const changeVisibility = async (next: boolean) => {
    if (next && masked && (await reveal.run()) === undefined) return;
    setVisible(next);
  };

  return (
    <PasswordInput
      size="xs"
      data-testid={itemTestId('item', item)}
      aria-label={label}
      value={value}
      placeholder={masked ? t('editor.secretSet') : undefined}
      onChange={(event) => setPendingValue(item, event.currentTarget.value)}
      visible={visible}
      onVisibilityChange={(next) => void changeVisibility(next)}
      visibilityToggleButtonProps={{
        'aria-label': visible ? t('editor.hide') : t('editor.reveal'),
        'data-testid': itemTestId('reveal', item),
        disabled: reveal.busy,
      }}
      // Keyboard users can reach the reveal button; Mantine skips it by default.
      visibilityToggleFocusable
      error={state.problem}
      disabled={disabled}
      autoComplete="new-password"
    />
  );
}

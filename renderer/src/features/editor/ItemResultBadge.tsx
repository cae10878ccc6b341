import { Badge, type MantineColor } from '@mantine/core';
import { memo } from 'react';
import { useT, type Translate } from '../../i18n/index.js';
import { itemTestId } from '../../lib/format.js';
import type { ItemOutcome } from '../../lib/itemOutcome.js';
import type { ItemRef } from '../../store/editor.js';

const COLORS: Record<ItemOutcome['kind'], MantineColor> = {
  accepted: 'teal',
  readOnly: 'orange',
  refused: 'red',
  busy: 'yellow',
  pending: 'blue',
  failed: 'red',
  cancelled: 'gray',
  unconfirmed: 'gray',
};

function outcomeText(t: Translate, outcome: ItemOutcome): string {
  switch (outcome.kind) {
    case 'refused':
      return t('result.refused', { status: outcome.status });
    case 'failed':
      return outcome.reason ? t('result.failedBecause', { reason: outcome.reason }) : t('result.failed');
    default:
      return t(`result.${outcome.kind}`);
  }
}

/** The phone's answer for one item after the last write, next to the item it concerns. */
export const ItemResultBadge = memo(function ItemResultBadge({ item, outcome }: { item: ItemRef; outcome: ItemOutcome | undefined }) {
  const t = useT();
  if (!outcome) return null;
  const text = outcomeText(t, outcome);
  return (
    <Badge
      size="sm"
      variant="light"
      tt="none"
      color={COLORS[outcome.kind]}
      data-testid={itemTestId('result', item)}
      title={text}
      maw="100%"
    >
      {text}
    </Badge>
  );
});

import { DataList } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Fact {
  label: string;
  value: ReactNode;
  testId?: string;
}

/** Label/value pairs (a phone's identity, the app's addresses); empty values show as a dash. */
export function Facts({ facts, labelWidth = 160 }: { facts: Fact[]; labelWidth?: number }) {
  return (
    <DataList size="sm" gap={6} labelWidth={labelWidth}>
      {facts.map((fact) => (
        <DataList.Item key={fact.label}>
          <DataList.ItemLabel>{fact.label}</DataList.ItemLabel>
          <DataList.ItemValue data-testid={fact.testId}>{fact.value ?? '—'}</DataList.ItemValue>
        </DataList.Item>
      ))}
    </DataList>
  );
}

import { ActionIcon, Code, CopyButton, Group, Tooltip } from '@mantine/core';
import { useT } from '../i18n/index.js';
import { CheckIcon, CopyIcon } from './icons.js';

interface CopyValueProps {
  value: string;
  /** Multi-line values (snippets, XML) render as a block. */
  block?: boolean;
  testId?: string;
}

/** A value the technician will paste elsewhere (address, fingerprint, DHCP snippet) plus a copy button. */
export function CopyValue({ value, block = false, testId }: CopyValueProps) {
  const button = <CopyIconButton value={value} testId={testId && `${testId}-copy`} />;
  if (block) {
    return (
      <div style={{ position: 'relative' }}>
        <Code block data-testid={testId} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', paddingRight: 40 }}>
          {value}
        </Code>
        <div style={{ position: 'absolute', top: 4, right: 4 }}>{button}</div>
      </div>
    );
  }
  return (
    <Group gap={4} wrap="nowrap">
      <Code data-testid={testId} style={{ wordBreak: 'break-all' }}>
        {value}
      </Code>
      {button}
    </Group>
  );
}

export function CopyIconButton({ value, testId }: { value: string; testId?: string | undefined }) {
  const t = useT();
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? t('common.copied') : t('common.copy')} withArrow>
          <ActionIcon
            variant="subtle"
            color={copied ? 'teal' : 'gray'}
            onClick={copy}
            aria-label={t('common.copy')}
            data-testid={testId}
            size="sm"
          >
            {copied ? <CheckIcon /> : <CopyIcon />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

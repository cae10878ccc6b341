import { Affix, Notification, Stack, Text } from '@mantine/core';
import { useEffect } from 'react';
import { useT } from '../i18n/index.js';
import { useAppStore } from '../store/context.js';
import type { Notice } from '../store/ui.js';

/** Successes fade on their own; errors stay until read, because they say what to do next. */
const AUTO_DISMISS_MS = 6000;

const TONE_COLORS = { error: 'red', success: 'teal', info: 'blue' } as const;

function NoticeItem({ notice }: { notice: Notice }) {
  const t = useT();
  const dismiss = useAppStore((state) => state.dismissNotice);
  useEffect(() => {
    if (notice.tone === 'error') return;
    const timer = setTimeout(() => dismiss(notice.id), AUTO_DISMISS_MS);
    return () => clearTimeout(timer);
  }, [notice, dismiss]);

  return (
    <Notification
      color={TONE_COLORS[notice.tone]}
      title={t(notice.message, notice.params)}
      onClose={() => dismiss(notice.id)}
      closeButtonProps={{ 'aria-label': t('common.dismiss') }}
      data-testid={`notice-${notice.tone}`}
      withBorder
    >
      {notice.detail && <Text size="sm">{notice.detail}</Text>}
    </Notification>
  );
}

export function Notices() {
  const notices = useAppStore((state) => state.notices);
  return (
    <Affix position={{ bottom: 48, right: 16 }}>
      <Stack gap="xs" w={380} role="status" aria-live="polite">
        {notices.map((notice) => (
          <NoticeItem key={notice.id} notice={notice} />
        ))}
      </Stack>
    </Affix>
  );
}

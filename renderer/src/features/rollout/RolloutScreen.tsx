import { Stack, Title } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { ImportCard } from './ImportCard.js';
import { PreviewCard } from './PreviewCard.js';
import { ProfilesCard } from './ProfilesCard.js';
import { ProgressCard } from './ProgressCard.js';
import { ReportCard } from './ReportCard.js';

/** Live status is fetched again this long after the last phone or job change (a site's burst coalesces). */
const RELOAD_DELAY_MS = 400;

/** The site's roll-out: import an extension list, check the preview, confirm, watch it reach 100 %, hand over. */
export function RolloutScreen() {
  const t = useT();
  const status = useAppStore((state) => state.rollout);
  const preview = useAppStore((state) => state.rolloutPreview);
  const loadRollout = useAppStore((state) => state.loadRollout);
  useLoadOnMount(loadRollout);
  useLiveReload(loadRollout);

  return (
    <Stack gap="md">
      <Title order={3}>{t('rollout.title')}</Title>
      <ProfilesCard />
      <ImportCard />
      {preview && <PreviewCard />}
      {status && <ProgressCard />}
      <ReportCard />
    </Stack>
  );
}

/** Phones and jobs change live; the roll-out's status is derived from both, so it follows them. */
function useLiveReload(load: () => Promise<void>): void {
  const phones = useAppStore((state) => state.phones);
  const jobs = useAppStore((state) => state.jobs);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void load().catch(() => undefined), RELOAD_DELAY_MS);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [phones, jobs, load]);
}

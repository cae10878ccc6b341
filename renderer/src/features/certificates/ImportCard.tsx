import { Button, Card, FileInput, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { CertificateView } from '../../../../shared/certificates.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useApi, useAppStore } from '../../store/context.js';

const ACCEPT = '.pem,.crt,.cer,.der,.p7b,.p7c,.p12,.pfx,.key';

/** Reads the file in the renderer and sends it as one contract call; works alike in Electron and the browser. */
export function ImportCard({ onImported }: { onImported(views: CertificateView[]): void }) {
  const t = useT();
  const api = useApi();
  const notify = useAppStore((state) => state.notify);
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const importFile = useAsyncAction(async () => {
    if (!file) return;
    const contentBase64 = toBase64(new Uint8Array(await file.arrayBuffer()));
    const { certificates } = await api.call('certificates.upload', {
      name: file.name,
      contentBase64,
      ...(password ? { password } : {}),
    });
    setFile(null);
    setPassword('');
    notify({ tone: 'success', message: 'certificates.imported', params: { count: certificates.length } });
    onImported(certificates);
  }, 'certificates.importFailed');

  return (
    <Card withBorder padding="md">
      <Title order={5} mb="sm">
        {t('certificates.import')}
      </Title>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('certificates.importHint')}
        </Text>
        <Group align="end">
          <FileInput
            label={t('certificates.file')}
            accept={ACCEPT}
            value={file}
            onChange={setFile}
            clearable
            w={320}
            data-testid="certificate-file"
          />
          <PasswordInput
            label={t('certificates.password')}
            description={t('certificates.passwordHint')}
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            w={260}
            autoComplete="off"
            data-testid="certificate-password"
          />
          <Button onClick={() => void importFile.run()} disabled={!file} loading={importFile.busy} data-testid="certificate-import">
            {t('certificates.importButton')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list small.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

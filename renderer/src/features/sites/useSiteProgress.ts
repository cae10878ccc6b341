import { useEffect, useState } from 'react';
import type { SiteProgress } from '../../../../shared/sites.js';
import { useApi } from '../../store/context.js';

/** The last `site.progress` of this operation while `active`; null before the first one. */
export function useSiteProgress(operation: SiteProgress['operation'], active: boolean): SiteProgress | null {
  const api = useApi();
  const [progress, setProgress] = useState<SiteProgress | null>(null);
  useEffect(() => {
    if (!active) return undefined;
    return api.onEvent((event) => {
      if (event.type === 'site.progress' && event.progress.operation === operation) setProgress(event.progress);
    });
  }, [api, operation, active]);
  return active ? progress : null;
}

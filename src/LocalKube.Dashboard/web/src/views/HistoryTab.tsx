import { lazy } from 'react';

/** Loaded on demand: it brings the YAML library. */
export const HistoryTab = lazy(() => import('./History'));

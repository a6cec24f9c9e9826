/**
 * `/data`: the datasets every member can see, and (stewards) the import form: the file is sent
 * as a byte stream with a progress bar, then the server converts and profiles it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { canInWorkspace } from '../../../shared/roles.ts';
import type { EncodingChoice } from '../../../shared/datasets/encoding.ts';
import { Link, navigate } from '../../router.tsx';
import { useCurrentUserStore } from '../../state/currentUser.ts';
import { listDatasets, uploadDataset, uploadRefusal, type DatasetListItem, type UploadLimit } from './dataApi.ts';
import { errorText } from './errorText.ts';
import './data.css';

export default function DataPage() {
  const { t, i18n } = useTranslation('data');
  const user = useCurrentUserStore((s) => s.user);
  const isSteward = user !== null && canInWorkspace(user.workspaceRole, 'dataset.import');
  const [datasets, setDatasets] = useState<DatasetListItem[] | null>(null);
  const [uploadLimit, setUploadLimit] = useState<UploadLimit | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    listDatasets(ctrl.signal).then((r) => {
      setDatasets(r.datasets);
      setUploadLimit(r.upload);
    }, (err: unknown) => {
      if (!ctrl.signal.aborted) setLoadError(errorText(err, i18n.language));
    });
    return () => ctrl.abort();
  }, [i18n.language]);

  return (
    <main className="page page-data" id="main">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {isSteward ? <ImportForm limit={uploadLimit} /> : <p className="muted">{t('import.stewardsOnly')}</p>}
      <section className="data-section">
        {loadError && <p className="data-error">{t('loadFailed')}: {loadError}</p>}
        {datasets?.length === 0 && <p className="muted">{t('empty')}</p>}
        <ul className="data-list" data-testid="dataset-list">
          {datasets?.map((d) => (
            <li key={d.id}>
              <Link href={`/data/${d.id}`}><strong>{d.name}</strong></Link>{' '}
              {d.latest && <span className="muted">{t('version', { version: d.latest.version })} · {t('rows', { count: d.latest.rowCount })} · {d.latest.columns.length} cols</span>}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

/**
 * The import form. A file over the server's limit is refused here, before any byte is sent
 * (a steward should not wait for 2 GB to travel to hear "too large"); the server checks again.
 * While the upload runs the bar shows the bytes sent; once they are all sent the server
 * converts and profiles, which for a large file takes a while, so the bar turns indeterminate.
 */
function ImportForm({ limit }: { limit: UploadLimit | undefined }) {
  const { t, i18n } = useTranslation('data');
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [encoding, setEncoding] = useState<EncodingChoice>('auto');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refusal = file ? uploadRefusal(file, limit) : null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file || !name || refusal) return;
    setError(null);
    setProgress(0);
    try {
      const v = await uploadDataset(file, name, encoding, (sent, total) => setProgress(total > 0 ? sent / total : 0));
      navigate(`/data/${v.datasetId}`);
    } catch (err) {
      setError(errorText(err, i18n.language));
      setProgress(null);
    }
  };
  const onFile = (f: File | null) => {
    setFile(f);
    setError(null);
    if (f && !name) setName(f.name.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1').slice(0, 64));
  };

  return (
    <section className="data-section">
      <h2>{t('import.heading')}</h2>
      <form className="data-form" onSubmit={(e) => void submit(e)} data-testid="import-form">
        <label className="field"><span className="field-label">{t('import.file')}</span>
          <input type="file" accept=".csv,.tsv,.txt,.parquet" data-testid="import-file" onChange={(e) => onFile(e.target.files?.[0] ?? null)} />
        </label>
        <label className="field"><span className="field-label">{t('import.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="import-name" pattern="[A-Za-z_][A-Za-z0-9_]{0,63}" required />
        </label>
        <label className="field"><span className="field-label">{t('import.encoding')}</span>
          <select value={encoding} onChange={(e) => setEncoding(e.target.value as EncodingChoice)}>
            <option value="auto">{t('import.auto')}</option>
            <option value="utf-8">UTF-8</option>
            <option value="cp949">CP949 (EUC-KR)</option>
          </select>
        </label>
        <button type="submit" className="button button-primary" disabled={!file || !name || refusal !== null || progress !== null} data-testid="import-submit">{t('import.submit')}</button>
        {progress !== null && (
          <div role="status">
            {progress < 1
              ? <progress className="data-progress" value={progress} max={1} data-testid="import-progress" />
              : <progress className="data-progress" data-testid="import-progress" />}
            <span>{progress < 1 ? t('import.uploading', { percent: Math.round(progress * 100), sent: formatSize(progress * (file?.size ?? 0)), total: formatSize(file?.size ?? 0) }) : t('import.converting')}</span>
          </div>
        )}
        {(refusal || error) && <p className="data-error" role="alert" data-testid="import-error">{refusal ? (i18n.language === 'en' ? refusal.en : refusal.ko) : error}</p>}
      </form>
    </section>
  );
}

/** Bytes for the progress line: "1.2 GB" (decimal, as file managers show sizes). */
function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${Math.round(bytes)} B`;
}

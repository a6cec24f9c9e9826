/** `?`: the keyboard shortcuts, in a dialog. */
import { useTranslation } from 'react-i18next';
import { Dialog } from '../ui/Dialog.tsx';
import { shortcutHelp } from '../../keyboard/commandMode.ts';

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation(['notebook', 'common']);
  return (
    <Dialog title={t('shortcutsTitle')} onClose={onClose} testId="shortcuts-dialog">
      <p className="muted">{t('shortcutsCommandMode')}</p>
      <table className="shortcuts-table">
        <tbody>
          {shortcutHelp.map((row) => (
            <tr key={row.label}>
              <td>{row.keys.map((k, i) => <span key={k}>{i > 0 && ' / '}<kbd>{k}</kbd></span>)}</td>
              <td>{t(row.label)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>{t('common:close')}</button>
      </div>
    </Dialog>
  );
}

/**
 * A Markdown cell: rendered (sanitised) HTML, or a textarea bound to the cell's Y.Text while it is
 * being edited. Double-click or Enter edits; Escape, Shift+Enter or clicking away renders.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import { renderMarkdown } from '../../../shared/markdown.ts';
import { createSanitizer, type Sanitizer } from '../../../shared/sanitize.ts';
import { bindTextarea } from '../../markdown/textareaBinding.ts';
import { useYText } from '../notebook/useCells.ts';

let sanitizer: Sanitizer | null = null;
/** One DOMPurify instance for the page (hooks are registered once). */
function pageSanitizer(): Sanitizer {
  sanitizer ??= createSanitizer(window);
  return sanitizer;
}

export interface MarkdownCellProps {
  ytext: Y.Text;
  isEditing: boolean;
  readOnly: boolean;
  localOrigin: object;
  onStartEditing(): void;
  onStopEditing(): void;
  onUndo(): void;
  onRedo(): void;
}

export function MarkdownCell(props: MarkdownCellProps) {
  return props.isEditing && !props.readOnly ? <MarkdownEditor {...props} /> : <MarkdownRendered {...props} />;
}

function MarkdownRendered({ ytext, readOnly, onStartEditing }: MarkdownCellProps) {
  const { t } = useTranslation('notebook');
  const source = useYText(ytext);
  const html = useMemo(() => renderMarkdown(source, pageSanitizer()), [source]);
  if (source.trim() === '') {
    return (
      <div className="markdown-rendered markdown-empty" data-testid="markdown-rendered" onDoubleClick={readOnly ? undefined : onStartEditing}>
        {t('markdownEmpty')}
      </div>
    );
  }
  return (
    <div
      className="markdown-rendered"
      data-testid="markdown-rendered"
      onDoubleClick={readOnly ? undefined : onStartEditing}
      // Safe: renderMarkdown always passes through the shared DOMPurify config (shared/sanitize.ts).
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

function MarkdownEditor({ ytext, localOrigin, onStopEditing, onUndo, onRedo }: MarkdownCellProps) {
  const { t } = useTranslation('notebook');
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = ref.current!;
    const unbind = bindTextarea(el, ytext, localOrigin);
    const fit = () => {
      el.style.height = 'auto';
      el.style.height = `${Math.max(el.scrollHeight, 72)}px`;
    };
    fit();
    el.addEventListener('input', fit);
    ytext.observe(fit);
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
    return () => {
      unbind();
      el.removeEventListener('input', fit);
      ytext.unobserve(fit);
    };
  }, [ytext, localOrigin]);

  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing) return; // Enter also confirms a Hangul syllable
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !e.altKey && e.key.toLowerCase() === 'z') {
      // The textarea's own undo would also undo other people's text; use the per-user manager.
      e.preventDefault();
      if (e.shiftKey) onRedo();
      else onUndo();
      return;
    }
    if (e.key === 'Enter' && e.shiftKey) {
      e.preventDefault();
      onStopEditing();
    }
  };

  return (
    <textarea
      ref={ref}
      className="markdown-editor"
      data-testid="markdown-editor"
      aria-label={t('markdownEditorLabel')}
      spellCheck
      onKeyDown={onKeyDown}
      onBlur={onStopEditing}
    />
  );
}

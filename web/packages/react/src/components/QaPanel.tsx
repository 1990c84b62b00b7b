import { useId, useState, type FormEvent } from 'react';
import type { NchatError } from '../sdk/errors.js';
import type { Question } from '../sdk/types.js';

export interface QaPanelProps {
  questions: Question[];
  error?: NchatError | null;
  canAsk: boolean;
  canModerate?: boolean;
  onAsk: (content: string) => Promise<boolean>;
  onVote: (questionId: string, up: boolean) => void;
  onSetStatus?: (questionId: string, status: Question['status']) => void;
}

/** Questions by votes; viewers ask and vote, moderators mark them answered or dismiss them. */
export function QaPanel({ questions, error, canAsk, canModerate, onAsk, onVote, onSetStatus }: QaPanelProps) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim() && (await onAsk(draft.trim()))) setDraft('');
  };
  return (
    <div className="ncl-qa">
      <ol className="ncl-chat__list" aria-label="Questions" aria-live="polite">
        {questions.length === 0 ? <li className="ncl-chat__empty">No questions yet.</li> : null}
        {questions.map((q) => (
          <li key={q.id} className={`ncl-qa__item ncl-qa__item--${q.status}`}>
            <button
              type="button"
              className="ncl-qa__vote"
              aria-pressed={q.hasVoted}
              aria-label={`${q.hasVoted ? 'Take back your vote for' : 'Vote for'} the question from ${q.userName} (${q.votes} votes)`}
              disabled={!canAsk || q.status !== 'open'}
              onClick={() => onVote(q.id, !q.hasVoted)}
            >
              ▲ {q.votes}
            </button>
            <span>
              <strong>{q.userName}</strong> {q.content}
              {q.status !== 'open' ? <span className="ncl-chat__tag"> {q.status}</span> : null}
            </span>
            {canModerate && onSetStatus ? (
              <span className="ncl-qa__mod">
                {q.status === 'open' ? (
                  <>
                    <button type="button" className="ncl-link-button" onClick={() => onSetStatus(q.id, 'answered')}>
                      Answered
                    </button>
                    <button type="button" className="ncl-link-button" onClick={() => onSetStatus(q.id, 'dismissed')}>
                      Dismiss
                    </button>
                  </>
                ) : (
                  <button type="button" className="ncl-link-button" onClick={() => onSetStatus(q.id, 'open')}>
                    Reopen
                  </button>
                )}
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {error ? (
        <p className="ncl-error" role="alert">
          {error.message}
        </p>
      ) : null}
      {canAsk ? (
        <form className="ncl-chat__form" onSubmit={submit}>
          <label htmlFor={id} className="ncl-visually-hidden">
            Your question
          </label>
          <input
            id={id}
            value={draft}
            maxLength={500}
            placeholder="Ask a question"
            autoComplete="off"
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" className="ncl-button ncl-button--primary" disabled={!draft.trim()}>
            Ask
          </button>
        </form>
      ) : null}
    </div>
  );
}
